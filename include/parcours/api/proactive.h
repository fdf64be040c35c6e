// The proactive offers' JSON API (policy "person": the person, or an aidant / agent holding a
// mandate in force; an offer of another person is 404):
//   GET  /api/v1/persons/{person_id}/offers                       the person's offers, newest first
//   POST /api/v1/persons/{person_id}/offers/{offer_id}/accept      start the claim (journey + step)
//   POST /api/v1/persons/{person_id}/offers/{offer_id}/decline     never offered again
// Described in api/openapi/proactive.yaml. Errors are problem+json (proactive.*).
// Thread-safety: handlers are safe to run concurrently; `services` must outlive the router.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "parcours/api/services.h"
#include "parcours/http/router.h"

namespace parcours::proactive {
struct Offer;
class OfferService;
}

namespace parcours::api {

// `offers` may be null (routes answer 503) and must outlive the router.
void RegisterProactiveRoutes(http::Router& router, const Services& services, proactive::OfferService* offers);

// The JSON form of an offer (shared with the web pages' tests): texts in `lang`.
nlohmann::json OfferJson(const proactive::Offer& offer, const std::string& lang);

}  // namespace parcours::api
