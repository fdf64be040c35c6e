-- The cursors of the consumers that follow the event log (store/follow.h): proactive triggers
-- ("triggers", the row it kept in proactive_cursor) and the journeys' sync with the exchange
-- ("journeys"). One table for every consumer.
ALTER TABLE proactive_cursor RENAME TO event_cursors;
