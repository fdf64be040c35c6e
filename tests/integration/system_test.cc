// The system routes and the cross-cutting HTTP behaviour of a real node.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "harness.h"

namespace parcours::harness {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class SystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started.message();
  }
  ServerProcess server_;
};

TEST_F(SystemTest, HealthzAnswersOk) {
  HttpResponse r = server_.Client().Get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("ok"));
}

TEST_F(SystemTest, ReadyzAnswersOkWhenTheDatabaseIsReachable) {
  HttpResponse r = server_.Client().Get("/readyz");
  EXPECT_EQ(r.status, 200);
}

TEST_F(SystemTest, MetricsCountRequestsPerRouteAndStatus) {
  HttpClient client = server_.Client();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(client.Get("/healthz").status, 200);
  ASSERT_EQ(client.Get("/nowhere").status, 404);
  HttpResponse r = client.Get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.Header("Content-Type"), StartsWith("text/plain"));
  EXPECT_THAT(r.body, HasSubstr("# TYPE"));
  // Prometheus text: a counter line for the /healthz route with status 200, value >= 3.
  bool found = false;
  std::istringstream lines(r.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("#", 0) == 0 || line.find("healthz") == std::string::npos ||
        line.find("200") == std::string::npos || line.find("_total") == std::string::npos) {
      continue;
    }
    double value = std::stod(line.substr(line.rfind(' ') + 1));
    if (value >= 3) found = true;
  }
  EXPECT_TRUE(found) << r.body;
  EXPECT_THAT(r.body, HasSubstr("404"));
  EXPECT_THAT(r.body, HasSubstr("_bucket"));  // latency histogram
}

TEST_F(SystemTest, OpenApiIsJsonVersion310WithTheSystemPaths) {
  HttpResponse r = server_.Client().Get("/openapi.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.Header("Content-Type"), StartsWith("application/json"));
  nlohmann::json doc = r.Json();
  ASSERT_TRUE(doc.is_object()) << r.body.substr(0, 200);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_TRUE(doc["info"]["title"].is_string());
  for (const char* path : {"/healthz", "/readyz", "/metrics", "/openapi.json"}) {
    EXPECT_TRUE(doc["paths"].contains(path)) << path;
  }
}

TEST_F(SystemTest, UnknownRouteIsAProblemJson404) {
  HttpResponse r = server_.Client().Get("/does/not/exist");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.Header("Content-Type"), StartsWith("application/problem+json"));
  nlohmann::json problem = r.Json();
  ASSERT_TRUE(problem.is_object()) << r.body;
  EXPECT_EQ(problem["status"], 404);
  EXPECT_TRUE(problem["code"].is_string());
  EXPECT_TRUE(problem["title"].is_string());
}

TEST_F(SystemTest, WrongMethodIsA405WithAllow) {
  HttpResponse r = server_.Client().Send("DELETE", "/healthz", "", {});
  EXPECT_EQ(r.status, 405);
  EXPECT_THAT(r.Header("Allow"), HasSubstr("GET"));
  EXPECT_THAT(r.Header("Content-Type"), StartsWith("application/problem+json"));
}

TEST_F(SystemTest, SecurityHeadersOnHtmlJsonAndProblems) {
  HttpClient client = server_.Client();
  for (const char* path : {"/", "/openapi.json", "/nowhere", "/healthz"}) {
    HttpResponse r = client.Get(path);
    ASSERT_NE(r.status, 0) << path << ": " << r.error;
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_THAT(r.Header("Content-Security-Policy"), HasSubstr("default-src")) << path;
    EXPECT_THAT(r.Header("Content-Security-Policy"), HasSubstr("frame-ancestors")) << path;
    EXPECT_FALSE(r.Header("Referrer-Policy").empty()) << path;
  }
}

TEST_F(SystemTest, RequestIdIsEchoedOrCreated) {
  HttpClient client = server_.Client();
  HttpResponse given = client.Get("/healthz", {{"X-Request-Id", "test-abc-123"}});
  EXPECT_EQ(given.Header("X-Request-Id"), "test-abc-123");
  HttpResponse fresh = client.Get("/healthz");
  EXPECT_FALSE(fresh.Header("X-Request-Id").empty());
  HttpResponse problem = client.Get("/nowhere", {{"X-Request-Id", "test-def-456"}});
  EXPECT_EQ(problem.Json()["request_id"], "test-def-456");
}

TEST_F(SystemTest, AccessLogLinesCarryTheRequestId) {
  server_.Client().Get("/healthz", {{"X-Request-Id", "log-me-789"}});
  server_.Stop();
  EXPECT_THAT(server_.Stderr(), HasSubstr("log-me-789"));
}

TEST_F(SystemTest, SigtermStopsCleanly) {
  EXPECT_EQ(server_.Stop(), 0) << server_.Stderr();
  EXPECT_THAT(server_.Stderr(), HasSubstr("stopped"));
}

TEST_F(SystemTest, RestartKeepsTheDatabase) {
  ASSERT_TRUE(server_.Restart().ok()) << server_.Stderr();
  EXPECT_EQ(server_.Client().Get("/readyz").status, 200);
}

TEST_F(SystemTest, Kill9ThenRestartServes) {
  server_.Kill9();
  ASSERT_FALSE(server_.running());
  ASSERT_TRUE(server_.Start().ok()) << server_.Stderr();
  EXPECT_EQ(server_.Client().Get("/healthz").status, 200);
}

}  // namespace
}  // namespace parcours::harness
