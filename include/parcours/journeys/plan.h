// Plan computation: which steps of a life event apply to a person, why, by when, and which
// questions would still change the plan. A pure function of the catalogue, the event date,
// the person's situation and the statuses already recorded: the plan is recomputed on every
// read, so it always reflects the current situation.
// Thread-safety: free functions over immutable inputs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/catalog/catalog.h"
#include "parcours/journeys/date.h"

namespace parcours::rules {
class Evaluation;
}  // namespace parcours::rules

namespace parcours::journeys {

// A person's situation: attribute name (a Publicodes rule name, the vault's key) -> canonical
// text ("oui"/"non", "1250.5", "crèche", "2026-03-12", free text).
using Answers = std::map<std::string, std::string, std::less<>>;

// Progress of a step, as the person (or an agency's callback) records it.
enum class StepStatus { kTodo, kInProgress, kSent, kDone, kNotConcerned };
// "a_faire", "en_cours", "envoyee", "terminee", "non_concernee".
std::string_view StepStatusName(StepStatus status);
std::optional<StepStatus> ParseStepStatus(std::string_view name);
const catalog::Text& StepStatusLabel(StepStatus status);

enum class Applicability {
  kApplies,       // the condition is true (and, for an aid step, some aid has an amount)
  kNotApplicable, // false or non applicable
  kUndetermined,  // answers are missing: `missing` lists the questions that decide it
};
std::string_view ApplicabilityName(Applicability a);  // "applies", "not_applicable", "undetermined"

// One aid found by an external model (e.g. a bike-purchase aid of the new commune).
struct AidResult {
  std::string rule;         // "aides . lyon"
  std::string title;        // "Métropole Grand Lyon"
  double amount = 0;        // euros
  std::string formatted;    // "400 €"
  std::string end_date;     // "31/12/2025" when the model gives one
  bool ended = false;       // end_date is before the event date
  std::string url;          // the aid's page, when the model gives one
  catalog::Text explanation;  // the engine's explanation of the amount, in French and English
};

struct StepPlan {
  const catalog::Step* step = nullptr;
  Applicability applicability = Applicability::kUndetermined;
  StepStatus status = StepStatus::kTodo;   // kNotConcerned when not applicable
  std::optional<CivilDate> deadline;
  bool overdue = false;                    // deadline passed and not sent / done
  // The rules engine's explanation, in French and English: questions by their labels, steps by
  // their titles (rules::ExplanationStyle).
  catalog::Text explanation;
  std::vector<std::string> missing;        // question rules that would decide applicability
  std::vector<AidResult> aids;             // for aid steps: aids with a positive amount
  double aid_total = 0;
  std::vector<std::string> waiting_for;    // depends_on steps not yet sent or done
};

struct Plan {
  std::vector<StepPlan> steps;  // catalogue order
  // Unanswered questions of the event that would change the plan, most decisive first.
  std::vector<const catalog::Question*> next_questions;
  int applicable = 0;
  int undetermined = 0;
  int done = 0;  // applicable steps sent or done

  const StepPlan* Find(std::string_view step_id) const;
};

// An evaluation's explanation for people, in French and English: `event`'s questions by their
// labels, its steps by their titles, other rules by their names (rules::ExplanationStyle).
catalog::Text ExplainForPeople(const rules::Evaluation& evaluation, const catalog::Event& event);

// Computes the plan. `recorded` holds statuses saved for this journey; `today` decides
// overdue deadlines. Errors only when the rules engine fails ("journeys.rules_error").
Result<Plan> ComputePlan(const catalog::Catalog& catalog, const catalog::Event& event, const CivilDate& event_date,
                         const Answers& answers, const std::map<std::string, StepStatus, std::less<>>& recorded,
                         const CivilDate& today);

// The question defining attribute `rule`: the event's own, else any event's; nullptr if none.
const catalog::Question* FindQuestion(const catalog::Catalog& catalog, const catalog::Event& event,
                                      std::string_view rule);

// The Publicodes literal of a canonical answer for `question` ("oui", "1200 €/mois",
// "'crèche'", "12/03/2026").
std::string PublicodesLiteral(const catalog::Question& question, std::string_view canonical);

}  // namespace parcours::journeys
