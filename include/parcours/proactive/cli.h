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
// The source may own what it reads from (e.g. the vault) and must stay usable while it lives.
using SituationFactory = std::function<Result<std::unique_ptr<journeys::SituationSource>>(
    store::Database& db, catalog::CatalogPtr catalog, const Clock& clock)>;

void AddCampaignCommands(CLI::App& app, SituationFactory situation);

}  // namespace parcours::proactive
