// Journey instances: a person starts a journey from a life event and its date, answers the
// questions that matter, and moves its steps through à faire / en cours / envoyée / terminée
// in any order. The plan (plan.h) is recomputed from the current situation on every read.
//
// The person's situation comes from a SituationSource: until the vault is wired, the
// store-backed source keeps answers per person; the vault plugs in behind the same interface
// (its attributes are keyed by the same rule names). Every change appends an event in the
// same transaction as the change (fr.parcours.journey.started, .step.status_changed,
// .situation.updated, .plan.changed).
//
// Thread-safety: JourneyService is safe to share between threads (it holds no mutable state;
// each call runs its own transactions). A journey belongs to one person: every call takes
// the person id and answers NotFound for another person's journey.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/catalog/catalog.h"
#include "parcours/journeys/date.h"
#include "parcours/journeys/plan.h"

namespace parcours {
class Clock;
}
namespace parcours::store {
class Database;
}

namespace parcours::journeys {

// Who acts, for the event log: "usager:<id>", "agent:<id>", "service:<id>"; and through
// which channel ("web", "api", "counter", "phone").
struct Actor {
  std::string id;
  std::string channel = "web";
};

// Where a person's situation lives.
class SituationSource {
 public:
  virtual ~SituationSource() = default;
  // The person's known attributes (rule name -> canonical text); empty for an unknown person.
  virtual Result<Answers> Load(const Actor& actor, const std::string& person_id) = 0;
  // Records `changes` (an empty value erases the attribute) and appends
  // fr.parcours.journey.situation.updated (names only, never values) in the same transaction.
  virtual Status Save(const Actor& actor, const std::string& person_id, const Answers& changes) = 0;
};

// The store-backed source (table journey_answers). `db` and `clock` must outlive it.
std::unique_ptr<SituationSource> NewStoreSituationSource(store::Database& db, const Clock& clock);

struct Journey {
  std::string id;
  std::string person_id;
  std::string event_id;
  CivilDate event_date;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::map<std::string, StepStatus, std::less<>> statuses;  // recorded step statuses
};

// A journey with its event, the situation and the plan computed from them.
struct JourneyView {
  Journey journey;
  const catalog::Event* event = nullptr;
  Answers answers;
  Plan plan;
};

class JourneyService {
 public:
  // `db`, `situation` and `clock` must outlive the service; the catalogue is shared.
  JourneyService(store::Database& db, catalog::CatalogPtr catalog, SituationSource& situation, const Clock& clock);

  const catalog::Catalog& catalog() const { return *catalog_; }

  // Starts a journey. `event_date` is "YYYY-MM-DD", at most 2 years before or after today.
  // `answers` (already checked, see answers.h) are saved to the situation first.
  // Errors: journeys.unknown_event (NotFound), journeys.invalid_date (field "event_date").
  Result<JourneyView> Start(const Actor& actor, const std::string& person_id, std::string_view event_id,
                            std::string_view event_date, const Answers& answers);
  // What the person already told (to prefill forms).
  Result<Answers> Situation(const Actor& actor, const std::string& person_id) {
    return situation_.Load(actor, person_id);
  }
  // The person's journeys, newest first (without plans).
  Result<std::vector<Journey>> List(const std::string& person_id);
  // Errors: journeys.not_found.
  Result<JourneyView> Get(const Actor& actor, const std::string& person_id, std::string_view journey_id);
  // Saves `changes` to the situation and returns the recomputed plan; appends
  // fr.parcours.journey.plan.changed when steps became applicable or not applicable.
  Result<JourneyView> UpdateSituation(const Actor& actor, const std::string& person_id, std::string_view journey_id,
                                      const Answers& changes);
  // Records a step's status. Errors: journeys.unknown_step (NotFound),
  // journeys.step_not_applicable (Conflict) for a step that does not apply.
  Result<JourneyView> SetStepStatus(const Actor& actor, const std::string& person_id, std::string_view journey_id,
                                    std::string_view step_id, StepStatus status);

 private:
  Result<Journey> LoadJourney(const std::string& person_id, std::string_view journey_id);
  Result<JourneyView> View(const Actor& actor, Journey journey);

  store::Database& db_;
  catalog::CatalogPtr catalog_;
  SituationSource& situation_;
  const Clock& clock_;
};

}  // namespace parcours::journeys
