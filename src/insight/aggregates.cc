// The fold of the event log into the insight_* tables (see insight/aggregates.h).
#include "parcours/insight/aggregates.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <vector>

#include "fold_state.h"
#include "parcours/base/clock.h"

namespace parcours::insight {
namespace {

constexpr char kCursor[] = "events";

// The largest id a UUIDv7 taken before `ms` can have, as a text bound: ids strictly below
// "<12 hex digits of ms>" split as UUIDs are "xxxxxxxx-xxxx-...".
std::string IdBound(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012llx", static_cast<unsigned long long>(ms < 0 ? 0 : ms) & 0xffffffffffffULL);
  std::string hex(buf);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4);
}

Result<std::string> LoadCursor(store::Transaction& tx) {
  ASSIGN_OR_RETURN(store::Rows rows, tx.Query("SELECT last_id FROM insight_cursor WHERE name = $1",
                                              {std::string(kCursor)}));
  return rows.empty() ? std::string() : rows[0].Text(0);
}

Status SaveCursor(store::Transaction& tx, const std::string& last_id, int64_t now, int64_t as_of_ms) {
  return tx.Execute("INSERT INTO insight_cursor (name, last_id, updated_ms, as_of_ms) VALUES ($1, $2, $3, $4) "
                    "ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id, updated_ms = excluded.updated_ms, "
                    "as_of_ms = excluded.as_of_ms",
                    {std::string(kCursor), last_id, now, as_of_ms})
      .status();
}

// The instant of a UUIDv7 (its first 48 bits); 0 when `id` is not one.
int64_t IdMillis(const std::string& id) {
  int64_t ms = 0;
  int digits = 0;
  for (char c : id) {
    if (c == '-') continue;
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return 0;
    ms = ms * 16 + v;
    if (++digits == 12) return ms;
  }
  return 0;
}

}  // namespace

std::string DepartementOf(const std::string& commune) {
  if (commune.size() != 5) return "";
  if (commune.rfind("97", 0) == 0) return commune.substr(0, 3);
  return commune.substr(0, 2);
}

int64_t DurationBucket(int64_t ms) {
  constexpr int64_t kHour = 3'600'000;
  if (ms <= 0) return 0;
  const int64_t hours = (ms + kHour - 1) / kHour;
  if (hours <= 48) return hours;
  const int64_t days = (hours + 23) / 24;
  return (days > 366 ? 366 : days) * 24;
}

Result<FoldReport> Fold(store::Database& db, const Clock& clock, const FoldOptions& options) {
  if (options.batch < 1 || options.batch > 100000) {
    return InvalidArgument("insight.bad_batch", "La taille de lot doit être comprise entre 1 et 100 000.");
  }
  FoldReport report;
  const int64_t bound_ms = clock.NowMillis() - options.settle_ms;
  const std::string bound = IdBound(bound_ms);
  while (options.max_events < 0 || report.events < options.max_events) {
    int64_t read = 0;
    RETURN_IF_ERROR(db.InTransaction([&](store::Transaction& tx) -> Status {
      read = 0;
      ASSIGN_OR_RETURN(store::Rows cursor_rows,
                       tx.Query("SELECT last_id, as_of_ms FROM insight_cursor WHERE name = $1", {std::string(kCursor)}));
      const std::string cursor = cursor_rows.empty() ? std::string() : cursor_rows[0].Text(0);
      const int64_t as_of = cursor_rows.empty() ? 0 : cursor_rows[0].Int(1);
      int64_t limit = options.batch;
      if (options.max_events >= 0) limit = std::min<int64_t>(limit, options.max_events - report.events);
      ASSIGN_OR_RETURN(store::Rows rows,
                       tx.Query("SELECT id, type, subject, person_id, actor, channel, time_ms, data FROM events "
                                "WHERE id > $1 AND id < $2 ORDER BY id LIMIT $3",
                                {cursor, bound, limit}));
      if (rows.empty()) {
        // Caught up: everything before the bound is counted. Say so (at most once a second).
        if (bound_ms - as_of >= 1000) return SaveCursor(tx, cursor, clock.NowMillis(), bound_ms);
        return Status::Ok();
      }
      std::vector<store::Event> events(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const store::Row& row = rows[i];
        store::Event& e = events[i];
        e.id = row.Text(0);
        e.type = row.Text(1);
        e.subject = row.Text(2);
        e.person_id = row.Text(3);
        e.actor = row.Text(4);
        e.channel = row.Text(5);
        e.time_ms = row.Int(6);
        e.data_json = row.Text(7);
      }
      if (tx.backend() == store::Backend::kSqlite) {
        // A batch rewrites thousands of insight_cube pages (each (channel, place) grouping set
        // of each journey has its own key range): with SQLite's default 2 MB page cache they are
        // spilled to the WAL before the commit and read back. 128 MB on this connection (a
        // bound, not an allocation: the cache grows with the pages used).
        RETURN_IF_ERROR(tx.Execute("PRAGMA cache_size = -131072").status());
      }
      FoldBatch batch(tx);
      RETURN_IF_ERROR(batch.Preload(events));
      for (const store::Event& e : events) RETURN_IF_ERROR(batch.Apply(e));
      RETURN_IF_ERROR(batch.Flush());
      read = static_cast<int64_t>(rows.size());
      report.last_id = rows.back().Text(0);
      // A short batch reached the bound; a full one reached its last event.
      const int64_t reached = read < limit ? bound_ms : std::max(as_of, IdMillis(report.last_id));
      return SaveCursor(tx, report.last_id, clock.NowMillis(), reached);
    }));
    if (read == 0) {
      report.caught_up = true;
      break;
    }
    report.events += read;
    ++report.batches;
    if (read < options.batch && (options.max_events < 0 || report.events < options.max_events)) {
      report.caught_up = true;  // a short batch: nothing older than the bound is left
      break;
    }
  }
  if (report.last_id.empty()) {
    ASSIGN_OR_RETURN(auto tx, db.BeginRead());
    ASSIGN_OR_RETURN(report.last_id, LoadCursor(*tx));
  }
  return report;
}

Result<std::optional<int64_t>> AsOf(store::Database& db) {
  ASSIGN_OR_RETURN(auto tx, db.BeginRead());
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx->Query("SELECT as_of_ms FROM insight_cursor WHERE name = $1", {std::string(kCursor)}));
  if (rows.empty() || rows[0].Int(0) <= 0) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

Result<FoldReport> Rebuild(store::Database& db, const Clock& clock, const FoldOptions& options) {
  RETURN_IF_ERROR(db.InTransaction([](store::Transaction& tx) -> Status {
    for (const char* table : {"insight_cursor", "insight_cube", "insight_journeys", "insight_steps",
                              "insight_persons", "insight_deliveries", "insight_complaints", "insight_comments"}) {
      RETURN_IF_ERROR(tx.Execute(std::string("DELETE FROM ") + table).status());
    }
    return Status::Ok();
  }));
  return Fold(db, clock, options);
}

}  // namespace parcours::insight
