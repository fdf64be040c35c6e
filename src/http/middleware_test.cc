#include "parcours/http/middleware.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace parcours::http {
namespace {

Response Get(Router& router, const std::string& target) {
  Request r;
  r.method = "GET";
  r.target = target;
  r.request_id = "rid-1";
  return router.Dispatch(r);
}

std::string HeaderOf(const Response& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

TEST(SecurityHeaders, AreSetOnEveryResponseIncludingProblems) {
  Router router;
  router.Use(SecurityHeaders());
  router.Add("GET", "/page", [](Request&) { return Response::Html("<p>"); });
  for (const char* target : {"/page", "/missing"}) {
    Response r = Get(router, target);
    EXPECT_EQ(HeaderOf(r, "Content-Security-Policy"),
              "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
        << target;
    EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(HeaderOf(r, "Referrer-Policy"), "strict-origin-when-cross-origin");
    EXPECT_EQ(HeaderOf(r, "X-Frame-Options"), "DENY");
    EXPECT_EQ(HeaderOf(r, "Cross-Origin-Opener-Policy"), "same-origin");
    EXPECT_NE(HeaderOf(r, "Permissions-Policy").find("camera=()"), std::string::npos);
    EXPECT_EQ(HeaderOf(r, "Strict-Transport-Security"), "");
  }
}

TEST(SecurityHeaders, KeepAHandlerCspAndSecureCookiesBehindTls) {
  Router router;
  router.Use(SecurityHeaders({.behind_tls = true}));
  router.Add("GET", "/x", [](Request&) {
    Response r = Response::Text("x");
    r.SetHeader("Content-Security-Policy", "default-src 'none'");
    r.AddCookie("sid=1; HttpOnly");
    r.AddCookie("pref=2; secure");
    return r;
  });
  Response r = Get(router, "/x");
  EXPECT_EQ(HeaderOf(r, "Content-Security-Policy"), "default-src 'none'");
  EXPECT_EQ(r.headers.count("Content-Security-Policy"), 1u);
  EXPECT_EQ(HeaderOf(r, "Strict-Transport-Security"), "max-age=31536000; includeSubDomains");
  auto [b, e] = r.headers.equal_range("Set-Cookie");
  std::vector<std::string> cookies;
  for (auto it = b; it != e; ++it) cookies.push_back(it->second);
  EXPECT_EQ(cookies, (std::vector<std::string>{"sid=1; HttpOnly; Secure", "pref=2; secure"}));
}

TEST(AccessLog, PassesTheResponseThrough) {
  Router router;
  router.Use(AccessLog());
  router.Add("GET", "/healthz", HealthHandler());
  Response r = Get(router, "/healthz?secret=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body), nlohmann::json({{"status", "ok"}}));
  EXPECT_EQ(HeaderOf(r, "Content-Type"), "application/json");
}

TEST(AccessLog, WritesOneLineWithTheRouteButNoQueryOrBody) {
  ::testing::internal::CaptureStderr();
  {
    Router router;
    router.Use(AccessLog());
    router.Add("POST", "/people/{nir}", [](Request&) { return Response::Text("fait"); });
    Request r;
    r.method = "POST";
    r.target = "/people/185057800608491?token=hunter2";
    r.body = "iban=FR7630006000011234567890189";
    r.request_id = "rid-42";
    EXPECT_EQ(router.Dispatch(r).status, 200);
  }  // destroying the router drains the writer
  std::string out = ::testing::internal::GetCapturedStderr();
  std::size_t line = out.find("\"msg\":\"http request\"");
  ASSERT_NE(line, std::string::npos) << out;
  EXPECT_NE(out.find("\"route\":\"/people/{nir}\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"method\":\"POST\""), std::string::npos);
  EXPECT_NE(out.find("\"status\":200"), std::string::npos);
  EXPECT_NE(out.find("\"bytes\":4"), std::string::npos);
  EXPECT_NE(out.find("\"request_id\":\"rid-42\""), std::string::npos);
  EXPECT_EQ(out.find("185057800608491"), std::string::npos);
  EXPECT_EQ(out.find("hunter2"), std::string::npos);
  EXPECT_EQ(out.find("FR76"), std::string::npos);
}

}  // namespace
}  // namespace parcours::http
