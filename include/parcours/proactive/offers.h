// Offers: an entitlement a person is eligible to and has not claimed becomes one offer, shown
// on "Mes droits" and in the API, which the person accepts (the claim's journey is started or
// continued, and its step marked in progress, prefilled from the situation) or declines.
//
// One offer per person and entitlement, ever: an entitlement already offered (whatever the
// answer) is not offered again, so re-running a trigger or a campaign changes nothing. Every
// change appends its event in the same transaction: fr.parcours.proactive.offer.made,
// .offer.accepted, .offer.declined (source "/proactive", subject the offer id; data `service`
// = the administration, `aid` = the entitlement id, `offer_id`, and `origin` or `journey_id`).
// The situation is read through journeys::SituationSource (the same source the journeys use),
// the claim's journeys through journeys::JourneyService.
//
// Thread-safety: OfferService holds no mutable state; share it between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/journeys/journeys.h"
#include "parcours/proactive/entitlements.h"

namespace parcours {
class Clock;
}
namespace parcours::store {
class Database;
}

namespace parcours::proactive {

enum class OfferStatus { kOffered, kAccepted, kDeclined };
std::string_view OfferStatusName(OfferStatus s);  // "proposee", "acceptee", "refusee"

struct Offer {
  std::string id;
  std::string person_id;
  std::string entitlement_id;
  OfferStatus status = OfferStatus::kOffered;
  std::string origin;  // "trigger" or "campaign"
  std::optional<double> amount;
  std::string amount_text;
  std::string explanation;     // the engine's explanation at offer time, in French
  std::string explanation_en;  // the same in English ('' for offers made before it was kept)
  // The explanation in `lang` ("en": English when kept), else French.
  const std::string& ExplanationIn(std::string_view lang) const {
    return lang == "en" && !explanation_en.empty() ? explanation_en : explanation;
  }
  std::string journey_id;  // set once accepted
  int64_t created_ms = 0;
  std::optional<int64_t> decided_ms;
  const Entitlement* entitlement = nullptr;  // null when the catalogue no longer has it
};

// What considering one person for one entitlement found.
enum class Outcome {
  kSkipped,         // not concerned (no journey of the claim's event when one is required)
  kUndetermined,    // the situation does not decide it yet
  kNotEligible,
  kClaimed,         // eligible, but the claim step is already in progress, sent or done
  kAlreadyOffered,  // an offer exists (any status)
  kOffered,         // a new offer was made
};

struct ConsiderReport {
  int eligible = 0;  // eligible, whether offered now, before, or already claimed
  int offered = 0;   // new offers made
  std::vector<std::pair<std::string, Outcome>> outcomes;  // entitlement id -> outcome
};

struct Accepted {
  Offer offer;
  std::string journey_id;
  std::string step_id;
};

class OfferService {
 public:
  // Every reference must outlive the service.
  OfferService(store::Database& db, const Entitlements& entitlements, journeys::JourneyService& journeys,
               journeys::SituationSource& situation, const Clock& clock);

  const Entitlements& entitlements() const { return entitlements_; }

  // Assesses `person_id` for every entitlement (or only `only`, when not empty) and makes the
  // offers due. `origin` is "trigger" or "campaign". With `assess_offered` false (triggers),
  // entitlements already offered to the person are not even assessed.
  Result<ConsiderReport> Consider(const std::string& person_id, std::string_view origin, std::string_view only = "",
                                  bool assess_offered = false);

  // The person's offers, newest first.
  Result<std::vector<Offer>> List(const std::string& person_id);
  // Errors: proactive.offer_not_found (NotFound) for an unknown offer or another person's.
  Result<Offer> Get(const std::string& person_id, std::string_view offer_id);
  // Accepts an offer: starts the claim's journey (event date today) unless the person has one
  // of that event, marks its step in progress when it applies, records the acceptance.
  // Accepting twice answers the same journey. Errors: proactive.offer_not_found,
  // proactive.offer_declined (Conflict), proactive.unknown_entitlement (Conflict).
  Result<Accepted> Accept(const journeys::Actor& actor, const std::string& person_id, std::string_view offer_id);
  // Declines an offer (never offered again). Declining twice is a no-op.
  // Errors: proactive.offer_not_found, proactive.offer_accepted (Conflict).
  Result<Offer> Decline(const journeys::Actor& actor, const std::string& person_id, std::string_view offer_id);
  // The claim's step of journey `journey_id` went forward another way (the person, an agent at
  // the counter, an aidant): the open offer whose claim it is is taken up, accepted with that
  // journey (`fr.parcours.proactive.offer.accepted`, data "through": "step"). Returns the offers
  // it closed (0 or 1); idempotent.
  Result<int> TakenUpThroughStep(const journeys::Actor& actor, const std::string& person_id,
                                 std::string_view event_id, std::string_view step_id, const std::string& journey_id);

 private:
  store::Database& db_;
  const Entitlements& entitlements_;
  journeys::JourneyService& journeys_;
  journeys::SituationSource& situation_;
  const Clock& clock_;
};

}  // namespace parcours::proactive
