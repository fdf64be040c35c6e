// The JSON API of the customer-experience indicators (api/openapi/insight.yaml):
//   GET  /api/v1/insight/indicators      pilote   indicators and the previous period (JSON)
//   GET  /api/v1/insight/indicators.csv  pilote   the same as CSV
//   GET  /api/v1/insight/comments        pilote   feedback comments, never with an identity
//   GET  /api/v1/insight/open-data       public   headline figures, small counts withheld
//   POST /api/v1/insight/feedback        public   "Je donne mon avis" (rate-limited per client)
// Filters: parcours | service, du, au, canal, departement, commune (see insight/indicators.h).
#pragma once

#include "parcours/api/services.h"
#include "parcours/base/status.h"
#include "parcours/http/message.h"
#include "parcours/http/router.h"
#include "parcours/insight/indicators.h"

namespace parcours::api {

void RegisterInsightRoutes(http::Router& router, const Services& services);

// Reads and checks the filter parameters of `request`; a parcours must be a life event of the
// catalogue and a service an administration of it (kNotFound "insight.unknown_journey" /
// "insight.unknown_service"), other errors are kInvalidArgument "insight.bad_filter".
Result<insight::Filter> InsightFilterOf(const Services& services, const http::Request& request);

}  // namespace parcours::api
