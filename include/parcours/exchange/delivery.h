// The delivery worker: sends the outbox's pending deliveries to the agencies as signed
// webhooks (Standard Webhooks headers + Idempotency-Key = delivery id), many in flight at
// once over libcurl's multi interface.
//
// A delivery is claimed with a lease (so that several server nodes never send it at the same
// time; PostgreSQL claims with FOR UPDATE SKIP LOCKED), sent, then marked delivered on a 2xx
// answer; otherwise retried with exponential backoff and full jitter until `max_attempts`,
// then dead-lettered (visible to admins, replayable). A crash between sending and recording
// leads to one more send after the lease: agencies deduplicate on `webhook-id`, so each
// delivery takes effect exactly once. Every outcome appends an event in the same transaction.
// Thread-safety: Start/Stop/Wake from any thread; RunOnce must not run concurrently with Start.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "parcours/base/status.h"

namespace parcours {
class Clock;
}
namespace parcours::store {
class Database;
}
namespace parcours::vault {
class KeyRing;
}

namespace parcours::exchange {

struct DeliveryOptions {
  int max_in_flight = 64;
  int max_attempts = 10;
  std::chrono::milliseconds base_backoff{1000};
  std::chrono::milliseconds max_backoff{std::chrono::minutes(30)};
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds lease{30000};  // must exceed request_timeout
  std::chrono::milliseconds poll_interval{200};
};

// Delay before attempt `attempt + 1` after `attempt` failures: a random value in
// [d/2, d] where d = min(max_backoff, base_backoff * 2^(attempt-1)).
std::chrono::milliseconds BackoffDelay(const DeliveryOptions& options, int attempt);

class DeliveryWorker {
 public:
  DeliveryWorker(store::Database& db, const vault::KeyRing& keys, const Clock& clock, DeliveryOptions options);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Starts the background thread.
  void Start();
  // Stops claiming, lets in-flight sends finish (bounded by request_timeout), records them.
  void Stop();
  // Asks the background thread to look for due deliveries now (after a submission).
  void Wake();

  // Claims every due delivery (up to max_in_flight), sends them and records the outcomes,
  // then returns how many were attempted. For tests and `parcours exchange deliver`.
  Result<int> RunOnce();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parcours::exchange
