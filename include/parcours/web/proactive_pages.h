// "Mes droits": the entitlements Parcours found for the logged-in usager (policy "usager"),
// each with its amount and the rules engine's explanation of why they are eligible, a
// one-click claim and a "no thanks". Works without JavaScript, in French and English.
//   GET  /mes-droits                      the offers waiting for an answer, then the past ones
//   POST /mes-droits/{offer_id}/demande   accept: on to the claim step of the journey started
//   POST /mes-droits/{offer_id}/refus     decline: never offered again
// Thread-safety: handlers are safe to run concurrently; `services` must outlive the router.
#pragma once

#include "parcours/api/services.h"
#include "parcours/http/router.h"

namespace parcours::proactive {
class OfferService;
}

namespace parcours::web {

// `offers` may be null (pages answer 503) and must outlive the router.
void RegisterProactivePages(http::Router& router, const api::Services& services, proactive::OfferService* offers);

}  // namespace parcours::web
