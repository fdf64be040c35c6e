// http_bench_server --port-file FILE [--threads N] [--without MIDDLEWARE]: serves on
// 127.0.0.1 (a free port, written to FILE) GET /healthz, GET /api/v1/bench/journeys/{id} (a
// JSON read built per request) and GET /metrics, behind the production middleware chain
// (AccessLog, MetricsMiddleware, SecurityHeaders). `--without access-log|metrics|security`
// drops one of them, to measure what it costs.
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "parcours/http/metrics.h"
#include "parcours/http/middleware.h"
#include "parcours/http/server.h"

namespace {

using parcours::http::Request;
using parcours::http::Response;

// A journey summary such as the API returns: a few fields and a short list of steps.
Response JourneyRead(Request& request) {
  const std::string& id = request.Param("id");
  nlohmann::json steps = nlohmann::json::array();
  for (int i = 1; i <= 4; ++i) {
    steps.push_back({{"id", "step-" + std::to_string(i)},
                     {"title", "Étape " + std::to_string(i)},
                     {"state", i <= 2 ? "done" : "todo"}});
  }
  return Response::Json({{"id", id},
                         {"event", "naissance"},
                         {"title", "Naissance d'un enfant"},
                         {"created_at", "2026-11-28T13:15:56.123Z"},
                         {"progress", 0.5},
                         {"steps", std::move(steps)}});
}

}  // namespace

int main(int argc, char** argv) {
  std::string port_file;
  int threads = 2;
  std::string without;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--port-file") == 0) port_file = argv[i + 1];
    if (std::strcmp(argv[i], "--threads") == 0) threads = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--without") == 0) without = argv[i + 1];
  }
  if (port_file.empty()) {
    std::cerr << "usage: http_bench_server --port-file FILE [--threads N]\n";
    return 2;
  }
  parcours::http::MetricsRegistry metrics;
  parcours::http::Router router;
  if (without != "access-log") router.Use(parcours::http::AccessLog());
  if (without != "metrics") router.Use(parcours::http::MetricsMiddleware(metrics));
  if (without != "security") router.Use(parcours::http::SecurityHeaders());
  router.Add("GET", "/healthz", parcours::http::HealthHandler(), "healthz");
  router.Add("GET", "/metrics", parcours::http::MetricsHandler(metrics), "metrics");
  router.Add("GET", "/api/v1/bench/journeys/{id}", JourneyRead, "bench.journey");

  parcours::http::ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.threads = threads;
  auto server = parcours::http::Server::Create(options, router);
  if (auto status = server->Listen(); !status.ok()) {
    std::cerr << status.ToString() << "\n";
    return 1;
  }
  {
    std::ofstream out(port_file + ".tmp");
    out << server->BoundPort() << "\n";
  }
  std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  server->Run();
  return 0;
}
