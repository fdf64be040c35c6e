// The exchange with agencies, end to end through the real binaries: `parcours serve` and the
// agency simulator `parcours agency-sim` as separate processes on loopback.
//   - Karim's change of address reaches six agencies, each with only what it needs, and their
//     statuses come back to his declaration;
//   - kill -9 of the server while declarations are submitted: every acknowledged declaration
//     is there after restart and every delivery reaches the simulator exactly once in effect;
//   - an agency outage: everything is delivered once it is back, none lost, none duplicated.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "harness.h"

namespace parcours::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

const std::map<std::string, std::string> kOrganisationOfService = {
    {"caf.adresse", "caf"},           {"cpam.adresse", "cpam"},       {"impots.adresse", "dgfip"},
    {"france-travail.adresse", "france-travail"}, {"retraite.adresse", "caisse-retraite"},
    {"energie.adresse", "fournisseur-energie"}};

// The agency simulator as a child process, stopped by PID.
class SimProcess {
 public:
  explicit SimProcess(const std::string& dir) : dir_(dir) {
    std::ofstream(dir_ + "/secrets.json") << "{}";
    std::ofstream(dir_ + "/keys.json") << "{}";
  }
  ~SimProcess() { Stop(); }
  bool Start() {
    const std::string bin = ParcoursBinary();
    pid_ = fork();
    if (pid_ == 0) {
      const std::string log = dir_ + "/sim.log";
      if (!freopen(log.c_str(), "w", stderr)) _exit(126);
      const std::string port_file = dir_ + "/sim.port", secrets = dir_ + "/secrets.json",
                        keys = dir_ + "/keys.json", db = "sqlite:" + dir_ + "/sim.db";
      execl(bin.c_str(), bin.c_str(), "agency-sim", "--listen", "127.0.0.1:0", "--port-file", port_file.c_str(),
            "--secrets", secrets.c_str(), "--callback-keys", keys.c_str(), "--callback-delay-ms", "20",
            "--database", db.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 300 && port_ == 0; ++i) {
      std::this_thread::sleep_for(50ms);
      std::ifstream in(dir_ + "/sim.port");
      in >> port_;
    }
    return port_ != 0;
  }
  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  HttpClient Client() const { return HttpClient(Url()); }
  json Stats() {
    auto r = Client().Get("/stats");
    return r.Json();
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string CsrfIn(const std::string& html) {
  static const std::regex re("name=\"csrf_token\" value=\"([^\"]+)\"");
  std::smatch m;
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

// Logs `client` in with the demo login as `role`; returns the session's CSRF token.
std::string DemoLogin(HttpClient& client, const std::string& role) {
  auto page = client.Get("/connexion");
  auto r = client.PostForm("/connexion/demo", {{"csrf_token", CsrfIn(page.body)}, {"role", role}, {"retour", "/compte"}});
  EXPECT_EQ(r.status, 303) << r.body;
  return CsrfIn(client.Get("/compte").body);  // the account page carries the logout form
}

class ExchangeE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parcours-exchange-e2e-" + std::to_string(getpid()) + "-" +
                                        std::to_string(counter_++));
    fs::create_directories(dir_);
    sim_ = std::make_unique<SimProcess>(dir_.string());
    ASSERT_TRUE(sim_->Start()) << "agency-sim did not start";
    ServerOptions o;
    o.env = {{"PARCOURS_DEMO", "1"},
             {"PARCOURS_AGENCY_SIM_URL", sim_->Url()},
             {"PARCOURS_DELIVERY_TIMEOUT_MS", "2000"},
             {"PARCOURS_DELIVERY_BASE_BACKOFF_MS", "50"},
             {"PARCOURS_DELIVERY_MAX_BACKOFF_MS", "400"},
             {"PARCOURS_DELIVERY_MAX_ATTEMPTS", "100"}};
    server_ = std::make_unique<ServerProcess>(o);
    ASSERT_TRUE(server_->Start().ok()) << server_->Stderr();
    // The simulator learns the services' secrets from the registry Parcours generated.
    auto secrets = RunParcours({"exchange", "secrets", "--database", server_->database_url(), "--out",
                                (dir_ / "secrets.json").string()},
                               {}, server_->dir());
    ASSERT_EQ(secrets.exit_code, 0) << secrets.err;

    // One API key per organisation, for the simulator's status callbacks.
    HttpClient admin = server_->Client();
    const std::string admin_csrf = DemoLogin(admin, "admin");
    json keys = json::object();
    for (const auto& [service, organisation] : kOrganisationOfService) {
      auto r = admin.PostJson("/api/v1/admin/organisations/" + organisation + "/api-keys",
                              {{"services", {service}}, {"label", "simulateur"}}, {{"X-CSRF-Token", admin_csrf}});
      ASSERT_EQ(r.status, 201) << r.body;
      keys[organisation] = r.Json()["secret"];
    }
    keys_ = keys;
    std::ofstream(dir_ / "keys.json") << keys.dump();

    // Karim: his new address and his consents, once.
    usager_ = std::make_unique<HttpClient>(server_->Client());
    csrf_ = DemoLogin(*usager_, "usager");
    person_ = usager_->Get("/api/v1/auth/me").Json().value("person_id", "");
    ASSERT_FALSE(person_.empty());
    auto w = usager_->PutJson("/api/v1/me/vault/attributes",
                              {{"attributes",
                                {{"individu . nom", "Benali"},
                                 {"individu . prénoms", "Karim"},
                                 {"individu . date de naissance", "1981-03-14"},
                                 {"contact . courriel", "karim.benali@example.org"},
                                 {"adresse . voie", "12 rue Servient"},
                                 {"adresse . code postal", "69003"},
                                 {"adresse . commune", "69383"}}}},
                              {{"X-CSRF-Token", csrf_}});
    ASSERT_EQ(w.status, 200) << w.body;
    for (const auto& [service, organisation] : kOrganisationOfService) {
      auto c = usager_->PostJson("/api/v1/me/vault/consents", {{"service_id", service}, {"purpose", "changement-adresse"}},
                                 {{"X-CSRF-Token", csrf_}});
      ASSERT_EQ(c.status, 201) << c.body;
    }
  }
  void TearDown() override {
    usager_.reset();
    server_.reset();
    sim_.reset();
    if (!getenv("PARCOURS_KEEP_TEST_DIR")) fs::remove_all(dir_);
  }

  // A restarted server listens on a new port: log in again (the demo usager is the same person).
  void Reconnect() {
    usager_ = std::make_unique<HttpClient>(server_->Client());
    csrf_ = DemoLogin(*usager_, "usager");
    ASSERT_EQ(usager_->Get("/api/v1/auth/me").Json().value("person_id", ""), person_);
  }

  HttpResponse Declare(const std::string& key) {
    return usager_->PostJson("/api/v1/persons/" + person_ + "/declarations", {{"bundle", "changement-adresse"}},
                             {{"X-CSRF-Token", csrf_}, {"Idempotency-Key", key}});
  }
  // Waits until no delivery is pending; returns false after `timeout`.
  bool WaitDelivered(std::chrono::seconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      auto r = usager_->Get("/api/v1/persons/" + person_ + "/declarations?limit=500");
      bool pending = r.status != 200;
      const json body = r.status == 200 ? r.Json() : json::object();
      for (const auto& d : body.value("declarations", json::array())) {
        for (const auto& v : d["deliveries"]) pending = pending || v["transport_state"] == "pending";
      }
      if (!pending) return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  static inline int counter_ = 0;
  fs::path dir_;
  std::unique_ptr<SimProcess> sim_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> usager_;
  std::string csrf_, person_;
  json keys_;
};

TEST_F(ExchangeE2E, ChangeOfAddressReachesSixAgenciesEachWithWhatItNeedsAndStatusesComeBack) {
  // Karim's move, started before he declares it.
  auto journey = usager_->PostJson("/api/v1/me/journeys",
                                   {{"event_id", "demenager"},
                                    {"event_date", "2026-12-20"},
                                    {"answers", {{"foyer . allocataire caf", true}, {"personne . retraité", true},
                                                 {"personne . demandeur d'emploi", false}}}},
                                   {{"X-CSRF-Token", csrf_}});
  ASSERT_EQ(journey.status, 201) << journey.body;
  const std::string journey_path = "/api/v1/me/journeys/" + journey.Json()["id"].get<std::string>();
  auto r = Declare("karim-demenagement-1");
  ASSERT_EQ(r.status, 201) << r.body;
  const json decl = r.Json();
  ASSERT_EQ(decl["deliveries"].size(), 6u);
  // Replaying the same key declares nothing new.
  auto again = Declare("karim-demenagement-1");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.Json()["id"], decl["id"]);

  // Every agency accepts (the simulator posts recue, en_instruction, acceptee back).
  json last;
  for (int i = 0; i < 150; ++i) {
    last = usager_->Get("/api/v1/persons/" + person_ + "/declarations/" + decl["id"].get<std::string>()).Json();
    int accepted = 0;
    for (const auto& d : last["deliveries"]) accepted += d["status"] == "acceptee";
    if (accepted == 6) break;
    std::this_thread::sleep_for(200ms);
  }
  for (const auto& d : last["deliveries"]) {
    EXPECT_EQ(d["transport_state"], "delivered") << d.dump();
    EXPECT_EQ(d["status"], "acceptee") << d.dump();
  }
  EXPECT_EQ(sim_->Stats()["unique"], 6);

  // Each agency received only the attributes it declared (and the person holds).
  for (const auto& d : last["deliveries"]) {
    auto got = sim_->Client().Get("/received/" + d["id"].get<std::string>());
    ASSERT_EQ(got.status, 200);
    const json attributes = got.Json()["body"]["data"]["attributes"];
    const std::set<std::string> declared(d["attributes"].begin(), d["attributes"].end());
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
      EXPECT_TRUE(declared.count(it.key())) << it.key();
    }
    if (d["service"] == "energie.adresse") {
      EXPECT_TRUE(attributes.contains("contact . courriel"));
      EXPECT_FALSE(attributes.contains("individu . date de naissance"));
    }
    if (d["service"] == "caf.adresse") {
      EXPECT_FALSE(attributes.contains("contact . courriel"));
    }
  }

  // The person sees the agencies' statuses on the page too.
  auto page = usager_->Get("/mes-declarations");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Acceptée"), std::string::npos);

  // And in his plan (journeys/sync.h, a few seconds behind): the declaration and the steps of the
  // agencies that accepted it are done; France Travail's does not concern him.
  std::map<std::string, std::string> steps;
  for (int i = 0; i < 100; ++i) {
    steps.clear();
    auto plan = usager_->Get(journey_path);
    ASSERT_EQ(plan.status, 200) << plan.body;
    const json body = plan.Json();
    for (const auto& s : body["steps"]) steps[s["id"]] = s["status"];
    if (steps["adresse-caf"] == "terminee" && steps["energie"] == "terminee") break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(steps["declaration-adresse"], "terminee");
  for (const char* step :
       {"adresse-caf", "adresse-assurance-maladie", "adresse-impots", "adresse-retraite", "energie"}) {
    EXPECT_EQ(steps[step], "terminee") << step;
  }
  EXPECT_EQ(steps["adresse-france-travail"], "non_concernee");
  EXPECT_EQ(steps["reexpedition-courrier"], "a_faire");  // fulfilled by nothing in Parcours
}

TEST_F(ExchangeE2E, AgenciesCannotForgeOrSkipStatusesAndSignalsAreCheckedCloudEvents) {
  auto r = Declare("k-statuses");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string caf_delivery;
  const json declared = r.Json();
  for (const auto& d : declared["deliveries"]) {
    if (d["service"] == "caf.adresse") caf_delivery = d["id"];
  }
  ASSERT_TRUE(WaitDelivered(30s));
  HttpClient cpam(server_->base_url()), caf(server_->base_url());
  const HeaderList cpam_key = {{"Authorization", "Bearer " + keys_["cpam"].get<std::string>()}};
  const HeaderList caf_key = {{"Authorization", "Bearer " + keys_["caf"].get<std::string>()}};
  const std::string path = "/api/v1/agency/deliveries/" + caf_delivery + "/status";
  // Another organisation cannot touch CAF's dossier.
  auto forged = cpam.PostJson(path, {{"status", "refusee"}}, cpam_key);
  EXPECT_TRUE(forged.status == 403 || forged.status == 404) << forged.body;
  EXPECT_EQ(forged.Header("Content-Type").find("application/problem+json"), 0u);
  // Unknown status, malformed JSON, no key.
  EXPECT_EQ(caf.PostJson(path, {{"status", "bof"}}, caf_key).status, 422) << path;
  EXPECT_EQ(caf.Post(path, "{\"status\":", "application/json", caf_key).status, 400);
  EXPECT_EQ(HttpClient(server_->base_url()).PostJson(path, {{"status", "recue"}}).status, 401);
  // Wait for the simulator's own callbacks to finish, then an illegal move.
  for (int i = 0; i < 100; ++i) {
    auto d = usager_->Get("/api/v1/persons/" + person_ + "/declarations/" + declared["id"].get<std::string>()).Json();
    bool done = true;
    for (const auto& v : d["deliveries"]) done = done && v["status"] == "acceptee";
    if (done) break;
    std::this_thread::sleep_for(100ms);
  }
  auto illegal = caf.PostJson(path, {{"status", "recue"}}, caf_key);
  EXPECT_EQ(illegal.status, 409) << illegal.body;
  EXPECT_EQ(illegal.Json()["code"], "exchange.illegal_transition");
  EXPECT_EQ(caf.PostJson(path, {{"status", "payee"}, {"message", "Versement effectué"}}, caf_key).status, 200);

  // Life-event signals: CloudEvents 1.0, accepted once per (source, id).
  json ce = {{"specversion", "1.0"}, {"id", "naissance-1"}, {"source", "/mairies/33063"},
             {"type", "fr.gouv.etat-civil.naissance.enregistree"}, {"subject", person_}, {"data", {{"date", "2026-11-19"}}}};
  auto s1 = caf.Post("/api/v1/agency/events", ce.dump(), "application/cloudevents+json", caf_key);
  EXPECT_EQ(s1.status, 202) << s1.body;
  auto s2 = caf.Post("/api/v1/agency/events", ce.dump(), "application/cloudevents+json", caf_key);
  EXPECT_EQ(s2.status, 200);
  EXPECT_TRUE(s2.Json()["duplicate"].get<bool>());
  ce["specversion"] = "0.3";
  auto bad = caf.Post("/api/v1/agency/events", ce.dump(), "application/cloudevents+json", caf_key);
  EXPECT_EQ(bad.status, 422) << bad.body;
  json huge = ce;
  huge["specversion"] = "1.0";
  huge["id"] = "huge";
  huge["data"] = {{"blob", std::string(80000, 'x')}};
  auto too_big = caf.Post("/api/v1/agency/events", huge.dump(), "application/cloudevents+json", caf_key);
  EXPECT_TRUE(too_big.status == 413) << too_big.status;
}

TEST_F(ExchangeE2E, KillNineWhileDeclaringLosesNothingAndDeliversEachOnce) {
  std::set<std::string> acknowledged;  // declaration ids the server answered 2xx for
  std::vector<std::string> keys_sent;
  int next = 0;
  for (int round = 0; round < 3; ++round) {
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::thread client([&] {
      while (!stop.load()) {
        std::string key;
        {
          std::lock_guard<std::mutex> lock(mu);
          key = "kill9-" + std::to_string(next++);
          keys_sent.push_back(key);
        }
        auto r = Declare(key);
        if (r.status == 201 || r.status == 200) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.insert(r.Json()["id"].get<std::string>());
        }
        // At most ~60 declarations a second, so that three rounds stay well under the listing
        // limit on a fast machine while the kill still lands in the middle of the stream.
        std::this_thread::sleep_for(15ms);
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(1200 + 300 * round));
    server_->Kill9();
    stop = true;
    client.join();
    ASSERT_TRUE(server_->Restart().ok()) << server_->Stderr();
    ASSERT_NO_FATAL_FAILURE(Reconnect());
  }
  ASSERT_GT(acknowledged.size(), 3u);
  ASSERT_TRUE(WaitDelivered(90s)) << "deliveries still pending";

  // Every acknowledged declaration is there, with its six deliveries delivered.
  auto list = usager_->Get("/api/v1/persons/" + person_ + "/declarations?limit=500");
  ASSERT_EQ(list.status, 200);
  std::set<std::string> stored;
  size_t deliveries = 0;
  const json all = list.Json();
  for (const auto& d : all["declarations"]) {
    stored.insert(d["id"].get<std::string>());
    deliveries += d["deliveries"].size();
    for (const auto& v : d["deliveries"]) EXPECT_EQ(v["transport_state"], "delivered");
  }
  ASSERT_LT(stored.size(), 500u) << "raise the listing limit";
  for (const auto& id : acknowledged) {
    EXPECT_TRUE(stored.count(id)) << "lost acknowledged declaration " << id;
    EXPECT_EQ(usager_->Get("/api/v1/persons/" + person_ + "/declarations/" + id).status, 200) << id;
  }
  // Exactly once in effect: one stored row per delivery at the agencies, whatever the retries.
  const json stats = sim_->Stats();
  EXPECT_EQ(stats["unique"].get<size_t>(), deliveries) << stats.dump();
  // A key the server acknowledged before a crash still names the same declaration.
  auto replay = Declare("kill9-0");
  EXPECT_TRUE(replay.status == 200 || replay.status == 201);
  ASSERT_TRUE(replay.Json().is_object()) << replay.body;
  EXPECT_TRUE(stored.count(replay.Json().value("id", "")));
}

TEST_F(ExchangeE2E, AgencyOutageThenEverythingArrivesOnceNoneLostNoneDuplicated) {
  ASSERT_EQ(sim_->Client().PostJson("/control/outage", {{"down", true}}).status, 200);
  std::set<std::string> ids;
  for (int i = 0; i < 15; ++i) {
    auto r = Declare("outage-" + std::to_string(i));
    ASSERT_EQ(r.status, 201) << r.body;
    ids.insert(r.Json()["id"].get<std::string>());
  }
  std::this_thread::sleep_for(1500ms);
  // While the agencies are down, deliveries wait and retry: nothing is marked delivered.
  auto during = usager_->Get("/api/v1/persons/" + person_ + "/declarations").Json();
  int retried = 0;
  for (const auto& d : during.value("declarations", json::array())) {
    for (const auto& v : d["deliveries"]) {
      EXPECT_EQ(v["transport_state"], "pending");
      retried += v["attempts"].get<int>() > 1;
    }
  }
  EXPECT_GT(retried, 0);
  EXPECT_GT(sim_->Stats()["refused"].get<int>(), 0);
  ASSERT_EQ(sim_->Client().PostJson("/control/outage", {{"down", false}}).status, 200);
  ASSERT_TRUE(WaitDelivered(60s));
  EXPECT_EQ(sim_->Stats()["unique"].get<size_t>(), ids.size() * 6);
}

}  // namespace
}  // namespace parcours::harness
