// Prometheus metrics: a registry of counter, gauge and histogram families with labels,
// rendered in the text exposition format (version 0.0.4) for `GET /metrics`.
//
// Recording is lock-light: a series is found under a shared (reader) lock and updated with
// atomics; a new label combination takes the writer lock once. Series live as long as the
// registry, so a reference returned by With() may be kept and updated from any thread.
// Thread-safety: every method is thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/http/router.h"

namespace parcours::http {

class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // `bounds`: strictly increasing upper bounds; +Inf is implied.
  explicit Histogram(const std::vector<double>& bounds);
  void Observe(double value);
  // Per-bucket counts (not cumulative), the last one for +Inf.
  std::vector<uint64_t> BucketCounts() const;
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// Every series of one metric name, one per combination of label values.
template <typename Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> bounds = {});

  // The series for these label values (in the order of the label names), created on first
  // use. A wrong number of values is padded with "" or truncated.
  Metric& With(std::initializer_list<std::string_view> label_values);

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Calls fn(label_values, metric) for every series, sorted by label values.
  void ForEach(const std::function<void(const std::vector<std::string>&, const Metric&)>& fn) const;

 private:
  struct Series {
    std::vector<std::string> values;
    std::unique_ptr<Metric> metric;
  };
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;  // histograms only
  mutable std::shared_mutex mu_;
  std::map<std::string, Series, std::less<>> series_;  // GUARDED_BY(mu_); key: joined values
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Registers a family, or returns the one already registered under `name` (the first
  // registration's help and labels win). Names and labels follow Prometheus rules
  // ([a-zA-Z_:][a-zA-Z0-9_:]*). A bad name, or a name reused for another type, is a
  // programming error that aborts at start-up.
  Family<Counter>& AddCounter(std::string name, std::string help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(std::string name, std::string help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> label_names,
                                  std::vector<double> bounds);
  // A gauge without labels whose value is read by `read` at each rendering (open
  // connections, pool sizes). `read` must be thread-safe and must outlive the registry's use.
  void AddCallbackGauge(std::string name, std::string help, std::function<double()> read);

  // The text exposition format: # HELP, # TYPE and one line per series; histograms with
  // cumulative _bucket{le=...}, _sum and _count. Families in registration order.
  std::string Render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Latency buckets (seconds) used for HTTP request durations.
const std::vector<double>& DefaultLatencyBuckets();

// Records every request in `registry`:
//   parcours_http_requests_total{route,method,status}        counter
//   parcours_http_request_duration_seconds{route}            histogram
// `route` is the matched pattern ("unmatched" for 404/405), `method` one of the standard
// methods or "OTHER", so that hostile input cannot create unbounded series.
Middleware MetricsMiddleware(MetricsRegistry& registry);

// GET /metrics: the registry's text exposition (text/plain; version=0.0.4).
Handler MetricsHandler(const MetricsRegistry& registry);

}  // namespace parcours::http
