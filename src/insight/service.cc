#include "parcours/insight/service.h"

#include "parcours/base/clock.h"

namespace parcours::insight {

InsightService::InsightService(store::Database& db, const Clock& clock, FeedbackLimits limits, int64_t refresh_ms)
    : db_(db), clock_(clock), feedback_(db, clock, limits), refresh_ms_(refresh_ms) {}

int64_t InsightService::Today() const {
  const int64_t ms = clock_.NowMillis();
  return ms / 86'400'000;
}

Status InsightService::Refresh() {
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
