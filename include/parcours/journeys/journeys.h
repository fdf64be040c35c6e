// Journey instances: a person starts a journey from a life event and its date, answers the
// questions that matter, and moves its steps through à faire / en cours / envoyée / terminée
// in any order. The plan (plan.h) is recomputed from the current situation on every read.
//
// The person's situation IS their vault ("Dites-le nous une fois"): a SituationSource reads
// and writes the vault's attributes, keyed by the same rule names as the catalogue's
// questions. Reads made to compute a plan go through the vault's gate and appear in the
// person's access log; answers are written with their provenance (declared by the person or
// their aidant, entered by an agent); a form submission records the DLNUF counters
// (fr.parcours.vault.form_submitted). Every journey change appends an event in the same
// transaction as the change (fr.parcours.journey.started, .step.status_changed,
// .plan.changed).
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
#include "parcours/vault/attributes.h"

namespace parcours {
class Clock;
}
namespace parcours::store {
class Database;
}
namespace parcours::vault {
class Vault;
}

namespace parcours::journeys {

// Who acts, for the event log: "usager:<id>" (the person, or an aidant acting for them),
// "agent:<id>", "service:<id>"; and through which channel ("web", "api", "counter", "phone").
struct Actor {
  std::string id;
  std::string channel = "web";
};

// The attribute holding the person's commune (INSEE code): journeys put it on
// fr.parcours.journey.started so that indicators split by territory.
inline constexpr const char* kCommuneAttribute = "adresse . commune";

// A form the person saw and sent: its id ("<event>/debut", "<event>/<step>") and the answers
// it showed prefilled from the situation (the others were asked).
struct FormSubmission {
  std::string form_id;
  std::vector<std::string> prefilled;
};

// An answer the situation already holds, with where it came from.
struct KnownAnswer {
  std::string rule;
  std::string value;  // canonical
  vault::Provenance provenance;
  vault::Verification verification = vault::Verification::kUnverified;
  int64_t collected_ms = 0;
};
struct Prefill {
  std::vector<KnownAnswer> known;    // in the order asked
  std::vector<std::string> missing;  // to ask, in the order asked
  const KnownAnswer* Find(std::string_view rule) const;
};

// Where a person's situation lives.
class SituationSource {
 public:
  virtual ~SituationSource() = default;
  // The person's known answers (rule name -> canonical text) to compute the plan of life event
  // `event_id`; empty for a person the situation does not know yet.
  virtual Result<Answers> Load(const Actor& actor, const std::string& person_id, std::string_view event_id) = 0;
  // Records `changes` (an empty value erases the attribute). With `form`, the changes are the
  // form's answers and the submission is recorded with its DLNUF counters. A rejected change
  // (InvalidArgument with one field error per rule) changes nothing.
  virtual Status Save(const Actor& actor, const std::string& person_id, std::string_view event_id,
                      const Answers& changes, const FormSubmission* form) = 0;
  // Which of `rules` are already known (with provenance) and which must be asked.
  virtual Result<Prefill> PrefillFor(const Actor& actor, const std::string& person_id, std::string_view event_id,
                                     const std::vector<std::string>& rules) = 0;
};

// Adds the catalogue's questions to `registry` as attributes (type, unit, bounds, choices,
// sensitivity), so that the vault accepts them; call it before opening the vault. A question
// rule the registry already defines with another type is refused (journeys.attribute_conflict).
Status RegisterCatalogAttributes(const catalog::Catalog& catalog, vault::AttributeRegistry& registry);

// The vault-backed source. `vault` and `clock` must outlive it; the catalogue names the
// purposes shown in the access log ("Calcul de votre parcours « Déménager »") and the
// attributes a plan reads (every question's rule and the commune, nothing else).
std::unique_ptr<SituationSource> NewVaultSituationSource(vault::Vault& vault, catalog::CatalogPtr catalog,
                                                         const Clock& clock);

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
  // `answers` (already checked, see answers.h) are saved to the situation first, as the
  // submission of `form` when given. fr.parcours.journey.started carries the person's
  // commune when the situation knows it.
  // Errors: journeys.unknown_event (NotFound), journeys.invalid_date (field "event_date").
  Result<JourneyView> Start(const Actor& actor, const std::string& person_id, std::string_view event_id,
                            std::string_view event_date, const Answers& answers,
                            const FormSubmission* form = nullptr);
  // Which of `rules` the person's situation already holds, to prefill a form of `event_id`.
  Result<Prefill> PrefillFor(const Actor& actor, const std::string& person_id, std::string_view event_id,
                             const std::vector<std::string>& rules) {
    return situation_.PrefillFor(actor, person_id, event_id, rules);
  }
  // The person's journeys, newest first (without plans).
  Result<std::vector<Journey>> List(const std::string& person_id);
  // Errors: journeys.not_found.
  Result<JourneyView> Get(const Actor& actor, const std::string& person_id, std::string_view journey_id);
  // Saves `changes` to the situation and returns the recomputed plan; appends
  // fr.parcours.journey.plan.changed when steps became applicable or not applicable.
  Result<JourneyView> UpdateSituation(const Actor& actor, const std::string& person_id, std::string_view journey_id,
                                      const Answers& changes, const FormSubmission* form = nullptr);
  // Records a step's status. Errors: journeys.unknown_step (NotFound),
  // journeys.step_not_applicable (Conflict) for a step that does not apply.
  Result<JourneyView> SetStepStatus(const Actor& actor, const std::string& person_id, std::string_view journey_id,
                                    std::string_view step_id, StepStatus status);
  // Moves a step forward to `status` (à faire < en cours < envoyée < faite), unless it is there
  // or further already, was said not to concern the person, or does not apply: what the sync
  // with the exchange records (sync.h). Returns whether it moved. Errors: as SetStepStatus.
  Result<bool> AdvanceStep(const Actor& actor, const std::string& person_id, std::string_view journey_id,
                           std::string_view step_id, StepStatus status);

 private:
  Result<Journey> LoadJourney(const std::string& person_id, std::string_view journey_id);
  // `answers`: the situation when the caller already read it.
  Result<JourneyView> View(const Actor& actor, Journey journey, const Answers* answers = nullptr);

  store::Database& db_;
  catalog::CatalogPtr catalog_;
  SituationSource& situation_;
  const Clock& clock_;
};

}  // namespace parcours::journeys
