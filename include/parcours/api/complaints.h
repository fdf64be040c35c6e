// The JSON API of complaints (module complaints), described in api/openapi/complaints.yaml:
//
//   GET  /api/v1/persons/{person_id}/complaints                       the person's complaints (policy person)
//   POST /api/v1/persons/{person_id}/complaints                       file {about, service | dossier_id |
//                                                                     journey_id + step_id, category, text,
//                                                                     reference?}: 201 + acknowledgement
//   GET  /api/v1/persons/{person_id}/complaints/{complaint_id}        one, with the messages
//   GET  /api/v1/organisations/{organisation_id}/complaints           the queue by due date (policy
//                                                                     organisation; agents and admins)
//   GET  /api/v1/organisations/{organisation_id}/complaints/{complaint_id}
//   POST /api/v1/organisations/{organisation_id}/complaints/{complaint_id}/take      agents of the organisation
//   POST .../{complaint_id}/answer {message}, .../resolve {message?}, .../reject {reason}
//
// Errors are problem+json with French messages and field errors (complaints.invalid 422,
// complaints.unknown_subject 404, complaints.not_found 404, complaints.bad_transition and
// complaints.answer_required 409, complaints.agents_only 403).
// Thread-safety: handlers are safe to run concurrently; `services` must outlive the router.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "parcours/api/services.h"
#include "parcours/complaints/complaints.h"
#include "parcours/http/message.h"
#include "parcours/http/router.h"

namespace parcours::api {

void RegisterComplaintRoutes(http::Router& router, const Services& services);

// The complaint as the API shows it (labels in `lang`), at `now_ms` for the overdue flag.
nlohmann::json ComplaintJson(const complaints::Complaint& c, const std::string& lang, int64_t now_ms);

// The organisations in which the request's principal is an agent ("" grants excluded).
std::vector<std::string> AgentOrganisations(const http::Request& request);

// Who acts for the complaints module: the principal's audit actor, its channel ("counter"
// for an agent acting for a person, "api" for an API key, else "web") and its display name.
complaints::Actor ComplaintActor(const http::Request& request, bool for_person);

}  // namespace parcours::api
