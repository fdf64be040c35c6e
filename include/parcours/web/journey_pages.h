// The citizen pages of life events and journeys, server-rendered, in French and English:
//
//   GET  /evenements                                   the catalogue of life events (public)
//   GET  /evenements/{event_id}                        an event: its date and questions (public;
//                                                      the form is shown once logged in)
//   POST /evenements/{event_id}                        start a journey (usager)
//   GET  /mes-parcours                                 my journeys (usager)
//   GET  /mes-parcours/{journey_id}                    the plan: task list, deadlines, next questions
//   POST /mes-parcours/{journey_id}                    answer the next questions (plan recomputed)
//   GET  /mes-parcours/{journey_id}/etapes/{step_id}   a step: why, deadline, sources, form
//   POST /mes-parcours/{journey_id}/etapes/{step_id}   save the step's answers and status
//
// Invalid answers are shown next to their field and in the error summary, and every value
// the person typed is kept. Works without JavaScript.
// Thread-safety: handlers are safe to run concurrently; `services` must outlive the router.
#pragma once

#include "parcours/api/services.h"
#include "parcours/http/router.h"

namespace parcours::web {

void RegisterJourneyPages(http::Router& router, const api::Services& services);

}  // namespace parcours::web
