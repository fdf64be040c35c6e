// Entitlements: the benefits Parcours offers of its own accord (DESIGN.md capability 5).
//
// They are data: `catalog/entitlements.yaml` names, for each benefit, its administration, the
// Publicodes expression deciding eligibility over the person's situation (the catalogue's
// situation model, the same rules as the steps' applicability), the rule giving its amount when
// it has one (in that model or in a published model of models.yaml, e.g. @betagouv/aides-velo),
// and the step of a life event through which it is claimed. `Assess` runs the rules engine on a
// person's situation and says eligible / not eligible / undetermined, with the amount and the
// engine's explanation.
//
// Thread-safety: an Entitlements value is immutable once loaded; Assess is a pure function
// (each call builds its own rules::Engine).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/catalog/catalog.h"
#include "parcours/journeys/plan.h"

namespace parcours::proactive {

struct Entitlement {
  std::string id;
  catalog::Text title;
  catalog::Text summary;
  std::string administration;  // id in administrations.yaml (the "service" of the events)
  std::string eligible_if;     // Publicodes expression over the situation model
  std::string amount_rule;     // rule giving the amount, "" when none
  std::string amount_model;    // "" = the situation model, else a model id of models.yaml
  std::vector<std::string> required;  // attributes that must be known before assessing
  bool only_with_journey = false;     // offered only to persons who started the claim's event
  std::string event_id;               // the claim: a life event...
  std::string step_id;                // ...and its step
};

class Entitlements {
 public:
  Entitlements(catalog::CatalogPtr catalog, std::vector<Entitlement> list)
      : catalog_(std::move(catalog)), list_(std::move(list)) {}

  const std::vector<Entitlement>& list() const { return list_; }
  const Entitlement* Find(std::string_view id) const;
  const catalog::Catalog& catalog() const { return *catalog_; }
  const catalog::CatalogPtr& shared_catalog() const { return catalog_; }

 private:
  catalog::CatalogPtr catalog_;
  std::vector<Entitlement> list_;
};

// Loads and checks `file` against `catalog`: unknown keys, missing fields, unknown
// administrations, models, events, steps or attributes, and expressions the rules engine
// refuses are all reported at once as InvalidArgument "proactive.invalid_entitlements" with
// one field error per problem ("entitlements.yaml:12" -> message). A missing file gives an
// empty list.
Result<Entitlements> LoadEntitlements(catalog::CatalogPtr catalog, const std::filesystem::path& file);

enum class Eligibility { kEligible, kNotEligible, kUndetermined };
std::string_view EligibilityName(Eligibility e);  // "eligible", "not_eligible", "undetermined"

struct Assessment {
  Eligibility eligibility = Eligibility::kUndetermined;
  std::optional<double> amount;      // euros, when the entitlement has an amount rule
  std::string amount_text;           // the engine's formatted amount ("1 084,43 €")
  // The engine's explanation of the eligibility and amount, in French and English (the event's
  // questions by their labels: journeys::ExplainForPeople).
  catalog::Text explanation;
  std::vector<std::string> missing;  // attributes that would decide an undetermined assessment
};

// Evaluates `entitlement` on `answers` (attribute -> canonical text, as journeys::Answers).
// Eligible when the condition is true and, for an entitlement with an amount, the amount is a
// positive number. Errors only when the rules engine fails ("proactive.rules_error").
Result<Assessment> Assess(const Entitlements& entitlements, const Entitlement& entitlement,
                          const journeys::Answers& answers);

}  // namespace parcours::proactive
