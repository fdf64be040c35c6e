// Router: a trie of path segments (literal children, one `{param}` child, one `{rest...}`
// child per node). Matching prefers literals over parameters over the rest, backtracking
// when a more specific branch has no route for the method. Middleware chains are composed
// once per route when routes or middleware are added, so Dispatch allocates nothing for them.
#include "parcours/http/router.h"

#include <cstdlib>
#include <deque>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "parcours/base/log.h"

namespace parcours::http {
namespace {

struct Route {
  RouteInfo info;
  Handler handler;                       // the handler as registered
  Handler chain;                         // handler wrapped by every middleware
  std::vector<std::string> param_names;  // names of `{param}` segments, in order
  std::string rest_name;                 // name of a final `{name...}` segment, if any
};

struct Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;
  std::unique_ptr<Node> rest;
  std::map<std::string, Route*, std::less<>> by_method;
};

// Path segments of "/a/b" -> {"a", "b"}; "/" and "" -> {}.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return segments;
  while (true) {
    std::size_t pos = path.find('/');
    segments.push_back(path.substr(0, pos));
    if (pos == std::string_view::npos) break;
    path.remove_prefix(pos + 1);
  }
  return segments;
}

bool IsParam(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

[[noreturn]] void BadPattern(const std::string& method, const std::string& pattern,
                             const char* why) {
  // Routes are registered at start-up by our own code: a bad one is a programming error.
  log::Error("invalid route", {{"method", method}, {"pattern", pattern}, {"why", why}});
  std::abort();
}

// What a match found: the route, and the values of its parameters in pattern order.
struct Found {
  const Route* route = nullptr;
  std::vector<std::string_view> params;
  std::string_view rest;
};

// Calls visit(node, params, rest) for every node matching `segs` from index `i`, most
// specific first, until visit returns true. Returns whether it did.
template <typename Visit>
bool Walk(const Node& node, const std::vector<std::string_view>& segs, std::size_t i,
          std::string_view full_path, std::vector<std::string_view>& params, Visit&& visit) {
  if (i == segs.size()) return visit(node, params, std::string_view());
  const std::string_view seg = segs[i];
  if (auto it = node.literals.find(seg); it != node.literals.end()) {
    if (Walk(*it->second, segs, i + 1, full_path, params, visit)) return true;
  }
  if (node.param && !seg.empty()) {
    params.push_back(seg);
    if (Walk(*node.param, segs, i + 1, full_path, params, visit)) return true;
    params.pop_back();
  }
  if (node.rest) {
    // The rest is the remainder of the path from this segment on, as written.
    std::size_t offset = static_cast<std::size_t>(seg.data() - full_path.data());
    std::string_view rest = full_path.substr(offset);
    if (!rest.empty() && visit(*node.rest, params, rest)) return true;
  }
  return false;
}

}  // namespace

struct Router::Impl {
  Node root;
  std::deque<Route> routes;  // stable addresses; registration order
  std::vector<Middleware> middleware;
  Handler fallback;        // 404 / 405 responder, wrapped by the middleware
  Handler fallback_chain;  // fallback wrapped by every middleware

  Handler Compose(const Handler& inner) const {
    Handler h = inner;
    for (auto it = middleware.rbegin(); it != middleware.rend(); ++it) {
      h = [mw = *it, next = std::move(h)](Request& r) { return mw(r, next); };
    }
    return h;
  }

  Found Find(std::string_view method, std::string_view path) const {
    Found found;
    std::vector<std::string_view> segs = SplitPath(path);
    std::vector<std::string_view> params;
    auto pick = [&](std::string_view m) {
      return Walk(root, segs, 0, path, params,
                  [&](const Node& node, const std::vector<std::string_view>& p,
                      std::string_view rest) {
                    auto it = node.by_method.find(m);
                    if (it == node.by_method.end()) return false;
                    found.route = it->second;
                    found.params = p;
                    found.rest = rest;
                    return true;
                  });
    };
    if (!pick(method) && method == "HEAD") pick("GET");
    return found;
  }

  // Every method some route accepts for `path` (HEAD implied by GET), sorted.
  std::set<std::string> AllowedMethods(std::string_view path) const {
    std::set<std::string> allowed;
    std::vector<std::string_view> segs = SplitPath(path);
    std::vector<std::string_view> params;
    Walk(root, segs, 0, path, params,
         [&](const Node& node, const std::vector<std::string_view>&, std::string_view) {
           for (const auto& [m, route] : node.by_method) {
             allowed.insert(m);
             if (m == "GET") allowed.insert("HEAD");
           }
           return false;  // visit every matching node
         });
    return allowed;
  }

  Response Unmatched(Request& request) const {
    std::set<std::string> allowed = AllowedMethods(request.path);
    if (allowed.empty()) {
      return Problem(NotFound("http.not_found", "Aucune ressource ne correspond à ce chemin."),
                     request.request_id);
    }
    std::string allow;
    for (const std::string& m : allowed) {
      if (!allow.empty()) allow += ", ";
      allow += m;
    }
    Response r = Problem(InvalidArgument("http.method_not_allowed",
                                         "La méthode " + request.method +
                                             " n'est pas acceptée pour ce chemin."),
                         request.request_id);
    r.SetHeader("Allow", std::move(allow));
    return r;
  }
};

namespace {

// Runs `handler`; an exception becomes a logged 500 problem that middleware still sees.
Response Guarded(const Handler& handler, Request& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    log::Error("handler threw", {{"route", request.route}, {"exception", e.what()}});
  } catch (...) {
    log::Error("handler threw", {{"route", request.route}, {"exception", "unknown"}});
  }
  return Problem(Internal("http.handler_exception", "Le traitement de la requête a échoué."),
                 request.request_id);
}

}  // namespace

Router::Router() : impl_(std::make_unique<Impl>()) {
  impl_->fallback = [impl = impl_.get()](Request& r) { return impl->Unmatched(r); };
  impl_->fallback_chain = impl_->fallback;
}

Router::~Router() = default;

void Router::Add(std::string method, std::string pattern, Handler handler, std::string name,
                 std::string policy) {
  if (method.empty() || pattern.empty() || pattern.front() != '/') {
    BadPattern(method, pattern, "the pattern must start with '/'");
  }
  if (!handler) BadPattern(method, pattern, "empty handler");
  Route route;
  Node* node = &impl_->root;
  std::vector<std::string_view> segs = SplitPath(pattern);
  for (std::size_t i = 0; i < segs.size(); ++i) {
    std::string_view seg = segs[i];
    if (seg.empty()) BadPattern(method, pattern, "empty segment");
    if (IsParam(seg) && seg.size() > 5 && seg.substr(seg.size() - 4) == "...}") {
      if (i + 1 != segs.size()) BadPattern(method, pattern, "{name...} must be last");
      route.rest_name = std::string(seg.substr(1, seg.size() - 5));
      if (!node->rest) node->rest = std::make_unique<Node>();
      node = node->rest.get();
    } else if (IsParam(seg)) {
      std::string param(seg.substr(1, seg.size() - 2));
      if (param.find_first_of("{}/.") != std::string::npos) {
        BadPattern(method, pattern, "bad parameter name");
      }
      route.param_names.push_back(std::move(param));
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos) {
        BadPattern(method, pattern, "braces inside a literal segment");
      }
      auto it = node->literals.find(seg);
      if (it == node->literals.end()) {
        it = node->literals.emplace(std::string(seg), std::make_unique<Node>()).first;
      }
      node = it->second.get();
    }
  }
  if (node->by_method.count(method) != 0) BadPattern(method, pattern, "collides with a route");

  route.info.method = method;
  route.info.pattern = pattern;
  route.info.name = name.empty() ? pattern : std::move(name);
  route.info.policy = std::move(policy);
  route.handler = [h = std::move(handler)](Request& r) { return Guarded(h, r); };
  route.chain = impl_->Compose(route.handler);
  Route& stored = impl_->routes.emplace_back(std::move(route));
  node->by_method.emplace(std::move(method), &stored);
}

void Router::Use(Middleware middleware) {
  impl_->middleware.push_back(std::move(middleware));
  for (Route& route : impl_->routes) route.chain = impl_->Compose(route.handler);
  impl_->fallback_chain = impl_->Compose(impl_->fallback);
}

Response Router::Dispatch(Request& request) const {
  try {
    if (request.path.empty() && !request.target.empty()) {
      Status s = request.SetTarget(request.target);
      if (!s.ok()) return Problem(s, request.request_id);
    }
    Found found = impl_->Find(request.method, request.path);
    if (found.route == nullptr) {
      request.route.clear();
      request.route_info = nullptr;
      return impl_->fallback_chain(request);
    }
    const Route& route = *found.route;
    request.route = route.info.pattern;
    request.route_info = &route.info;
    request.path_params.clear();
    for (std::size_t i = 0; i < route.param_names.size(); ++i) {
      request.path_params.insert_or_assign(route.param_names[i], std::string(found.params[i]));
    }
    if (!route.rest_name.empty()) {
      request.path_params.insert_or_assign(route.rest_name, std::string(found.rest));
    }
    return route.chain(request);
  } catch (const std::exception& e) {
    log::Error("middleware threw", {{"route", request.route}, {"exception", e.what()}});
  } catch (...) {
    log::Error("middleware threw", {{"route", request.route}});
  }
  return Problem(Internal("http.handler_exception", "Le traitement de la requête a échoué."),
                 request.request_id);
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(impl_->routes.size());
  for (const Route& r : impl_->routes) out.push_back(r.info);
  return out;
}

const RouteInfo* Router::Match(std::string_view method, std::string_view path) const {
  Found found = impl_->Find(method, path);
  return found.route ? &found.route->info : nullptr;
}

}  // namespace parcours::http
