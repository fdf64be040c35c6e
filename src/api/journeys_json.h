// JSON forms of catalogue events and journey plans for the API. Internal to the api module.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "parcours/catalog/catalog.h"
#include "parcours/journeys/journeys.h"

namespace parcours::api::detail {

// An event summary (list) or the full event with questions and steps.
nlohmann::json LifeEventJson(const catalog::Event& event, const catalog::Catalog& catalog, const std::string& lang,
                             bool full);
// A journey without its plan (list items).
nlohmann::json JourneySummaryJson(const journeys::Journey& journey, const catalog::Catalog& catalog,
                                  const std::string& lang);
// One step of a plan.
nlohmann::json StepPlanJson(const journeys::StepPlan& step, const catalog::Catalog& catalog, const std::string& lang);
// A journey with its situation (answers to the event's questions) and its plan.
nlohmann::json JourneyJson(const journeys::JourneyView& view, const catalog::Catalog& catalog, const std::string& lang);

}  // namespace parcours::api::detail
