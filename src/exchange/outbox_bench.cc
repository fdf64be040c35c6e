// bench/exchange: declarations acknowledged durably per second, with group commit and with a
// naive commit per declaration, in the same run; then fan-out latency (declaration accepted ->
// agency answered 2xx) p50 / p99 to the agency simulator.
//
//   exchange_bench [--parcours PATH] [--seconds N] [--threads N] [--fanout N]
// With --parcours, the real `parcours agency-sim` process receives the webhooks; otherwise an
// in-process receiver built on the same HTTP server does. Prints figures; asserts nothing.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/exchange/delivery.h"
#include "parcours/exchange/outbox.h"
#include "parcours/exchange/registry.h"
#include "parcours/exchange/runtime.h"
#include "parcours/exchange/webhook.h"
#include "parcours/http/router.h"
#include "parcours/http/server.h"
#include "parcours/store/group_commit.h"
#include "parcours/store/migrations.h"
#include "parcours/store/store.h"
#include "parcours/vault/vault.h"

namespace fs = std::filesystem;
using namespace parcours;

namespace {

struct Args {
  std::string parcours;
  int seconds = 4;
  int threads = 16;
  int fanout = 300;
};

struct World {
  fs::path dir;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<vault::KeyRing> keys;
  std::unique_ptr<vault::Vault> vault;
  std::vector<std::string> people;
  std::map<std::string, std::string> secrets;
};

const char* kServices[] = {"caf.adresse", "cpam.adresse", "impots.adresse",
                           "france-travail.adresse", "retraite.adresse", "energie.adresse"};

void Die(const std::string& what, const Status& st) {
  std::cerr << "exchange_bench: " << what << ": " << st.ToString() << "\n";
  std::exit(1);
}

World MakeWorld(const std::string& receiver_url, int people) {
  World w;
  w.dir = fs::temp_directory_path() / ("parcours-bench-exchange-" + NewId());
  fs::create_directories(w.dir);
  auto db = store::Database::Open({"sqlite:" + (w.dir / "db.sqlite").string(), 32});
  if (!db.ok()) Die("open", db.status());
  w.db = std::move(*db);
  if (auto m = store::Migrate(*w.db); !m.ok()) Die("migrate", m.status());
  w.keys = std::make_unique<vault::KeyRing>(*vault::KeyRing::Parse(vault::KeyRing::GenerateKeyLine()));
  w.vault = vault::NewVault(*w.db, SystemClock::Get(), *w.keys,
                            std::make_shared<const vault::AttributeRegistry>(vault::AttributeRegistry::Default()));
  exchange::RegistryFile file;
  exchange::BundleDef bundle{"changement-adresse", "Changement d'adresse", "Change of address", {}};
  for (const char* id : kServices) {
    exchange::ServiceDef s;
    s.id = id;
    s.organisation = std::string(id).substr(0, std::string(id).find('.'));
    s.name_fr = s.name_en = id;
    s.endpoint = receiver_url + "/hooks/" + id;
    s.purpose = "changement-adresse";
    s.purpose_label = "Adresse";
    s.legal_basis = "Ordonnance n° 2005-395 du 28 avril 2005";
    s.attributes = {"adresse . voie", "adresse . code postal", "adresse . commune"};
    s.secret = exchange::NewWebhookSecret();
    w.secrets[id] = s.secret;
    file.services.push_back(s);
    bundle.services.push_back(id);
    if (auto st = w.vault->RegisterService(vault::Actor::Platform("bench"), exchange::VaultDeclaration(s));
        !st.ok()) {
      Die("register", st);
    }
  }
  file.bundles.push_back(bundle);
  if (auto st = exchange::SyncRegistry(*w.db, file, 0); !st.ok()) Die("registry", st);
  for (int i = 0; i < people; ++i) {
    auto p = w.vault->CreatePerson(vault::Actor::Platform("bench"));
    if (!p.ok()) Die("person", p.status());
    const vault::Actor me = vault::Actor::Usager(*p);
    if (auto st = w.vault->Write(me, *p,
                                 {{"adresse . voie", "12 rue de la République", {}, {}, {}, {}},
                                  {"adresse . code postal", "69002", {}, {}, {}, {}},
                                  {"adresse . commune", "69382", {}, {}, {}, {}}},
                                 {"bench", "Bench", "web"});
        !st.ok()) {
      Die("write", st);
    }
    for (const char* id : kServices) {
      if (auto c = w.vault->GrantConsent(me, *p, {id, "changement-adresse", {}, {}, "web"}); !c.ok()) {
        Die("consent", c.status());
      }
    }
    w.people.push_back(*p);
  }
  return w;
}

// Submits from `threads` threads for `seconds`; returns acknowledged declarations per second.
double Throughput(World& w, exchange::Outbox& outbox, int threads, int seconds) {
  std::atomic<int64_t> done{0}, failed{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      const std::string& person = w.people[t % w.people.size()];
      for (int i = 0; !stop.load(); ++i) {
        exchange::SubmitInput in;
        in.person_id = person;
        in.bundle_id = "changement-adresse";
        in.idempotency_key = NewId() + "-" + std::to_string(i);
        auto d = outbox.Submit(vault::Actor::Usager(person), in);
        d.ok() ? ++done : ++failed;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failed > 0) std::cerr << "  (" << failed << " submissions failed)\n";
  return static_cast<double>(done.load()) / secs;
}

// The in-process receiver: verifies nothing costly beyond the signature, answers 200.
class InProcessReceiver {
 public:
  InProcessReceiver() {
    router_.Add("POST", "/hooks/{service}", [](http::Request&) { return http::Response::Json({{"ok", true}}); });
    http::ServerOptions o;
    o.port = 0;
    o.threads = 2;
    server_ = http::Server::Create(o, router_);
    if (auto st = server_->Listen(); !st.ok()) Die("listen", st);
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~InProcessReceiver() {
    server_->Stop();
    thread_.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_->BoundPort()); }

 private:
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

// The real simulator process, started on a free port and stopped by PID.
class SimProcess {
 public:
  SimProcess(std::string parcours, const fs::path& dir) : parcours_(std::move(parcours)), dir_(dir) {
    port_file_ = dir / "sim.port";
    secrets_file_ = dir / "secrets.json";
  }
  void Start(const std::map<std::string, std::string>& secrets) {
    std::ofstream(secrets_file_) << nlohmann::json(secrets).dump();
    pid_ = fork();
    if (pid_ == 0) {
      const std::string db = "sqlite:" + (dir_ / "sim.db").string();
      const std::string log = (dir_ / "sim.log").string();
      if (!freopen(log.c_str(), "w", stderr)) _exit(126);
      execl(parcours_.c_str(), parcours_.c_str(), "agency-sim", "--listen", "127.0.0.1:0", "--port-file",
            port_file_.c_str(), "--secrets", secrets_file_.c_str(), "--database", db.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200 && !fs::exists(port_file_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream in(port_file_);
    in >> port_;
    if (port_ == 0) Die("agency-sim did not start", Internal("bench", (dir_ / "sim.log").string()));
  }
  ~SimProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string parcours_;
  fs::path dir_, port_file_, secrets_file_;
  pid_t pid_ = -1;
  int port_ = 0;
};

double Percentile(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))]);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--parcours") a.parcours = v;
    else if (k == "--seconds") a.seconds = std::stoi(v);
    else if (k == "--threads") a.threads = std::stoi(v);
    else if (k == "--fanout") a.fanout = std::stoi(v);
  }

  // 1. Durable acknowledgements: one transaction per declaration vs group commit.
  std::cout << "exchange: declarations acknowledged durably (SQLite WAL, synchronous=FULL), " << a.threads
            << " submitting threads, " << a.seconds << " s each, 6 recipients per declaration\n";
  double naive = 0, grouped = 0;
  {
    World w = MakeWorld("http://127.0.0.1:9", 32);
    exchange::Outbox outbox(*w.db, *w.vault, *w.keys, SystemClock::Get(), "http://127.0.0.1:1");
    naive = Throughput(w, outbox, a.threads, a.seconds);
    store::GroupCommitter committer(*w.db);
    exchange::Outbox batched(*w.db, *w.vault, *w.keys, SystemClock::Get(), "http://127.0.0.1:1", &committer);
    grouped = Throughput(w, batched, a.threads, a.seconds);
    auto stats = committer.stats();
    std::printf("  commit per declaration (baseline): %8.0f declarations/s\n", naive);
    std::printf("  group commit:                      %8.0f declarations/s  (%.1f declarations per fsync)\n",
                grouped, stats.batches ? static_cast<double>(stats.writes) / static_cast<double>(stats.batches) : 0.0);
    std::printf("  ratio group / baseline:            %8.2fx\n", naive > 0 ? grouped / naive : 0.0);
    fs::remove_all(w.dir);
  }

  // 2. Fan-out latency to the agencies.
  std::unique_ptr<InProcessReceiver> local;
  std::unique_ptr<SimProcess> sim;
  const fs::path simdir = fs::temp_directory_path() / ("parcours-bench-sim-" + NewId());
  fs::create_directories(simdir);
  std::string url;
  if (!a.parcours.empty()) {
    sim = std::make_unique<SimProcess>(a.parcours, simdir);
  } else {
    local = std::make_unique<InProcessReceiver>();
    url = local->Url();
  }
  // The simulator needs the secrets before it starts: build the world with a placeholder URL
  // then point the services at the simulator.
  World w = MakeWorld(url.empty() ? "http://127.0.0.1:9" : url, 16);
  if (sim) {
    sim->Start(w.secrets);
    url = sim->Url();
    auto st = w.db->InTransaction([&](store::Transaction& tx) -> Status {
      return tx.Execute("UPDATE exchange_services SET endpoint = $1 || '/hooks/' || id", {url}).status();
    });
    if (!st.ok()) Die("endpoint", st);
  }
  store::GroupCommitter committer(*w.db);
  exchange::Outbox outbox(*w.db, *w.vault, *w.keys, SystemClock::Get(), "http://127.0.0.1:1", &committer);
  exchange::DeliveryOptions opts;
  opts.poll_interval = std::chrono::milliseconds(20);
  exchange::DeliveryWorker worker(*w.db, *w.keys, SystemClock::Get(), opts);
  worker.Start();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < a.fanout; ++i) {
    const std::string& person = w.people[i % w.people.size()];
    exchange::SubmitInput in;
    in.person_id = person;
    in.bundle_id = "changement-adresse";
    auto d = outbox.Submit(vault::Actor::Usager(person), in);
    if (!d.ok()) Die("submit", d.status());
    worker.Wake();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // ~200 declarations/s offered
  }
  const int64_t expected = static_cast<int64_t>(a.fanout) * 6;
  int64_t delivered = 0;
  for (int i = 0; i < 600 && delivered < expected; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto tx = w.db->BeginRead();
    delivered = (*tx)->Query("SELECT COUNT(*) FROM exchange_deliveries WHERE state = 'delivered'")->front().Int(0);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  worker.Stop();
  std::vector<int64_t> latencies;
  {
    auto tx = w.db->BeginRead();
    auto rows = (*tx)->Query("SELECT delivered_ms - created_ms FROM exchange_deliveries WHERE state = 'delivered'");
    for (const auto& r : *rows) latencies.push_back(r.Int(0));
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("exchange: fan-out to %s, %d declarations x 6 agencies at ~200 declarations/s\n",
              sim ? "the agency simulator (parcours agency-sim)" : "an in-process receiver", a.fanout);
  std::printf("  delivered %lld / %lld in %.1f s; latency accepted -> agency 2xx: p50 %.0f ms, p99 %.0f ms, max %.0f ms\n",
              static_cast<long long>(delivered), static_cast<long long>(expected), secs, Percentile(latencies, 0.5),
              Percentile(latencies, 0.99), Percentile(latencies, 1.0));
  std::printf("  peak memory of the bench process: %ld MiB\n", ru.ru_maxrss / 1024);
  sim.reset();
  fs::remove_all(w.dir);
  fs::remove_all(simdir);
  return 0;
}
