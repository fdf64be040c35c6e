// The JSON API of life events and journeys (module journeys), described in
// api/openapi/journeys.yaml:
//
//   GET   /api/v1/life-events                                   the catalogue (public)
//   GET   /api/v1/life-events/{event_id}                        one event, its questions and steps (public)
//   GET   /api/v1/me/journeys                                   my journeys (policy usager)
//   POST  /api/v1/me/journeys                                   start {event_id, event_date, answers?}
//   GET   /api/v1/me/journeys/{journey_id}                      a journey with its plan
//   PATCH /api/v1/me/journeys/{journey_id}/situation            {answers}: the plan is recomputed
//   GET   /api/v1/me/journeys/{journey_id}/steps/{step_id}      one step of the plan
//   PUT   /api/v1/me/journeys/{journey_id}/steps/{step_id}/status   {status}
//
// Bad input answers problem+json with field errors (unknown event or step: 404; wrong type,
// out-of-range value, impossible date: 400). A journey is only visible to its person.
// Thread-safety: handlers are safe to run concurrently; `services` must outlive the router.
#pragma once

#include "parcours/api/services.h"
#include "parcours/http/router.h"

namespace parcours::api {

void RegisterJourneyRoutes(http::Router& router, const Services& services);

}  // namespace parcours::api
