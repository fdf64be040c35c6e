// The event log: every change of state appends one CloudEvents-shaped event in the same
// transaction as the change. Timelines, indicators and proactive triggers read from it.
// Thread-safety: free functions over a caller-owned Transaction.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/store/store.h"

namespace parcours {
class Clock;
}

namespace parcours::store {

struct Event {
  std::string id;          // UUIDv7, filled by AppendEvent when empty
  std::string type;        // reverse-DNS style: "fr.parcours.journey.started"
  std::string source;      // producer: "/journeys", "/agencies/caf"...
  std::string subject;     // the object concerned: a journey id, a request id...
  std::string person_id;   // the usager concerned, "" when none
  std::string actor;       // who acted: "usager:<id>", "agent:<id>", "service:<id>", "system"
  std::string channel;     // "web", "counter", "phone", "mail", "api", "system"
  int64_t time_ms = 0;     // filled from the clock by AppendEvent when 0
  std::string data_json = "{}";  // event payload (JSON object text)
};

// Appends `event` inside `tx`; returns the event id. `clock` may be null (system clock).
// kInvalidArgument "store.invalid_event" (with the field) when type or source is empty, the
// id is not a UUID, or data_json is not a JSON object; kConflict when the id already exists.
Result<std::string> AppendEvent(Transaction& tx, Event event, const Clock* clock = nullptr);

// Reads events in id order (= time order) after `after_id` ("" = from the start), optionally
// for one person, at most `limit` (1..10000, else kInvalidArgument "store.bad_limit").
// Ids are taken when an event is appended, not when its transaction commits: on PostgreSQL a
// transaction committing late can make an event appear behind one a reader already passed.
// A consumer that must see every event (outbox, triggers) re-reads a short window before its
// cursor or records what it has handled.
Result<std::vector<Event>> ReadEvents(Transaction& tx, const std::string& after_id,
                                      const std::optional<std::string>& person_id, int limit);

// The person's most recent events before `before_id` ("" = the latest), newest first, at most
// `limit` (1..10000), for timelines (page back with the last id returned).
Result<std::vector<Event>> ReadLatestEvents(Transaction& tx, const std::string& person_id, int limit,
                                            const std::string& before_id = "");

// The CloudEvents 1.0 JSON form of an event (specversion, id, type, source, subject, time,
// datacontenttype, data, plus extensions personid, actor, channel).
nlohmann::json ToCloudEvent(const Event& event);

}  // namespace parcours::store
