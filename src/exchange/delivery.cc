#include "parcours/exchange/delivery.h"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "delivery_rows.h"
#include "parcours/base/clock.h"
#include "parcours/base/log.h"
#include "parcours/exchange/webhook.h"
#include "parcours/store/events.h"
#include "parcours/store/store.h"
#include "parcours/vault/crypto.h"

namespace parcours::exchange {
namespace {

// One claimed delivery and, once sent, its outcome.
struct Job {
  std::string id;
  std::string service_id;
  std::string person_id;
  std::string endpoint;
  std::string secret;
  std::string body;
  int attempts = 0;  // including this one
  int64_t created_ms = 0;
  // Transfer state.
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string response;
  long http_status = 0;
  std::string error;  // empty on a 2xx answer
};

size_t DiscardBody(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* out = static_cast<std::string*>(userdata);
  const size_t n = size * nmemb;
  if (out->size() < 2048) out->append(ptr, std::min(n, 2048 - out->size()));
  return n;
}

void CurlGlobalInit() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)rc;
}

}  // namespace

std::chrono::milliseconds BackoffDelay(const DeliveryOptions& options, int attempt) {
  const int shift = std::clamp(attempt - 1, 0, 30);
  const double d = std::min<double>(static_cast<double>(options.max_backoff.count()),
                                    static_cast<double>(options.base_backoff.count()) * static_cast<double>(1LL << shift));
  const double jitter = static_cast<double>(randombytes_uniform(1000001)) / 1000000.0;  // [0, 1]
  return std::chrono::milliseconds(static_cast<int64_t>(d / 2 + jitter * d / 2));
}

struct DeliveryWorker::Impl {
  Impl(store::Database& d, const vault::KeyRing& k, const Clock& c, DeliveryOptions o)
      : db(d), keys(k), clock(c), options(o) {
    CurlGlobalInit();
    multi = curl_multi_init();
  }
  ~Impl() { curl_multi_cleanup(multi); }

  store::Database& db;
  const vault::KeyRing& keys;
  const Clock& clock;
  DeliveryOptions options;
  CURLM* multi;
  std::vector<std::unique_ptr<Job>> in_flight;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable cv;
  bool woken = false;

  Result<std::vector<std::unique_ptr<Job>>> Claim(int max);
  void StartTransfer(Job& job);
  // Advances the transfers, waiting up to `wait_ms` for activity; returns the finished jobs.
  std::vector<std::unique_ptr<Job>> Pump(int wait_ms);
  Status Record(const std::vector<std::unique_ptr<Job>>& done);
  void Loop();
};

Result<std::vector<std::unique_ptr<Job>>> DeliveryWorker::Impl::Claim(int max) {
  std::vector<std::unique_ptr<Job>> jobs;
  if (max <= 0) return jobs;
  const int64_t now = clock.NowMillis();
  const bool pg = db.backend() == store::Backend::kPostgres;
  const std::string pick =
      std::string("SELECT id FROM exchange_deliveries WHERE state = 'pending' AND next_attempt_ms <= $1 AND "
                  "lease_until_ms <= $1 ORDER BY next_attempt_ms LIMIT $2") +
      (pg ? " FOR UPDATE SKIP LOCKED" : "");
  Status st = db.InTransaction([&](store::Transaction& tx) -> Status {
    jobs.clear();
    ASSIGN_OR_RETURN(store::Rows rows,
                     tx.Query("UPDATE exchange_deliveries SET lease_until_ms = $3, attempts = attempts + 1 "
                              "WHERE id IN (" + pick + ") "
                              "RETURNING id, service_id, person_id, payload_key_id, payload, attempts, created_ms",
                              {now, int64_t{max}, now + options.lease.count()}));
    for (const auto& r : rows) {
      auto job = std::make_unique<Job>();
      job->id = r.Text("id");
      job->service_id = r.Text("service_id");
      job->person_id = r.Text("person_id");
      job->attempts = static_cast<int>(r.Int("attempts"));
      job->created_ms = r.Int("created_ms");
      auto body = keys.Open(PayloadContext(job->id), vault::Sealed{r.Text("payload_key_id"), r.Bytes("payload")});
      if (!body.ok()) {
        job->error = "payload illisible : " + body.status().reason();
      } else {
        job->body = std::move(*body);
      }
      jobs.push_back(std::move(job));
    }
    for (auto& job : jobs) {
      ASSIGN_OR_RETURN(store::Row s, tx.QueryOne("SELECT endpoint, secret FROM exchange_services WHERE id = $1",
                                                 {job->service_id}));
      job->endpoint = s.Text("endpoint");
      job->secret = s.Text("secret");
    }
    return Status::Ok();
  }, 3, store::Isolation::kReadCommitted);  // SKIP LOCKED queue semantics on PostgreSQL
  if (!st.ok()) return st;
  return jobs;
}

void DeliveryWorker::Impl::StartTransfer(Job& job) {
  const int64_t ts = clock.NowMillis() / 1000;
  auto sig = SignWebhook(job.secret, job.id, ts, job.body);
  if (!sig.ok()) {
    job.error = "secret invalide";
    return;
  }
  job.easy = curl_easy_init();
  auto add = [&job](const std::string& h) { job.headers = curl_slist_append(job.headers, h.c_str()); };
  add("Content-Type: application/json");
  add("webhook-id: " + job.id);
  add("webhook-timestamp: " + std::to_string(ts));
  add("webhook-signature: " + *sig);
  add("Idempotency-Key: " + job.id);
  add("Expect:");
  curl_easy_setopt(job.easy, CURLOPT_URL, job.endpoint.c_str());
  curl_easy_setopt(job.easy, CURLOPT_HTTPHEADER, job.headers);
  curl_easy_setopt(job.easy, CURLOPT_POSTFIELDS, job.body.c_str());
  curl_easy_setopt(job.easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(job.body.size()));
  curl_easy_setopt(job.easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
  curl_easy_setopt(job.easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<int64_t>(5000, options.request_timeout.count())));
  curl_easy_setopt(job.easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(job.easy, CURLOPT_USERAGENT, "Parcours-Webhooks/1");
  curl_easy_setopt(job.easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(job.easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(job.easy, CURLOPT_WRITEFUNCTION, DiscardBody);
  curl_easy_setopt(job.easy, CURLOPT_WRITEDATA, &job.response);
  curl_easy_setopt(job.easy, CURLOPT_PRIVATE, &job);
  curl_multi_add_handle(multi, job.easy);
}

std::vector<std::unique_ptr<Job>> DeliveryWorker::Impl::Pump(int wait_ms) {
  std::vector<std::unique_ptr<Job>> done;
  int running = 0;
  curl_multi_perform(multi, &running);
  if (running > 0 && wait_ms > 0) {
    curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr);
    curl_multi_perform(multi, &running);
  }
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    Job* job = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &job);
    curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &job->http_status);
    if (msg->data.result != CURLE_OK) {
      job->error = curl_easy_strerror(msg->data.result);
    } else if (job->http_status < 200 || job->http_status >= 300) {
      job->error = "HTTP " + std::to_string(job->http_status);
    }
    curl_multi_remove_handle(multi, job->easy);
    curl_easy_cleanup(job->easy);
    curl_slist_free_all(job->headers);
    job->easy = nullptr;
    job->headers = nullptr;
    auto it = std::find_if(in_flight.begin(), in_flight.end(), [job](const auto& p) { return p.get() == job; });
    done.push_back(std::move(*it));
    in_flight.erase(it);
  }
  return done;
}

Status DeliveryWorker::Impl::Record(const std::vector<std::unique_ptr<Job>>& done) {
  if (done.empty()) return Status::Ok();
  return db.InTransaction([&](store::Transaction& tx) -> Status {
    const int64_t now = clock.NowMillis();
    for (const auto& job : done) {
      store::Event ev;
      ev.source = "/exchange";
      ev.subject = job->id;
      ev.person_id = job->person_id;
      ev.actor = "system";
      ev.channel = "api";
      ev.time_ms = now;
      nlohmann::json data = {{"service", job->service_id}, {"attempts", job->attempts}};
      int64_t changed = 0;
      if (job->error.empty()) {
        ASSIGN_OR_RETURN(changed, tx.Execute("UPDATE exchange_deliveries SET state = 'delivered', delivered_ms = $2, "
                                             "lease_until_ms = 0, last_error = NULL, updated_ms = $2 "
                                             "WHERE id = $1 AND state = 'pending'",
                                             {job->id, now}));
        ev.type = "fr.parcours.delivery.delivered";
        data["latency_ms"] = now - job->created_ms;
      } else if (job->attempts >= options.max_attempts) {
        ASSIGN_OR_RETURN(changed, tx.Execute("UPDATE exchange_deliveries SET state = 'dead', last_error = $2, "
                                             "lease_until_ms = 0, updated_ms = $3 WHERE id = $1 AND state = 'pending'",
                                             {job->id, job->error, now}));
        ev.type = "fr.parcours.delivery.dead_lettered";
        data["error"] = job->error;
      } else {
        const int64_t next = now + BackoffDelay(options, job->attempts).count();
        ASSIGN_OR_RETURN(changed, tx.Execute("UPDATE exchange_deliveries SET next_attempt_ms = $2, last_error = $3, "
                                             "lease_until_ms = 0, updated_ms = $4 WHERE id = $1 AND state = 'pending'",
                                             {job->id, next, job->error, now}));
        ev.type = "fr.parcours.delivery.failed";
        data["error"] = job->error;
        data["next_attempt_ms"] = next;
      }
      if (changed == 0) continue;  // replayed or changed meanwhile: nothing to record
      ev.data_json = data.dump();
      RETURN_IF_ERROR(store::AppendEvent(tx, std::move(ev), &clock));
    }
    return Status::Ok();
  });
}

void DeliveryWorker::Impl::Loop() {
  auto last_claim = std::chrono::steady_clock::time_point{};
  std::vector<std::unique_ptr<Job>> pending_record;
  while (true) {
    const bool stop = stopping.load();
    bool wake = false;
    {
      std::lock_guard<std::mutex> lock(mu);
      wake = woken;
      woken = false;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!stop && (wake || now - last_claim >= options.poll_interval)) {
      last_claim = now;
      auto claimed = Claim(options.max_in_flight - static_cast<int>(in_flight.size()));
      if (!claimed.ok()) {
        log::Warn("delivery claim failed", {{"reason", claimed.status().reason()}});
      } else {
        for (auto& job : *claimed) {
          if (job->error.empty()) StartTransfer(*job);
          if (job->easy) {
            in_flight.push_back(std::move(job));
          } else {
            pending_record.push_back(std::move(job));
          }
        }
      }
    }
    if (in_flight.empty()) {
      if (!pending_record.empty() && Record(pending_record).ok()) pending_record.clear();
      if (stop) break;
      std::unique_lock<std::mutex> lock(mu);
      cv.wait_for(lock, options.poll_interval, [this] { return woken || stopping.load(); });
      continue;
    }
    for (auto& j : Pump(50)) pending_record.push_back(std::move(j));
    if (!pending_record.empty()) {
      Status st = Record(pending_record);
      if (st.ok()) {
        pending_record.clear();
      } else {
        log::Warn("delivery outcome not recorded yet", {{"reason", st.reason()}});
      }
    }
  }
}

DeliveryWorker::DeliveryWorker(store::Database& db, const vault::KeyRing& keys, const Clock& clock,
                               DeliveryOptions options)
    : impl_(std::make_unique<Impl>(db, keys, clock, options)) {}

DeliveryWorker::~DeliveryWorker() { Stop(); }

void DeliveryWorker::Start() {
  if (impl_->thread.joinable()) return;
  impl_->stopping = false;
  impl_->thread = std::thread([this] { impl_->Loop(); });
}

void DeliveryWorker::Stop() {
  if (!impl_->thread.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  impl_->thread.join();
}

void DeliveryWorker::Wake() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->woken = true;
  }
  impl_->cv.notify_all();
}

Result<int> DeliveryWorker::RunOnce() {
  ASSIGN_OR_RETURN(auto claimed, impl_->Claim(impl_->options.max_in_flight));
  const int n = static_cast<int>(claimed.size());
  std::vector<std::unique_ptr<Job>> done;
  for (auto& job : claimed) {
    if (job->error.empty()) impl_->StartTransfer(*job);
    if (job->easy) {
      impl_->in_flight.push_back(std::move(job));
    } else {
      done.push_back(std::move(job));
    }
  }
  while (!impl_->in_flight.empty()) {
    for (auto& j : impl_->Pump(100)) done.push_back(std::move(j));
  }
  RETURN_IF_ERROR(impl_->Record(done));
  return n;
}

}  // namespace parcours::exchange
