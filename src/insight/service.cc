#include "parcours/insight/service.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "parcours/base/clock.h"
#include "parcours/base/log.h"

namespace parcours::insight {

InsightService::InsightService(store::Database& db, const Clock& clock, FeedbackLimits limits, int64_t refresh_ms)
    : db_(db), clock_(clock), feedback_(db, clock, limits), refresh_ms_(refresh_ms) {}

InsightService::~InsightService() { StopFolding(); }

int64_t InsightService::Today() const {
  const int64_t ms = clock_.NowMillis();
  return ms / 86'400'000;
}

Status InsightService::StartFolding(const FoldWorkerOptions& options) {
  if (options.interval_ms < 100 || options.interval_ms > 3'600'000 || options.batch < 1 || options.batch > 100000 ||
      options.settle_ms < 0) {
    return InvalidArgument("insight.bad_worker",
                           "Intervalle (100 ms à 1 h) ou taille de lot (1 à 100 000) du calcul des indicateurs "
                           "hors limites.");
  }
  if (worker_.joinable()) return Status::Ok();
  {
    std::lock_guard<std::mutex> lock(worker_mu_);
    stop_ = false;
  }
  background_ = true;
  worker_ = std::thread([this, options] { Work(options); });
  return Status::Ok();
}

void InsightService::StopFolding() {
  {
    std::lock_guard<std::mutex> lock(worker_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  background_ = false;
  last_fold_ms_ = -1;  // from now on, the next Refresh folds on demand
}

void InsightService::Work(FoldWorkerOptions options) {
  int64_t failures = 0;
  for (;;) {
    bool caught_up = true;
    {
      // One bounded round: at most `batch` events, one transaction.
      std::lock_guard<std::mutex> fold_lock(fold_mu_);
      auto report = Fold(db_, clock_, {.batch = options.batch, .settle_ms = options.settle_ms,
                                       .max_events = options.batch});
      if (report.ok()) {
        worker_events_ += report->events;
        caught_up = report->caught_up;
        last_fold_ms_ = clock_.NowMillis();
        failures = 0;
      } else if (failures++ % 60 == 0) {
        // Logged once a minute or so at the default interval; the next round retries.
        log::Warn("insight.fold_failed", {{"reason", report.status().reason()}, {"error", report.status().message()}});
      }
    }
    std::unique_lock<std::mutex> lock(worker_mu_);
    if (stop_) return;
    // With a backlog, the next round starts at once (after letting a stop request in).
    const auto pause = std::chrono::milliseconds(caught_up || failures > 0 ? options.interval_ms : 0);
    if (wake_.wait_for(lock, pause, [this] { return stop_; })) return;
  }
}

Status InsightService::Refresh() {
  if (background_.load()) return Status::Ok();  // the worker folds; dashboards read its result
  const int64_t now = clock_.NowMillis();
  const int64_t last = last_fold_ms_.load();
  if (last >= 0 && now - last < refresh_ms_) return Status::Ok();
  std::lock_guard<std::mutex> lock(fold_mu_);
  if (last_fold_ms_.load() != last) return Status::Ok();  // another thread refreshed meanwhile
  auto report = Fold(db_, clock_);
  if (!report.ok()) return report.status();
  last_fold_ms_ = now;
  return Status::Ok();
}

Result<std::pair<Indicators, Indicators>> InsightService::Dashboard(const Filter& filter) {
  RETURN_IF_ERROR(Refresh());
  ASSIGN_OR_RETURN(Indicators current, Compute(db_, filter));
  ASSIGN_OR_RETURN(Indicators previous, Compute(db_, PreviousPeriod(filter)));
  return std::make_pair(std::move(current), std::move(previous));
}

}  // namespace parcours::insight
