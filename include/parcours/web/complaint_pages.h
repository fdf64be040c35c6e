// The complaint pages (module complaints):
//   GET  /mes-reclamations                         my complaints: status, due date, answers (usager)
//   GET  /mes-reclamations/nouvelle                file one: subject, category, text, reference
//   POST /mes-reclamations                         files it; the acknowledgement gives the due date
//   GET  /mes-reclamations/{complaint_id}          one complaint with the organisation's answers
//   GET  /agent/reclamations                       the queue of the agent's organisations, by due
//                                                  date, overdue ones flagged (policy agent)
//   GET  /agent/reclamations/{complaint_id}        one complaint and its actions
//   POST /agent/reclamations/{complaint_id}/prendre | /repondre | /resoudre | /rejeter
// The person and the agent read the same rows (one truth). Every object is checked: a
// complaint is the usager's own, or belongs to one of the agent's organisations (else 404).
// Thread-safety: register before the server starts; `services` must outlive the router.
#pragma once

#include "parcours/api/services.h"
#include "parcours/http/router.h"

namespace parcours::web {

void RegisterComplaintPages(http::Router& router, const api::Services& services);

}  // namespace parcours::web
