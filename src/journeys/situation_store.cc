// The store-backed SituationSource: answers per person in table journey_answers.
#include <nlohmann/json.hpp>

#include "parcours/base/clock.h"
#include "parcours/journeys/journeys.h"
#include "parcours/store/events.h"
#include "parcours/store/store.h"

namespace parcours::journeys {
namespace {

class StoreSituationSource final : public SituationSource {
 public:
  StoreSituationSource(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<Answers> Load(const Actor&, const std::string& person_id) override {
    ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
    ASSIGN_OR_RETURN(store::Rows rows,
                     tx->Query("SELECT name, value FROM journey_answers WHERE person_id = $1", {person_id}));
    Answers answers;
    for (const store::Row& row : rows) answers[row.Text(0)] = row.Text(1);
    return answers;
  }

  Status Save(const Actor& actor, const std::string& person_id, const Answers& changes) override {
    if (changes.empty()) return Status::Ok();
    const int64_t now = clock_.NowMillis();
    return db_.InTransaction([&](store::Transaction& tx) -> Status {
      Json changed = Json::array();
      Json erased = Json::array();
      for (const auto& [name, value] : changes) {
        if (value.empty()) {
          RETURN_IF_ERROR(
              tx.Execute("DELETE FROM journey_answers WHERE person_id = $1 AND name = $2", {person_id, name}));
          erased.push_back(name);
        } else {
          RETURN_IF_ERROR(tx.Execute(
              "INSERT INTO journey_answers (person_id, name, value, updated_ms) VALUES ($1, $2, $3, $4) "
              "ON CONFLICT (person_id, name) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms",
              {person_id, name, value, now}));
          changed.push_back(name);
        }
      }
      store::Event event;
      event.type = "fr.parcours.journey.situation.updated";
      event.source = "/journeys/situation";
      event.subject = person_id;
      event.person_id = person_id;
      event.actor = actor.id;
      event.channel = actor.channel;
      event.time_ms = now;
      event.data_json = Json{{"changed", changed}, {"erased", erased}}.dump();  // names only, never values
      RETURN_IF_ERROR(store::AppendEvent(tx, std::move(event), &clock_));
      return Status::Ok();
    });
  }

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace

std::unique_ptr<SituationSource> NewStoreSituationSource(store::Database& db, const Clock& clock) {
  return std::make_unique<StoreSituationSource>(db, clock);
}

}  // namespace parcours::journeys
