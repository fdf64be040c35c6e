#include "parcours/agency_sim/agency_sim.h"

#include <curl/curl.h>
#include <sodium.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "parcours/base/clock.h"
#include "parcours/base/file.h"
#include "parcours/base/json.h"
#include "parcours/base/log.h"
#include "parcours/exchange/webhook.h"
#include "parcours/http/router.h"
#include "parcours/http/server.h"
#include "parcours/store/store.h"

namespace parcours::agency_sim {
namespace {

// A JSON object file {"name": "value"} read again whenever its modification time changes.
class ReloadingMap {
 public:
  explicit ReloadingMap(std::string path) : path_(std::move(path)) {}
  // The value for `name`, or "" when the file or the name is absent.
  std::string Get(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    std::error_code ec;
    const auto mtime = std::filesystem::last_write_time(path_, ec);
    if (!ec && mtime != loaded_mtime_) {
      auto map = LoadSecretsFile(path_);
      if (map.ok()) {
        values_ = std::move(*map);
        loaded_mtime_ = mtime;
      }
    }
    auto it = values_.find(name);
    return it == values_.end() ? std::string() : it->second;
  }

 private:
  std::string path_;
  std::mutex mu_;
  std::filesystem::file_time_type loaded_mtime_{};
  std::map<std::string, std::string> values_;  // GUARDED_BY(mu_)
};

// Posts agency statuses back to Parcours, one delivery after another, off the request threads.
class Callbacks {
 public:
  Callbacks(const std::string& keys_file, int delay_ms) : keys_(keys_file), delay_ms_(delay_ms) {
    if (!keys_file.empty()) thread_ = std::thread([this] { Loop(); });
  }
  ~Callbacks() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  void Enqueue(std::string status_url, std::string organisation) {
    if (!thread_.joinable() || status_url.empty()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back({std::move(status_url), std::move(organisation)});
    }
    cv_.notify_all();
  }

 private:
  void Loop() {
    while (true) {
      Pending next;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        next = std::move(queue_.front());
        queue_.pop_front();
      }
      const std::string key = keys_.Get(next.organisation);
      if (key.empty()) {
        log::Warn("agency-sim has no API key for this organisation", {{"organisation", next.organisation}});
        continue;
      }
      // What an agency would write to the person at each step (shown as the organisation's message).
      for (const auto& [status, message] :
           {std::pair{"recue", "Votre demande a bien été reçue."},
            std::pair{"en_instruction", "Votre demande est en cours d'examen."},
            std::pair{"acceptee", "Votre changement a été pris en compte."}}) {
        Post(next.url, key, {{"status", status}, {"message", std::string("Simulateur : ") + message}});
        std::unique_lock<std::mutex> lock(mu_);
        if (cv_.wait_for(lock, std::chrono::milliseconds(delay_ms_), [this] { return stop_; })) return;
      }
    }
  }
  void Post(const std::string& url, const std::string& api_key, const nlohmann::json& body) {
    CURL* c = curl_easy_init();
    const std::string text = body.dump();
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, ("Authorization: Bearer " + api_key).c_str());
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, text.c_str());
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, +[](char*, size_t s, size_t n, void*) { return s * n; });
    const CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK || code >= 300) {
      log::Warn("agency-sim status callback failed", {{"status", code}, {"error", curl_easy_strerror(rc)}});
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
  }

  struct Pending {
    std::string url;
    std::string organisation;
  };
  ReloadingMap keys_;
  int delay_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;  // GUARDED_BY(mu_)
  bool stop_ = false;
  std::thread thread_;
};

http::Response Answer(int status, const std::string& code, const std::string& message) {
  return http::Response::Json({{"code", code}, {"message", message}}, status);
}

}  // namespace

Result<std::map<std::string, std::string>> LoadSecretsFile(const std::string& path) {
  const std::optional<std::string> text = ReadWholeFile(path);
  if (!text) return InvalidArgument("agency_sim.no_secrets", "Fichier de secrets illisible : " + path);
  ASSIGN_OR_RETURN(Json j, ParseJson(*text));
  if (!j.is_object()) return InvalidArgument("agency_sim.bad_secrets", "Le fichier de secrets doit être un objet JSON.");
  std::map<std::string, std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.value().is_string()) return InvalidArgument("agency_sim.bad_secrets", "Secret invalide pour " + it.key());
    out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

Status RunAgencySim(const AgencySimOptions& options) {
  if (sodium_init() < 0) return Internal("agency_sim.sodium", "libsodium indisponible.");
  curl_global_init(CURL_GLOBAL_DEFAULT);
  ASSIGN_OR_RETURN(auto db, store::Database::Open({options.database, 4, 5000}));
  RETURN_IF_ERROR(db->InTransaction([](store::Transaction& tx) -> Status {
    return tx
        .Execute("CREATE TABLE IF NOT EXISTS sim_received (webhook_id TEXT PRIMARY KEY, service_id TEXT NOT NULL, "
                 "received_ms BIGINT NOT NULL, deliveries INTEGER NOT NULL DEFAULT 1, body TEXT NOT NULL)")
        .status();
  }));

  std::atomic<bool> down{false};
  std::atomic<int64_t> refused{0};
  Callbacks callbacks(options.callback_keys_file, options.callback_delay_ms);
  ReloadingMap secrets(options.secrets_file);
  http::Router router;

  router.Add("POST", "/hooks/{service}", [&](http::Request& req) -> http::Response {
    if (options.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(options.delay_ms));
    if (down.load() || (!options.outage_file.empty() && std::filesystem::exists(options.outage_file))) {
      ++refused;
      return Answer(503, "outage", "Agence indisponible (panne simulée).");
    }
    if (options.error_rate > 0 &&
        static_cast<double>(randombytes_uniform(1000000)) / 1000000.0 < options.error_rate) {
      ++refused;
      return Answer(500, "simulated_error", "Erreur simulée.");
    }
    const std::string& service = req.Param("service");
    const std::string secret = secrets.Get(service);
    if (secret.empty()) return Answer(404, "unknown_service", "Service inconnu du simulateur.");
    const std::string id(req.Header("webhook-id"));
    Status sig = exchange::VerifyWebhook(secret, id, req.Header("webhook-timestamp"), req.body,
                               req.Header("webhook-signature"), SystemClock::Get().NowMillis() / 1000);
    if (!sig.ok() || id.empty()) return Answer(401, sig.reason(), sig.message());
    auto body = ParseJson(req.body);
    if (!body.ok()) return Answer(400, "bad_json", "Corps JSON invalide.");
    bool first = false;
    Status st = db->InTransaction([&](store::Transaction& tx) -> Status {
      ASSIGN_OR_RETURN(int64_t inserted,
                       tx.Execute("INSERT INTO sim_received (webhook_id, service_id, received_ms, body) "
                                  "VALUES ($1, $2, $3, $4) ON CONFLICT (webhook_id) DO NOTHING",
                                  {id, service, SystemClock::Get().NowMillis(), req.body}));
      first = inserted == 1;
      if (!first) {
        RETURN_IF_ERROR(tx.Execute("UPDATE sim_received SET deliveries = deliveries + 1 WHERE webhook_id = $1", {id}));
      }
      return Status::Ok();
    });
    if (!st.ok()) return Answer(503, "storage", "Stockage indisponible.");
    if (first) {
      const Json& data = (*body)["data"];
      if (data.is_object() && data.contains("status_url") && data["status_url"].is_string() &&
          data.contains("organisation") && data["organisation"].is_string()) {
        callbacks.Enqueue(data["status_url"].get<std::string>(), data["organisation"].get<std::string>());
      }
    }
    return http::Response::Json({{"received", true}, {"duplicate", !first}});
  });

  router.Add("GET", "/stats", [&](http::Request&) -> http::Response {
    nlohmann::json out = {{"unique", 0}, {"deliveries", 0}, {"refused", refused.load()}, {"by_service", nlohmann::json::object()}};
    auto tx = db->BeginRead();
    if (!tx.ok()) return Answer(503, "storage", "Stockage indisponible.");
    auto rows = (*tx)->Query("SELECT service_id, COUNT(*), SUM(deliveries) FROM sim_received GROUP BY service_id");
    if (!rows.ok()) return Answer(503, "storage", "Stockage indisponible.");
    int64_t unique = 0, total = 0;
    for (const auto& r : *rows) {
      unique += r.Int(1);
      total += r.Int(2);
      out["by_service"][r.Text(0)] = r.Int(1);
    }
    out["unique"] = unique;
    out["deliveries"] = total;
    return http::Response::Json(out);
  });

  router.Add("GET", "/received/{id}", [&](http::Request& req) -> http::Response {
    auto tx = db->BeginRead();
    if (!tx.ok()) return Answer(503, "storage", "Stockage indisponible.");
    auto row = (*tx)->QueryOne("SELECT body, deliveries FROM sim_received WHERE webhook_id = $1", {req.Param("id")});
    if (!row.ok()) return Answer(404, "not_found", "Rien reçu sous cet identifiant.");
    auto body = ParseJson(row->Text(0));
    return http::Response::Json({{"body", body.ok() ? *body : Json()}, {"deliveries", row->Int(1)}});
  });

  router.Add("POST", "/control/outage", [&](http::Request& req) -> http::Response {
    auto body = req.JsonBody();
    if (!body.ok() || !body->is_object() || !(*body)["down"].is_boolean()) {
      return Answer(400, "bad_request", "Attendu : {\"down\": true|false}.");
    }
    down = (*body)["down"].get<bool>();
    return http::Response::Json({{"down", down.load()}});
  });

  router.Add("GET", "/healthz", [](http::Request&) { return http::Response::Json({{"status", "ok"}}); });

  http::ServerOptions so;
  so.address = options.address;
  so.port = options.port;
  so.threads = options.threads;
  auto server = http::Server::Create(so, router);
  RETURN_IF_ERROR(server->Listen());
  if (!options.port_file.empty()) {
    const std::string tmp = options.port_file + ".tmp";
    std::ofstream(tmp) << server->BoundPort() << "\n";
    std::filesystem::rename(tmp, options.port_file);
  }
  log::Info("agency simulator listening", {{"port", server->BoundPort()}});
  server->Run();
  return Status::Ok();
}

}  // namespace parcours::agency_sim
