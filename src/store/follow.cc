// Event-log consumers (see store/follow.h).
#include "parcours/store/follow.h"

#include <chrono>

#include "parcours/base/clock.h"

namespace parcours::store {
namespace {

Result<std::string> ReadCursor(Database& db, std::string_view name) {
  ASSIGN_OR_RETURN(auto tx, db.BeginRead());
  ASSIGN_OR_RETURN(Rows rows, tx->Query("SELECT last_id FROM event_cursors WHERE name = $1", {std::string(name)}));
  return rows.empty() ? std::string() : rows[0].Text(0);
}

Status WriteCursor(Database& db, const Clock& clock, std::string_view name, const std::string& last_id) {
  return db.InTransaction([&](Transaction& tx) -> Status {
    // Never move the cursor back (another node may have gone further meanwhile).
    return tx
        .Execute("INSERT INTO event_cursors (name, last_id, updated_ms) VALUES ($1, $2, $3) "
                 "ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id, updated_ms = excluded.updated_ms "
                 "WHERE event_cursors.last_id < excluded.last_id",
                 {std::string(name), last_id, clock.NowMillis()})
        .status();
  });
}

}  // namespace

Result<FollowReport> FollowEvents(Database& db, const Clock& clock, std::string_view name, const FollowOptions& options,
                                  const std::function<Status(const std::vector<Event>&)>& handle) {
  if (options.batch < 1 || options.batch > 10000) {
    return InvalidArgument("store.bad_batch", "Taille de lot invalide (1 à 10 000).");
  }
  FollowReport report;
  ASSIGN_OR_RETURN(report.last_id, ReadCursor(db, name));
  for (;;) {
    const int64_t horizon = clock.NowMillis() - options.settle_ms;
    std::vector<Event> events;
    {
      ASSIGN_OR_RETURN(auto tx, db.BeginRead());
      ASSIGN_OR_RETURN(events, ReadEvents(*tx, report.last_id, std::nullopt, options.batch));
    }
    const bool full = static_cast<int>(events.size()) == options.batch;
    size_t settled = 0;
    while (settled < events.size() && events[settled].time_ms <= horizon) ++settled;
    const bool caught_up = settled < events.size() || !full;
    events.resize(settled);
    if (events.empty()) break;
    RETURN_IF_ERROR(handle(events));
    RETURN_IF_ERROR(WriteCursor(db, clock, name, events.back().id));
    report.events += static_cast<int64_t>(events.size());
    report.last_id = events.back().id;
    if (caught_up) break;
  }
  return report;
}

void FollowingThread::Start() {
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void FollowingThread::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void FollowingThread::Loop() {
  for (;;) {
    step_();
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, std::chrono::milliseconds(poll_ms_), [this] { return stop_; })) return;
  }
}

}  // namespace parcours::store
