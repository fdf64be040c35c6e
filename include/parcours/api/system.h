// System routes of every node: liveness, readiness, Prometheus metrics and the OpenAPI
// description. They need no authentication (policy "public").
// Thread-safety: register before the server starts; handlers are safe to run concurrently.
#pragma once

#include <string>

#include "parcours/api/services.h"
#include "parcours/base/status.h"
#include "parcours/http/router.h"

namespace parcours::api {

// Registers on `router`:
//   GET /healthz       200 "ok" while the process runs;
//   GET /readyz        200 when the database answers (Database::Ping), 503 problem otherwise;
//   GET /metrics       Prometheus text exposition of `services.metrics`;
//   GET /openapi.json  the OpenAPI 3.1 description (see OpenApiDocument).
// `services` must outlive the router.
void RegisterSystemRoutes(http::Router& router, const Services& services);

// The OpenAPI 3.1 description as JSON text: the root file `api/openapi.yaml` merged with every
// fragment `api/openapi/*.yaml` (each may hold `paths`, `tags` and `components`), all embedded
// at build time. Fails with Internal("api.openapi_invalid") when a file does not parse or two
// files define the same path or component. Computed once; thread-safe.
Result<std::string> OpenApiDocument();

}  // namespace parcours::api
