// Rendering journey questions as form components, and reading them back. Internal to web.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/catalog/catalog.h"
#include "parcours/journeys/journeys.h"
#include "parcours/journeys/plan.h"
#include "parcours/vault/attributes.h"
#include "parcours/web/renderer.h"

namespace parcours::web::detail {

using FormFields = std::multimap<std::string, std::string>;

// The HTML id of the field of `question` ("q-<index in the event>").
std::string QuestionId(const catalog::Event& event, const catalog::Question& question);

// The component data of a question ({radios: ...} or {field: ...}). `raw` holds what the
// person typed in this form when it is redisplayed after an error (takes precedence over the
// stored `answers`); `errors` maps rule names to messages.
nlohmann::json QuestionComponent(const catalog::Event& event, const catalog::Question& question,
                                 const journeys::Answers& answers, const FormFields* raw,
                                 const std::map<std::string, std::string>& errors, const std::string& lang);

// Reads the answers to `questions` (rule names) from form fields: choices are posted by
// position ("c0", "c1"...), so that option ids stay valid HTML. Empty fields are left out.
Result<journeys::Answers> ReadAnswers(const catalog::Event& event, const std::vector<std::string>& questions,
                                      const FormFields& form);

// Adds `text` to the hint of a question component (known answers say where they came from).
void AddHint(nlohmann::json& component, const std::string& text);

// Where a known answer came from, for its hint: "Déclaré par vous, le 05/12/2026".
std::string KnownSource(const journeys::KnownAnswer& known, const std::string& lang);

// The answers a prefill knows, as the situation of a form.
journeys::Answers KnownAnswers(const journeys::Prefill& prefill);

// How a step page shows information `need` of `event`: its label in `lang` (the question's,
// the vault attribute's, or the catalogue's information.yaml entry; the rule name if none) and
// the vault attributes that hold it (itself, or the entry's parts; none when only the person
// can give it).
struct NeedView {
  std::string label;
  std::vector<std::string> vault;
  bool since_journey_start = false;  // the vault's values count only when recorded since then
};
NeedView DescribeNeed(const catalog::Catalog& catalog, const catalog::Event& event,
                      const vault::AttributeRegistry* registry, const std::string& need, const std::string& lang);

// The tag kind of a step status ("todo", "in_progress", "sent", "done", "not_concerned").
std::string StepStatusKind(journeys::StepStatus s);

// The names a prefill showed prefilled, for the DLNUF counters of a submission.
std::vector<std::string> KnownNames(const journeys::Prefill& prefill);

// The "Je donne mon avis" link of a journey or one of its steps ("/avis?parcours=...").
std::string FeedbackHref(const std::string& event_id, const std::string& step_id, const std::string& service);

// Error summary entries ({href, message}) and the per-field messages of a failed Status, in
// `lang` (see field_errors.h).
void CollectErrors(const Renderer& renderer, const std::string& lang, const catalog::Event& event,
                   const Status& status, nlohmann::json* summary, std::map<std::string, std::string>* by_field);

}  // namespace parcours::web::detail
