-- The event log (see include/parcours/store/events.h): one row per change of state,
-- appended in the same transaction as the change. Ids are UUIDv7, so id order is time order
-- (byte order: the "C" collation).
CREATE TABLE events (
  id TEXT COLLATE "C" PRIMARY KEY,
  type TEXT COLLATE "C" NOT NULL,
  source TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  person_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  actor TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL DEFAULT '',
  time_ms BIGINT NOT NULL,
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_person_id ON events (person_id, id);
CREATE INDEX events_type_id ON events (type, id);
