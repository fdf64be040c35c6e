// Prometheus registry and text exposition; the HTTP metrics middleware and /metrics handler.
#include "parcours/http/metrics.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <chrono>
#include <cmath>
#include <mutex>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <type_traits>
#include <variant>

#include "parcours/base/log.h"

namespace parcours::http {
namespace {

constexpr char kKeySeparator = '\x1f';

bool IsMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Metric names are chosen by our code at start-up: a bad one is a programming error.
void CheckName(std::string_view name) {
  if (!IsMetricName(name)) {
    log::Error("invalid metric or label name", {{"name", name}});
    std::abort();
  }
}

void AppendNumber(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
  }
}

void AppendNumber(std::string& out, uint64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

// Label values escape backslash, double quote and newline.
void AppendLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
}

// {a="x",b="y"} with an optional extra label (le for histogram buckets); "" when empty.
void AppendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, std::string_view extra_name = "",
                  double extra_value = 0) {
  if (names.empty() && extra_name.empty()) return;
  out.push_back('{');
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += names[i];
    out += "=\"";
    AppendLabelValue(out, values[i]);
    out.push_back('"');
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out.push_back(',');
    out += extra_name;
    out += "=\"";
    AppendNumber(out, extra_value);
    out.push_back('"');
  }
  out.push_back('}');
}

void AppendHeader(std::string& out, const std::string& name, const std::string& help,
                  std::string_view type) {
  out += "# HELP ";
  out += name;
  out.push_back(' ');
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  out += "\n# TYPE ";
  out += name;
  out.push_back(' ');
  out += type;
  out.push_back('\n');
}

template <typename Metric>
std::unique_ptr<Metric> MakeMetric(const std::vector<double>&) {
  return std::make_unique<Metric>();
}
template <>
std::unique_ptr<Histogram> MakeMetric<Histogram>(const std::vector<double>& bounds) {
  return std::make_unique<Histogram>(bounds);
}

std::string_view MethodLabel(std::string_view method) {
  static constexpr std::string_view kKnown[] = {"GET", "HEAD", "POST", "PUT",
                                                "PATCH", "DELETE", "OPTIONS"};
  for (std::string_view m : kKnown) {
    if (m == method) return m;
  }
  return "OTHER";
}

}  // namespace

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  assert(std::is_sorted(bounds_.begin(), bounds_.end()));
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  std::size_t i = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::BucketCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = buckets_[i].load(std::memory_order_relaxed);
  }
  return out;
}

template <typename Metric>
Family<Metric>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                       std::vector<double> bounds)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)),
      bounds_(std::move(bounds)) {}

template <typename Metric>
Metric& Family<Metric>::With(std::initializer_list<std::string_view> label_values) {
  thread_local std::string key;
  key.clear();
  std::size_t i = 0;
  for (std::string_view v : label_values) {
    if (i++ == label_names_.size()) break;
    key.append(v.data(), v.size());
    key.push_back(kKeySeparator);
  }
  for (; i < label_names_.size(); ++i) key.push_back(kKeySeparator);
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = series_.find(std::string_view(key));
    if (it != series_.end()) return *it->second.metric;
  }
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto it = series_.find(std::string_view(key));
  if (it == series_.end()) {
    Series s;
    for (std::string_view v : label_values) {
      if (s.values.size() == label_names_.size()) break;
      s.values.emplace_back(v);
    }
    s.values.resize(label_names_.size());
    s.metric = MakeMetric<Metric>(bounds_);
    it = series_.emplace(key, std::move(s)).first;
  }
  return *it->second.metric;
}

template <typename Metric>
void Family<Metric>::ForEach(
    const std::function<void(const std::vector<std::string>&, const Metric&)>& fn) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const auto& [key, series] : series_) fn(series.values, *series.metric);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct MetricsRegistry::Impl {
  struct CallbackGauge {
    std::string name;
    std::string help;
    std::function<double()> read;
  };
  using Entry = std::variant<std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>,
                             std::unique_ptr<Family<Histogram>>, CallbackGauge>;
  mutable std::mutex mu;
  std::vector<Entry> entries;  // GUARDED_BY(mu); registration order

  static const std::string& NameOf(const Entry& e) {
    return std::visit(
        [](const auto& family) -> const std::string& {
          if constexpr (std::is_same_v<std::decay_t<decltype(family)>, CallbackGauge>) {
            return family.name;
          } else {
            return family->name();
          }
        },
        e);
  }

  template <typename Metric>
  Family<Metric>& Add(std::string name, std::string help, std::vector<std::string> labels,
                      std::vector<double> bounds) {
    CheckName(name);
    for (const std::string& l : labels) CheckName(l);
    std::lock_guard<std::mutex> lock(mu);
    for (Entry& e : entries) {
      if (NameOf(e) != name) continue;
      auto* f = std::get_if<std::unique_ptr<Family<Metric>>>(&e);
      if (f == nullptr) {
        log::Error("metric name registered twice with different types", {{"name", name}});
        std::abort();
      }
      return **f;
    }
    auto family = std::make_unique<Family<Metric>>(std::move(name), std::move(help),
                                                   std::move(labels), std::move(bounds));
    Family<Metric>& ref = *family;
    entries.emplace_back(std::move(family));
    return ref;
  }
};

MetricsRegistry::MetricsRegistry() : impl_(std::make_unique<Impl>()) {}
MetricsRegistry::~MetricsRegistry() = default;

Family<Counter>& MetricsRegistry::AddCounter(std::string name, std::string help,
                                             std::vector<std::string> label_names) {
  return impl_->Add<Counter>(std::move(name), std::move(help), std::move(label_names), {});
}

Family<Gauge>& MetricsRegistry::AddGauge(std::string name, std::string help,
                                         std::vector<std::string> label_names) {
  return impl_->Add<Gauge>(std::move(name), std::move(help), std::move(label_names), {});
}

Family<Histogram>& MetricsRegistry::AddHistogram(std::string name, std::string help,
                                                 std::vector<std::string> label_names,
                                                 std::vector<double> bounds) {
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  return impl_->Add<Histogram>(std::move(name), std::move(help), std::move(label_names),
                               std::move(bounds));
}

void MetricsRegistry::AddCallbackGauge(std::string name, std::string help,
                                       std::function<double()> read) {
  CheckName(name);
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (const Impl::Entry& e : impl_->entries) {
    if (Impl::NameOf(e) == name) {
      log::Error("metric name registered twice", {{"name", name}});
      std::abort();
    }
  }
  impl_->entries.emplace_back(
      Impl::CallbackGauge{std::move(name), std::move(help), std::move(read)});
}

std::string MetricsRegistry::Render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (const Impl::Entry& entry : impl_->entries) {
    if (auto* c = std::get_if<std::unique_ptr<Family<Counter>>>(&entry)) {
      const Family<Counter>& f = **c;
      AppendHeader(out, f.name(), f.help(), "counter");
      f.ForEach([&](const std::vector<std::string>& values, const Counter& m) {
        out += f.name();
        AppendLabels(out, f.label_names(), values);
        out.push_back(' ');
        AppendNumber(out, m.Value());
        out.push_back('\n');
      });
    } else if (auto* g = std::get_if<std::unique_ptr<Family<Gauge>>>(&entry)) {
      const Family<Gauge>& f = **g;
      AppendHeader(out, f.name(), f.help(), "gauge");
      f.ForEach([&](const std::vector<std::string>& values, const Gauge& m) {
        out += f.name();
        AppendLabels(out, f.label_names(), values);
        out.push_back(' ');
        AppendNumber(out, m.Value());
        out.push_back('\n');
      });
    } else if (auto* h = std::get_if<std::unique_ptr<Family<Histogram>>>(&entry)) {
      const Family<Histogram>& f = **h;
      AppendHeader(out, f.name(), f.help(), "histogram");
      f.ForEach([&](const std::vector<std::string>& values, const Histogram& m) {
        std::vector<uint64_t> counts = m.BucketCounts();
        uint64_t cumulative = 0;
        for (std::size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          out += f.name();
          out += "_bucket";
          double le = i < m.bounds().size() ? m.bounds()[i] : INFINITY;
          AppendLabels(out, f.label_names(), values, "le", le);
          out.push_back(' ');
          AppendNumber(out, cumulative);
          out.push_back('\n');
        }
        out += f.name();
        out += "_sum";
        AppendLabels(out, f.label_names(), values);
        out.push_back(' ');
        AppendNumber(out, m.Sum());
        out += '\n';
        out += f.name();
        out += "_count";
        AppendLabels(out, f.label_names(), values);
        out.push_back(' ');
        // The bucket total, so that _count equals the +Inf bucket even mid-update.
        AppendNumber(out, cumulative);
        out.push_back('\n');
      });
    } else {
      const auto& cb = std::get<Impl::CallbackGauge>(entry);
      AppendHeader(out, cb.name, cb.help, "gauge");
      out += cb.name;
      out.push_back(' ');
      AppendNumber(out, cb.read());
      out.push_back('\n');
    }
  }
  return out;
}

const std::vector<double>& DefaultLatencyBuckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                               0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

Middleware MetricsMiddleware(MetricsRegistry& registry) {
  Family<Counter>* requests = &registry.AddCounter(
      "parcours_http_requests_total", "HTTP requests answered, by route, method and status.",
      {"route", "method", "status"});
  Family<Histogram>* durations = &registry.AddHistogram(
      "parcours_http_request_duration_seconds",
      "Time to answer an HTTP request, from routing to response, by route.", {"route"},
      DefaultLatencyBuckets());
  return [requests, durations](Request& request, const Handler& next) {
    auto start = std::chrono::steady_clock::now();
    Response response = next(request);
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    std::string_view route = request.route.empty() ? std::string_view("unmatched")
                                                   : std::string_view(request.route);
    char status[8];
    auto res = std::to_chars(status, status + sizeof status, response.status);
    requests->With({route, MethodLabel(request.method), std::string_view(status, res.ptr - status)})
        .Inc();
    durations->With({route}).Observe(elapsed.count());
    return response;
  };
}

Handler MetricsHandler(const MetricsRegistry& registry) {
  return [&registry](Request&) {
    Response r = Response::Text(registry.Render(), 200, "text/plain; version=0.0.4; charset=utf-8");
    r.SetHeader("Cache-Control", "no-store");
    return r;
  };
}

}  // namespace parcours::http
