// `parcours campaign run --entitlement ID` (a non-take-up campaign with progress and a summary)
// and `parcours campaign entitlements` (the entitlements of the catalogue).
#pragma once

#include <functional>
#include <memory>

#include "parcours/journeys/journeys.h"

namespace CLI {
class App;
}

namespace parcours::proactive {

// Builds the situation source the journeys of this deployment read (the app passes the same
// one `parcours serve` uses).
using SituationFactory =
    std::function<std::unique_ptr<journeys::SituationSource>(store::Database& db, const Clock& clock)>;

void AddCampaignCommands(CLI::App& app, SituationFactory situation);

}  // namespace parcours::proactive
