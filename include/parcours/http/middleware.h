// Standard middleware and handlers every Parcours server installs.
//
// Recommended order (outermost first), so that the access log and the metrics see the final
// status and every answer, including those of auth middleware, carries the security headers:
//   router.Use(AccessLog());
//   router.Use(MetricsMiddleware(registry));          // metrics.h
//   router.Use(SecurityHeaders({.behind_tls = ...}));
//   router.Use(<auth, CSRF, rate limits...>);
// Thread-safety: the returned middleware and handlers are stateless or thread-safe.
#pragma once

#include <string>

#include "parcours/http/router.h"

namespace parcours::http {

struct SecurityHeadersOptions {
  // Adds Strict-Transport-Security and the Secure attribute on cookies lacking it.
  bool behind_tls = false;
  std::string content_security_policy =
      "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
};

// Sets Content-Security-Policy, X-Content-Type-Options: nosniff, Referrer-Policy:
// strict-origin-when-cross-origin, X-Frame-Options: DENY, Cross-Origin-Opener-Policy:
// same-origin, Permissions-Policy (no camera, microphone, geolocation...) and, behind TLS,
// Strict-Transport-Security, on every response. A header the handler already set is kept
// (a page may need its own CSP).
Middleware SecurityHeaders(SecurityHeadersOptions options = {});

// One JSON log line per request: method, route (the pattern, never the raw path or query),
// status, duration_ms, bytes (response body) and request_id. Never bodies or query values.
// Lines are written by a background thread within ~20 ms (the request thread only queues a
// record); the queue is bounded (65536 lines; beyond, lines are counted and the count is
// logged) and drained when the last copy of the middleware (the Router) is destroyed.
Middleware AccessLog();

// GET /healthz: always 200 {"status":"ok"} while the process serves requests.
Handler HealthHandler();

}  // namespace parcours::http
