// Non-take-up campaigns (see proactive/campaign.h).
#include "parcours/proactive/campaign.h"

#include <nlohmann/json.hpp>

#include "parcours/base/log.h"
#include "parcours/store/store.h"

namespace parcours::proactive {
namespace {

// Every person known: the vault's (not erased) and those who started a journey.
constexpr const char* kPopulation =
    "SELECT id FROM vault_persons WHERE erased_at_ms IS NULL UNION SELECT person_id FROM journeys";

}  // namespace

Result<CampaignReport> RunCampaign(store::Database& db, OfferService& offers, const std::string& entitlement_id,
                                   const CampaignOptions& options) {
  if (offers.entitlements().Find(entitlement_id) == nullptr) {
    return NotFound("proactive.unknown_entitlement", "Droit inconnu : « " + entitlement_id + " ».");
  }
  if (options.page < 1 || options.page > 10000) {
    return InvalidArgument("proactive.bad_page", "Taille de page invalide (1 à 10 000).");
  }
  CampaignReport report;
  report.entitlement_id = entitlement_id;
  {
    ASSIGN_OR_RETURN(auto tx, db.BeginRead());
    ASSIGN_OR_RETURN(store::Row row,
                     tx->QueryOne(std::string("SELECT COUNT(*) FROM (") + kPopulation + ") population", {}));
    report.population = row.Int(0);
  }
  std::string after;
  for (;;) {
    std::vector<std::string> page;
    {
      ASSIGN_OR_RETURN(auto tx, db.BeginRead());
      ASSIGN_OR_RETURN(store::Rows rows,
                       tx->Query(std::string("SELECT id FROM (") + kPopulation +
                                     ") population WHERE id > $1 ORDER BY id LIMIT $2",
                                 {after, static_cast<int64_t>(options.page)}));
      for (const store::Row& r : rows) page.push_back(r.Text(0));
    }
    if (page.empty()) break;
    for (const std::string& person : page) {
      ++report.scanned;
      Result<ConsiderReport> r = offers.Consider(person, "campaign", entitlement_id, /*assess_offered=*/true);
      if (!r.ok()) {
        ++report.failed;
        log::Warn("proactive campaign", {{"reason", r.status().reason()}, {"error", r.status().message()}});
        continue;
      }
      for (const auto& [id, outcome] : r->outcomes) {
        if (outcome == Outcome::kClaimed) ++report.claimed;
        if (outcome == Outcome::kAlreadyOffered) ++report.already_offered;
        if (outcome == Outcome::kOffered) ++report.offered;
      }
      report.eligible += r->eligible;
    }
    after = page.back();
    if (options.progress) options.progress(report);
    if (static_cast<int>(page.size()) < options.page) break;
  }
  return report;
}

}  // namespace parcours::proactive
