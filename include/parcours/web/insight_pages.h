// The pilote dashboards and the public pages of the indicators:
//   GET /pilote                      pilote  the journeys and services to open
//   GET /pilote/parcours/{id}        pilote  dashboard of a journey (filters, charts, comments)
//   GET /pilote/services/{id}        pilote  dashboard of a service
//   GET /donnees-ouvertes            public  headline indicators, small counts withheld
//   GET|POST /avis                   public  "Je donne mon avis" form
// Charts are server-rendered SVG, each followed by its data table.
#pragma once

#include "parcours/api/services.h"
#include "parcours/http/router.h"

namespace parcours::web {

void RegisterInsightPages(http::Router& router, const api::Services& services);

}  // namespace parcours::web
