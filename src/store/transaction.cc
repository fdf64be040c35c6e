#include <algorithm>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "parcours/base/log.h"
#include "parcours/store/store.h"

namespace parcours::store {

Result<Row> Transaction::QueryOne(std::string_view sql, std::initializer_list<Value> params,
                                  std::string_view not_found_reason,
                                  std::string_view not_found_message) {
  ASSIGN_OR_RETURN(Rows rows, Query(sql, params));
  if (rows.empty()) {
    return NotFound(std::string(not_found_reason), std::string(not_found_message));
  }
  return std::move(rows.front());
}

Status Database::InTransaction(const std::function<Status(Transaction&)>& fn, int attempts,
                               Isolation isolation) {
  if (attempts < 1) attempts = 1;
  Status last;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) {
      // A short, growing (capped) pause lets the competing writer finish first.
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2 * attempt * attempt, 50)));
    }
    auto tx = Begin(isolation);
    if (!tx.ok()) {
      last = tx.status();
    } else {
      last = fn(**tx);
      if (last.ok()) last = (*tx)->Commit();
    }
    if (last.ok() || last.code() != StatusCode::kUnavailable) return last;
    log::Warn("store.retry", {{"attempt", attempt}, {"reason", last.reason()}});
  }
  return last;
}

}  // namespace parcours::store
