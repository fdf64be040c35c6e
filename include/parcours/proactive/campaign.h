// Campaigns against non-take-up ("non-recours"): scan the whole population for people eligible
// to an entitlement who have not claimed it, and make them the offer.
//
// The population is every person the platform knows (the vault's persons not erased, and every
// person who started a journey), read in pages of `page` ids by keyset, so memory stays bounded
// whatever its size. Each person is considered with OfferService::Consider (the same rules and
// the same one-offer-per-person-and-entitlement key as the triggers): re-running a campaign
// makes no new offer to anyone already offered.
// Thread-safety: a free function; it may run while servers serve (each person in its own
// transaction).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "parcours/base/status.h"
#include "parcours/proactive/offers.h"

namespace parcours::proactive {

struct CampaignReport {
  std::string entitlement_id;
  int64_t population = 0;       // persons known when the campaign started
  int64_t scanned = 0;          // persons considered
  int64_t eligible = 0;         // eligible (offered now, before, or already claimed)
  int64_t claimed = 0;          // eligible and already claimed
  int64_t already_offered = 0;  // eligible and offered before (whatever the answer)
  int64_t offered = 0;          // new offers made by this run
  int64_t failed = 0;           // persons whose situation could not be assessed (logged)
};

struct CampaignOptions {
  int page = 500;  // persons per page (1..10000)
  // Called after each page with the report so far (progress output).
  std::function<void(const CampaignReport&)> progress;
};

// Errors: proactive.unknown_entitlement (NotFound), proactive.bad_page (InvalidArgument).
Result<CampaignReport> RunCampaign(store::Database& db, OfferService& offers, const std::string& entitlement_id,
                                   const CampaignOptions& options = {});

}  // namespace parcours::proactive
