// Security headers, access log and the health handler.
#include "parcours/http/middleware.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>
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

namespace {

// Access-log lines are written by one background thread: a request thread only appends a
// small record under a short lock. Writing synchronously (a JSON line through spdlog's
// mutex and a write(2) per request) halved throughput and multiplied p99 on a loaded
// machine: a thread preempted while holding the logger's lock stalled the others.
class AccessLogWriter {
 public:
  struct Record {
    std::string method;
    std::string route;
    int status = 0;
    double duration_ms = 0;
    std::size_t bytes = 0;
    std::string request_id;
  };

  AccessLogWriter() : thread_([this] { Loop(); }) {}
  ~AccessLogWriter() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();  // writes what is still queued
  }

  void Push(Record record) {
    bool wake = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (queue_.size() >= kMaxQueued) {
        ++dropped_;
        return;
      }
      queue_.push_back(std::move(record));
      wake = queue_.size() == kWakeAt;
    }
    if (wake) cv_.notify_one();
  }

 private:
  static constexpr std::size_t kWakeAt = 1024;        // a burst wakes the writer early
  static constexpr std::size_t kMaxQueued = 1 << 16;  // bounded memory if stderr blocks
  static constexpr std::chrono::milliseconds kPeriod{20};  // lines appear within ~20 ms

  void Loop() {
    std::vector<Record> batch;
    while (true) {
      uint64_t dropped = 0;
      bool stop = false;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_for(lock, kPeriod, [this] { return stop_ || queue_.size() >= kWakeAt; });
        batch.swap(queue_);
        std::swap(dropped, dropped_);
        stop = stop_;
      }
      for (const Record& r : batch) {
        log::Info("http request", {{"method", r.method},
                                   {"route", r.route},
                                   {"status", r.status},
                                   {"duration_ms", r.duration_ms},
                                   {"bytes", r.bytes},
                                   {"request_id", r.request_id}});
      }
      batch.clear();
      if (dropped > 0) {
        log::Warn("http access log lines dropped (writer too slow)", {{"dropped", dropped}});
      }
      if (stop) return;
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Record> queue_;  // GUARDED_BY(mu_)
  uint64_t dropped_ = 0;       // GUARDED_BY(mu_)
  bool stop_ = false;          // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace

Middleware AccessLog() {
  auto writer = std::make_shared<AccessLogWriter>();
  return [writer](Request& request, const Handler& next) {
    auto start = std::chrono::steady_clock::now();
    Response response = next(request);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
    writer->Push({request.method,
                  request.route.empty() ? std::string("unmatched") : request.route,
                  response.status, static_cast<double>(micros) / 1000.0, response.body.size(),
                  request.request_id});
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
