// Triggers from the event log (see proactive/triggers.h).
#include "parcours/proactive/triggers.h"

#include <nlohmann/json.hpp>
#include <set>

#include "parcours/base/clock.h"
#include "parcours/base/log.h"
#include "parcours/store/events.h"
#include "parcours/store/store.h"

namespace parcours::proactive {
namespace {

constexpr const char* kCursor = "triggers";

Result<std::string> ReadCursor(store::Database& db) {
  ASSIGN_OR_RETURN(auto tx, db.BeginRead());
  ASSIGN_OR_RETURN(store::Rows rows, tx->Query("SELECT last_id FROM proactive_cursor WHERE name = $1", {kCursor}));
  return rows.empty() ? std::string() : rows[0].Text(0);
}

Status WriteCursor(store::Database& db, const Clock& clock, const std::string& last_id) {
  return db.InTransaction([&](store::Transaction& tx) -> Status {
    // Never move the cursor back (another node may have gone further meanwhile).
    return tx
        .Execute("INSERT INTO proactive_cursor (name, last_id, updated_ms) VALUES ($1, $2, $3) "
                 "ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id, updated_ms = excluded.updated_ms "
                 "WHERE proactive_cursor.last_id < excluded.last_id",
                 {kCursor, last_id, clock.NowMillis()})
        .status();
  });
}

}  // namespace

bool IsTrigger(std::string_view type) {
  return type == "fr.parcours.journey.situation.updated" || type == "fr.parcours.journey.started" ||
         type == "fr.parcours.vault.attributes_changed" || type == "fr.parcours.vault.form_submitted" ||
         type == "fr.parcours.signal.received";
}

Result<TriggerReport> RunTriggers(store::Database& db, OfferService& offers, const Clock& clock,
                                  const TriggerOptions& options) {
  if (options.batch < 1 || options.batch > 10000) {
    return InvalidArgument("proactive.bad_batch", "Taille de lot invalide (1 à 10 000).");
  }
  TriggerReport report;
  ASSIGN_OR_RETURN(report.last_id, ReadCursor(db));
  for (;;) {
    const int64_t horizon = clock.NowMillis() - options.settle_ms;
    std::vector<store::Event> events;
    {
      ASSIGN_OR_RETURN(auto tx, db.BeginRead());
      ASSIGN_OR_RETURN(events, store::ReadEvents(*tx, report.last_id, std::nullopt, options.batch));
    }
    std::set<std::string> persons;  // sorted: a stable order across nodes
    std::string last = report.last_id;
    bool settled_all = true;
    for (const store::Event& e : events) {
      if (e.time_ms > horizon) {
        settled_all = false;
        break;
      }
      ++report.events;
      last = e.id;
      if (IsTrigger(e.type) && !e.person_id.empty()) persons.insert(e.person_id);
    }
    for (const std::string& person : persons) {
      Result<ConsiderReport> r = offers.Consider(person, "trigger");
      if (!r.ok()) {
        log::Warn("proactive trigger failed", {{"reason", r.status().reason()}, {"error", r.status().message()}});
        continue;
      }
      ++report.persons;
      report.offered += r->offered;
    }
    if (last != report.last_id) {
      RETURN_IF_ERROR(WriteCursor(db, clock, last));
      report.last_id = last;
    }
    if (!settled_all || static_cast<int>(events.size()) < options.batch) break;
  }
  return report;
}

TriggerWorker::TriggerWorker(store::Database& db, OfferService& offers, const Clock& clock, TriggerOptions options)
    : db_(db), offers_(offers), clock_(clock), options_(options) {}

TriggerWorker::~TriggerWorker() { Stop(); }

void TriggerWorker::Start() {
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void TriggerWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TriggerWorker::Loop() {
  for (;;) {
    Result<TriggerReport> r = RunTriggers(db_, offers_, clock_, options_);
    if (!r.ok()) {
      log::Warn("proactive triggers", {{"reason", r.status().reason()}, {"error", r.status().message()}});
    } else if (r->offered > 0) {
      log::Info("proactive offers made", {{"offers", r->offered}, {"persons", r->persons}});
    }
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms), [this] { return stop_; })) return;
  }
}

}  // namespace parcours::proactive
