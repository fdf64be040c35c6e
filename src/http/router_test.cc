#include "parcours/http/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace parcours::http {
namespace {

Request Make(std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  EXPECT_TRUE(r.SetTarget(target).ok()) << target;
  r.request_id = "rid";
  return r;
}

Handler Echo(std::string tag) {
  return [tag](Request& r) {
    nlohmann::json params = nlohmann::json::object();
    for (const auto& [k, v] : r.path_params) params[k] = v;
    return Response::Json({{"tag", tag}, {"route", r.route}, {"params", params}});
  };
}

nlohmann::json Body(const Response& r) { return nlohmann::json::parse(r.body); }

TEST(Router, MatchesLiteralsAndParameters) {
  Router router;
  router.Add("GET", "/", Echo("root"));
  router.Add("GET", "/journeys/{id}", Echo("one"));
  router.Add("GET", "/journeys/new", Echo("new"));
  router.Add("GET", "/journeys/{id}/steps/{step}", Echo("step"));

  Request root = Make("GET", "/");
  EXPECT_EQ(Body(router.Dispatch(root))["tag"], "root");

  Request one = Make("GET", "/journeys/42");
  Response r = router.Dispatch(one);
  EXPECT_EQ(Body(r)["tag"], "one");
  EXPECT_EQ(Body(r)["params"]["id"], "42");
  EXPECT_EQ(one.route, "/journeys/{id}");
  ASSERT_NE(one.route_info, nullptr);
  EXPECT_EQ(one.route_info->policy, "public");
  EXPECT_EQ(one.Param("id"), "42");

  Request literal = Make("GET", "/journeys/new");
  EXPECT_EQ(Body(router.Dispatch(literal))["tag"], "new");

  Request step = Make("GET", "/journeys/d%C3%A9c/steps/7");
  Response s = router.Dispatch(step);
  EXPECT_EQ(Body(s)["params"]["id"], "déc");
  EXPECT_EQ(Body(s)["params"]["step"], "7");
}

TEST(Router, BacktracksToAParameterWhenTheLiteralLacksTheMethod) {
  Router router;
  router.Add("GET", "/journeys/new", Echo("new"));
  router.Add("DELETE", "/journeys/{id}", Echo("delete"));
  Request r = Make("DELETE", "/journeys/new");
  EXPECT_EQ(Body(router.Dispatch(r))["tag"], "delete");
  EXPECT_EQ(r.Param("id"), "new");
}

TEST(Router, RestParameterTakesTheRemainder) {
  Router router;
  router.Add("GET", "/static/{path...}", Echo("static"));
  Request r = Make("GET", "/static/css/site.css");
  EXPECT_EQ(Body(router.Dispatch(r))["params"]["path"], "css/site.css");
  Request empty = Make("GET", "/static/");
  EXPECT_EQ(router.Dispatch(empty).status, 404);
  Request bare = Make("GET", "/static");
  EXPECT_EQ(router.Dispatch(bare).status, 404);
}

TEST(Router, UnknownPathIs404Problem) {
  Router router;
  router.Add("GET", "/a", Echo("a"));
  for (const char* target : {"/b", "/a/", "/a/b", "//a"}) {
    Request r = Make("GET", target);
    Response resp = router.Dispatch(r);
    EXPECT_EQ(resp.status, 404) << target;
    EXPECT_EQ(resp.headers.find("Content-Type")->second, "application/problem+json");
    EXPECT_EQ(Body(resp)["code"], "http.not_found");
    EXPECT_EQ(Body(resp)["request_id"], "rid");
    EXPECT_EQ(r.route_info, nullptr);
  }
}

TEST(Router, WrongMethodIs405WithAllow) {
  Router router;
  router.Add("GET", "/items/{id}", Echo("get"));
  router.Add("PUT", "/items/{id}", Echo("put"));
  router.Add("POST", "/items/special", Echo("special"));
  Request r = Make("PATCH", "/items/special");
  Response resp = router.Dispatch(r);
  EXPECT_EQ(resp.status, 405);
  EXPECT_EQ(resp.headers.find("Allow")->second, "GET, HEAD, POST, PUT");
  EXPECT_EQ(Body(resp)["code"], "http.method_not_allowed");
}

TEST(Router, HeadRunsTheGetHandler) {
  Router router;
  router.Add("GET", "/x", Echo("get"));
  Request r = Make("HEAD", "/x");
  Response resp = router.Dispatch(r);
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(Body(resp)["tag"], "get");  // the server sends the headers only
  ASSERT_NE(router.Match("HEAD", "/x"), nullptr);
  EXPECT_EQ(router.Match("HEAD", "/x")->method, "GET");
  EXPECT_EQ(router.Match("POST", "/x"), nullptr);
}

TEST(Router, MiddlewareRunsOutermostFirstAroundHandlersAnd404) {
  Router router;
  router.Add("GET", "/x", [](Request& r) {
    r.headers.emplace("X-Trace", "handler");
    return Response::Text("ok");
  });
  std::vector<std::string> trace;
  auto tag = [&trace](std::string name) {
    return [&trace, name](Request& r, const Handler& next) {
      trace.push_back(name + ">");
      Response resp = next(r);
      trace.push_back("<" + name);
      resp.headers.emplace("X-Order", name);
      return resp;
    };
  };
  router.Use(tag("outer"));
  router.Use(tag("inner"));
  router.Add("GET", "/late", [](Request&) { return Response::Text("late"); });

  Request r = Make("GET", "/x");
  Response resp = router.Dispatch(r);
  EXPECT_EQ((std::vector<std::string>{"outer>", "inner>", "<inner", "<outer"}), trace);
  auto [b, e] = resp.headers.equal_range("X-Order");
  ASSERT_EQ(std::distance(b, e), 2);
  EXPECT_EQ(b->second, "inner");

  trace.clear();
  Request late = Make("GET", "/late");
  EXPECT_EQ(router.Dispatch(late).body, "late");
  EXPECT_EQ(trace.size(), 4u);

  trace.clear();
  Request missing = Make("GET", "/missing");
  EXPECT_EQ(router.Dispatch(missing).status, 404);
  EXPECT_EQ(trace.size(), 4u);
}

TEST(Router, MiddlewareMayAnswerByItself) {
  Router router;
  bool reached = false;
  router.Add("GET", "/x", [&](Request&) {
    reached = true;
    return Response::Text("ok");
  });
  router.Use([](Request& r, const Handler& next) {
    if (r.Header("Authorization").empty()) {
      return Problem(Unauthenticated("auth.missing", "Connexion requise."), r.request_id);
    }
    return next(r);
  });
  Request r = Make("GET", "/x");
  EXPECT_EQ(router.Dispatch(r).status, 401);
  EXPECT_FALSE(reached);
}

TEST(Router, ExceptionsBecome500ProblemsSeenByMiddleware) {
  Router router;
  router.Add("GET", "/boom", [](Request&) -> Response { throw std::runtime_error("boom"); });
  router.Add("GET", "/int", [](Request&) -> Response { throw 42; });
  int seen_status = 0;
  router.Use([&](Request& r, const Handler& next) {
    Response resp = next(r);
    seen_status = resp.status;
    return resp;
  });
  Request boom = Make("GET", "/boom");
  Response resp = router.Dispatch(boom);
  EXPECT_EQ(resp.status, 500);
  EXPECT_EQ(seen_status, 500);
  EXPECT_EQ(Body(resp)["code"], "http.handler_exception");
  Request other = Make("GET", "/int");
  EXPECT_EQ(router.Dispatch(other).status, 500);
}

TEST(Router, ThrowingMiddlewareStillAnswers500) {
  Router router;
  router.Add("GET", "/x", Echo("x"));
  router.Use([](Request&, const Handler&) -> Response { throw std::logic_error("mw"); });
  Request r = Make("GET", "/x");
  EXPECT_EQ(router.Dispatch(r).status, 500);
}

TEST(Router, DispatchParsesTheTargetWhenNoPathIsSet) {
  Router router;
  router.Add("GET", "/a/{b}", Echo("a"));
  Request r;
  r.method = "GET";
  r.target = "/a/x%20y?z=1";
  EXPECT_EQ(Body(router.Dispatch(r))["params"]["b"], "x y");
  Request bad;
  bad.method = "GET";
  bad.target = "/a/%zz";
  EXPECT_EQ(router.Dispatch(bad).status, 400);
}

TEST(Router, RoutesListsEveryRouteInOrder) {
  Router router;
  router.Add("GET", "/a", Echo("a"), "a.read", "agent");
  router.Add("POST", "/a", Echo("a"));
  auto routes = router.Routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].name, "a.read");
  EXPECT_EQ(routes[0].policy, "agent");
  EXPECT_EQ(routes[1].name, "/a");
  EXPECT_EQ(routes[1].method, "POST");
}

TEST(RouterDeathTest, CollidingPatternsAbort) {
  EXPECT_DEATH(
      {
        Router router;
        router.Add("GET", "/a/{x}", Echo("1"));
        router.Add("GET", "/a/{y}", Echo("2"));
      },
      "");
  EXPECT_DEATH({ Router().Add("GET", "/a/{rest...}/b", Echo("1")); }, "");
}

}  // namespace
}  // namespace parcours::http
