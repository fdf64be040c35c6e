// Routing: method + path pattern -> handler, with `{name}` path parameters, and middleware
// wrapping every handler. Unknown paths answer 404 problem+json; a known path with another
// method answers 405 with an Allow header.
// Thread-safety: build the router before the server starts; then it is read-only and shared.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/http/message.h"

namespace parcours::http {

using Handler = std::function<Response(Request&)>;
// A middleware calls `next(request)` to continue, or answers by itself.
using Middleware = std::function<Response(Request&, const Handler& next)>;

// What a route declares about itself; read by middleware (auth policy, metrics, CSRF).
struct RouteInfo {
  std::string method;
  std::string pattern;   // "/api/v1/journeys/{id}"
  std::string name;      // stable name for metrics and the authorisation matrix
  std::string policy;    // authorisation policy name (module auth); "public" when none is needed
};

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registers `handler` for `method` and `pattern` (segments are literals or `{name}`;
  // a final `{name...}` matches the rest of the path). Patterns must not collide.
  void Add(std::string method, std::string pattern, Handler handler, std::string name = "",
           std::string policy = "public");
  // Middleware run outermost-first, in the order added, around every matched handler
  // and around the 404/405 answers.
  void Use(Middleware middleware);

  // Matches and runs the chain. Never throws: an exception escaping a handler becomes a
  // 500 problem (and is logged).
  Response Dispatch(Request& request) const;

  // Every registered route (for the authorisation matrix test and the OpenAPI check).
  std::vector<RouteInfo> Routes() const;
  // The route that `Dispatch` would pick, without running it; nullptr when none.
  const RouteInfo* Match(std::string_view method, std::string_view path) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parcours::http
