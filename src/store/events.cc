#include "parcours/store/events.h"

#include <nlohmann/json.hpp>

#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/base/json.h"

namespace parcours::store {
namespace {

constexpr int kMaxReadLimit = 10000;

constexpr std::string_view kColumns =
    "id, type, source, subject, person_id, actor, channel, time_ms, data";

Event FromRow(const Row& row) {
  Event e;
  e.id = row.Text(0);
  e.type = row.Text(1);
  e.source = row.Text(2);
  e.subject = row.Text(3);
  e.person_id = row.Text(4);
  e.actor = row.Text(5);
  e.channel = row.Text(6);
  e.time_ms = row.Int(7);
  e.data_json = row.Text(8);
  return e;
}

Status Invalid(std::string field, std::string message) {
  return InvalidArgument("store.invalid_event", "Événement invalide : " + message)
      .WithField(std::move(field), message);
}

}  // namespace

Result<std::string> AppendEvent(Transaction& tx, Event event, const Clock* clock) {
  if (event.id.empty()) event.id = NewId(clock);
  if (!IsValidId(event.id)) return Invalid("id", "l'identifiant n'est pas un UUID.");
  if (event.type.empty()) return Invalid("type", "le type est obligatoire.");
  if (event.source.empty()) return Invalid("source", "la source est obligatoire.");
  if (event.time_ms == 0) {
    event.time_ms = clock != nullptr ? clock->NowMillis() : SystemClock::Get().NowMillis();
  }
  if (event.data_json.empty()) event.data_json = "{}";
  Result<Json> data = ParseJson(event.data_json);
  if (!data.ok() || !data->is_object()) {
    return Invalid("data", "les données doivent être un objet JSON.");
  }
  RETURN_IF_ERROR(tx.Execute(
      "INSERT INTO events (id, type, source, subject, person_id, actor, channel, time_ms, data) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {event.id, event.type, event.source, event.subject, event.person_id, event.actor,
       event.channel, event.time_ms, event.data_json}));
  return event.id;
}

Result<std::vector<Event>> ReadEvents(Transaction& tx, const std::string& after_id,
                                      const std::optional<std::string>& person_id, int limit) {
  if (limit < 1 || limit > kMaxReadLimit) {
    return InvalidArgument("store.bad_limit",
                           "Le nombre d'événements demandé doit être compris entre 1 et 10000.");
  }
  Result<Rows> rows =
      person_id ? tx.Query("SELECT " + std::string(kColumns) +
                               " FROM events WHERE person_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                           {*person_id, after_id, static_cast<int64_t>(limit)})
                : tx.Query("SELECT " + std::string(kColumns) +
                               " FROM events WHERE id > $1 ORDER BY id LIMIT $2",
                           {after_id, static_cast<int64_t>(limit)});
  if (!rows.ok()) return rows.status();
  std::vector<Event> out;
  out.reserve(rows->size());
  for (const Row& row : *rows) out.push_back(FromRow(row));
  return out;
}

Result<std::vector<Event>> ReadLatestEvents(Transaction& tx, const std::string& person_id, int limit,
                                            const std::string& before_id) {
  if (limit < 1 || limit > kMaxReadLimit) {
    return InvalidArgument("store.bad_limit",
                           "Le nombre d'événements demandé doit être compris entre 1 et 10000.");
  }
  ASSIGN_OR_RETURN(Rows rows,
                   before_id.empty()
                       ? tx.Query("SELECT " + std::string(kColumns) +
                                      " FROM events WHERE person_id = $1 ORDER BY id DESC LIMIT $2",
                                  {person_id, static_cast<int64_t>(limit)})
                       : tx.Query("SELECT " + std::string(kColumns) +
                                      " FROM events WHERE person_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                                  {person_id, before_id, static_cast<int64_t>(limit)}));
  std::vector<Event> out;
  out.reserve(rows.size());
  for (const Row& row : rows) out.push_back(FromRow(row));
  return out;
}

nlohmann::json ToCloudEvent(const Event& event) {
  nlohmann::json ce = {
      {"specversion", "1.0"},
      {"id", event.id},
      {"type", event.type},
      {"source", event.source},
      {"time", FormatRfc3339(TimePoint(std::chrono::milliseconds(event.time_ms)))},
      {"datacontenttype", "application/json"},
  };
  if (!event.subject.empty()) ce["subject"] = event.subject;
  Result<Json> data = ParseJson(event.data_json.empty() ? "{}" : event.data_json);
  ce["data"] = data.ok() ? *data : nlohmann::json(event.data_json);
  if (!event.person_id.empty()) ce["personid"] = event.person_id;
  if (!event.actor.empty()) ce["actor"] = event.actor;
  if (!event.channel.empty()) ce["channel"] = event.channel;
  return ce;
}

}  // namespace parcours::store
