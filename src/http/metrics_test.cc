#include "parcours/http/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace parcours::http {
namespace {

TEST(Metrics, RendersCountersGaugesAndCallbacks) {
  MetricsRegistry registry;
  auto& hits = registry.AddCounter("app_hits_total", "Hits.\nSecond line", {"kind"});
  hits.With({"a"}).Inc();
  hits.With({"a"}).Inc(2);
  hits.With({"quote\"back\\slash\nnl"}).Inc();
  registry.AddGauge("app_level", "Level.").With({}).Set(2.5);
  registry.AddCallbackGauge("app_open", "Open things.", [] { return 7.0; });
  EXPECT_EQ(&registry.AddCounter("app_hits_total", "ignored", {"kind"}), &hits);

  EXPECT_EQ(registry.Render(),
            "# HELP app_hits_total Hits.\\nSecond line\n"
            "# TYPE app_hits_total counter\n"
            "app_hits_total{kind=\"a\"} 3\n"
            "app_hits_total{kind=\"quote\\\"back\\\\slash\\nnl\"} 1\n"
            "# HELP app_level Level.\n"
            "# TYPE app_level gauge\n"
            "app_level 2.5\n"
            "# HELP app_open Open things.\n"
            "# TYPE app_open gauge\n"
            "app_open 7\n");
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  MetricsRegistry registry;
  auto& h = registry.AddHistogram("lat_seconds", "Latency.", {"route"}, {0.1, 0.5, 0.01});
  auto& series = h.With({"/x"});
  series.Observe(0.005);
  series.Observe(0.01);  // on the bound: counted in le="0.01"
  series.Observe(0.2);
  series.Observe(3);
  EXPECT_EQ(registry.Render(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{route=\"/x\",le=\"0.01\"} 2\n"
            "lat_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"
            "lat_seconds_bucket{route=\"/x\",le=\"0.5\"} 3\n"
            "lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{route=\"/x\"} 3.215\n"
            "lat_seconds_count{route=\"/x\"} 4\n");
}

TEST(Metrics, WrongLabelCountIsPaddedOrTruncated) {
  MetricsRegistry registry;
  auto& c = registry.AddCounter("c_total", "C.", {"a", "b"});
  c.With({"x"}).Inc();
  c.With({"x", "", "extra"}).Inc();
  EXPECT_NE(registry.Render().find("c_total{a=\"x\",b=\"\"} 2\n"), std::string::npos);
}

TEST(Metrics, ConcurrentIncrementsAreAllCounted) {
  MetricsRegistry registry;
  auto& c = registry.AddCounter("n_total", "N.", {"t"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&c, t] {
      for (int i = 0; i < 10000; ++i) c.With({t % 2 ? "odd" : "even"}).Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.With({"odd"}).Value() + c.With({"even"}).Value(), 40000u);
}

TEST(Metrics, MiddlewareRecordsRouteMethodAndStatus) {
  MetricsRegistry registry;
  Router router;
  router.Use(MetricsMiddleware(registry));
  router.Add("GET", "/items/{id}", [](Request&) { return Response::Text("x"); });
  router.Add("GET", "/metrics", MetricsHandler(registry));
  for (const char* target : {"/items/1", "/items/2", "/nowhere"}) {
    Request r;
    r.method = "GET";
    r.target = target;
    router.Dispatch(r);
  }
  Request weird;
  weird.method = "BREW";
  weird.target = "/items/1";
  router.Dispatch(weird);

  Request scrape;
  scrape.method = "GET";
  scrape.target = "/metrics";
  Response r = router.Dispatch(scrape);
  EXPECT_EQ(r.headers.find("Content-Type")->second, "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = r.body;
  EXPECT_NE(text.find("parcours_http_requests_total{route=\"/items/{id}\",method=\"GET\","
                      "status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("parcours_http_requests_total{route=\"unmatched\",method=\"GET\","
                      "status=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("parcours_http_requests_total{route=\"unmatched\",method=\"OTHER\","
                      "status=\"405\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("parcours_http_request_duration_seconds_count{route=\"/items/{id}\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE parcours_http_request_duration_seconds histogram\n"),
            std::string::npos);
}

TEST(MetricsDeathTest, BadOrReusedNamesAbort) {
  EXPECT_DEATH({ MetricsRegistry().AddCounter("bad name", "x"); }, "");
  EXPECT_DEATH(
      {
        MetricsRegistry r;
        r.AddCounter("dup", "x");
        r.AddGauge("dup", "y");
      },
      "");
}

}  // namespace
}  // namespace parcours::http
