// Security headers, access log and the health handler.
#include "parcours/http/middleware.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <utility>

#include "parcours/base/log.h"

namespace parcours::http {
namespace {

bool HasSecureAttribute(std::string_view cookie) {
  // Attributes follow the first ';'; compare case-insensitively.
  std::size_t pos = cookie.find(';');
  while (pos != std::string_view::npos) {
    std::string_view attr = cookie.substr(pos + 1);
    attr = attr.substr(0, attr.find(';'));
    while (!attr.empty() && attr.front() == ' ') attr.remove_prefix(1);
    while (!attr.empty() && attr.back() == ' ') attr.remove_suffix(1);
    if (attr.size() == 6) {
      std::string lower(attr);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "secure") return true;
    }
    pos = cookie.find(';', pos + 1);
  }
  return false;
}

}  // namespace

Middleware SecurityHeaders(SecurityHeadersOptions options) {
  auto headers = std::make_shared<std::vector<std::pair<std::string, std::string>>>(
      std::vector<std::pair<std::string, std::string>>{
          {"Content-Security-Policy", options.content_security_policy},
          {"X-Content-Type-Options", "nosniff"},
          {"Referrer-Policy", "strict-origin-when-cross-origin"},
          {"X-Frame-Options", "DENY"},
          {"Cross-Origin-Opener-Policy", "same-origin"},
          {"Permissions-Policy",
           "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
           "interest-cohort=()"},
      });
  if (options.behind_tls) {
    headers->emplace_back("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }
  const bool behind_tls = options.behind_tls;
  return [headers, behind_tls](Request& request, const Handler& next) {
    Response response = next(request);
    for (const auto& [name, value] : *headers) {
      if (response.headers.find(name) == response.headers.end()) {
        response.headers.emplace(name, value);
      }
    }
    if (behind_tls) {
      auto [begin, end] = response.headers.equal_range("Set-Cookie");
      for (auto it = begin; it != end; ++it) {
        if (!HasSecureAttribute(it->second)) it->second += "; Secure";
      }
    }
    return response;
  };
}

Middleware AccessLog() {
  return [](Request& request, const Handler& next) {
    auto start = std::chrono::steady_clock::now();
    Response response = next(request);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
    log::Info("http request",
              {{"method", request.method},
               {"route", request.route.empty() ? std::string("unmatched") : request.route},
               {"status", response.status},
               {"duration_ms", static_cast<double>(micros) / 1000.0},
               {"bytes", response.body.size()},
               {"request_id", request.request_id}});
    return response;
  };
}

Handler HealthHandler() {
  return [](Request&) {
    Response r = Response::Text(R"({"status":"ok"})", 200, "application/json");
    r.SetHeader("Cache-Control", "no-store");
    return r;
  };
}

}  // namespace parcours::http
