// Exchange tests: signatures, backoff, registry, declarations fanned out through the consent
// gate, delivery to a real HTTP receiver (retries, dead letters, replay), agency statuses and
// life-event signals.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/exchange/delivery.h"
#include "parcours/exchange/inbound.h"
#include "parcours/exchange/outbox.h"
#include "parcours/exchange/registry.h"
#include "parcours/exchange/runtime.h"
#include "parcours/exchange/webhook.h"
#include "parcours/http/router.h"
#include "parcours/http/server.h"
#include "parcours/store/events.h"
#include "parcours/store/group_commit.h"
#include "parcours/store/migrations.h"
#include "parcours/store/store.h"
#include "parcours/vault/vault.h"

namespace parcours::exchange {
namespace {

namespace fs = std::filesystem;

TEST(WebhookTest, MatchesStandardWebhooksVector) {
  // The example of the Standard Webhooks specification.
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const std::string body = R"({"test": 2432232314})";
  auto sig = SignWebhook(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(*sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  EXPECT_TRUE(VerifyWebhook(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", body, "v0,xx " + *sig,
                            1614265330 + 10)
                  .ok());
  EXPECT_EQ(VerifyWebhook(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", body + " ", *sig, 1614265330).reason(),
            "webhook.bad_signature");
  EXPECT_EQ(VerifyWebhook(secret, "msg_other", "1614265330", body, *sig, 1614265330).reason(), "webhook.bad_signature");
  EXPECT_EQ(VerifyWebhook(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", body, *sig, 1614265330 + 3600).reason(),
            "webhook.stale");
  EXPECT_EQ(VerifyWebhook(secret, "m", "12x", body, *sig, 12).reason(), "webhook.bad_timestamp");
  EXPECT_FALSE(SignWebhook("whsec_!!", "m", 1, body).ok());
  EXPECT_EQ(NewWebhookSecret().rfind("whsec_", 0), 0u);
  EXPECT_NE(NewWebhookSecret(), NewWebhookSecret());
}

TEST(BackoffTest, ExponentialWithJitterAndCap) {
  DeliveryOptions o;
  o.base_backoff = std::chrono::milliseconds(1000);
  o.max_backoff = std::chrono::milliseconds(60000);
  for (int attempt = 1; attempt <= 12; ++attempt) {
    const int64_t d = std::min<int64_t>(60000, 1000LL << (attempt - 1));
    for (int i = 0; i < 50; ++i) {
      const int64_t got = BackoffDelay(o, attempt).count();
      ASSERT_GE(got, d / 2) << attempt;
      ASSERT_LE(got, d) << attempt;
    }
  }
}

TEST(TransitionTest, AgencyStatusMachine) {
  EXPECT_TRUE(IsAllowedTransition("envoyee", "recue"));
  EXPECT_TRUE(IsAllowedTransition("recue", "en_instruction"));
  EXPECT_TRUE(IsAllowedTransition("informations_demandees", "en_instruction"));
  EXPECT_TRUE(IsAllowedTransition("acceptee", "payee"));
  EXPECT_FALSE(IsAllowedTransition("refusee", "acceptee"));
  EXPECT_FALSE(IsAllowedTransition("payee", "recue"));
  EXPECT_FALSE(IsAllowedTransition("envoyee", "payee"));
  EXPECT_EQ(AgencyStatusLabel("en_instruction"), "En cours d'instruction");
  EXPECT_EQ(AgencyStatusLabel("acceptee", "en"), "Accepted");
}

// A receiving agency: a real HTTP server that verifies signatures and can be told to fail.
class Receiver {
 public:
  // `secrets` (service id -> secret) is read at each request and must outlive the receiver.
  explicit Receiver(const std::map<std::string, std::string>* secrets) : secrets_(secrets) {
    router_.Add("POST", "/hooks/{service}", [this](http::Request& req) {
      std::lock_guard<std::mutex> lock(mu_);
      if (fail_) return http::Response::Json({{"error", "down"}}, 503);
      const auto& secret = secrets_->at(req.Param("service"));
      Status st = VerifyWebhook(secret, req.Header("webhook-id"), req.Header("webhook-timestamp"), req.body,
                                req.Header("webhook-signature"), SystemClock::Get().NowMillis() / 1000);
      if (!st.ok()) return http::Response::Json({{"error", st.reason()}}, 401);
      EXPECT_EQ(req.Header("Idempotency-Key"), req.Header("webhook-id"));
      received_[std::string(req.Header("webhook-id"))].push_back(nlohmann::json::parse(req.body));
      return http::Response::Json({{"ok", true}});
    });
    http::ServerOptions o;
    o.port = 0;
    o.threads = 2;
    server_ = http::Server::Create(o, router_);
    EXPECT_TRUE(server_->Listen().ok());
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~Receiver() {
    server_->Stop();
    thread_.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_->BoundPort()); }
  void SetFailing(bool f) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_ = f;
  }
  std::map<std::string, std::vector<nlohmann::json>> Received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  const std::map<std::string, std::string>* secrets_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  std::mutex mu_;
  bool fail_ = false;
  std::map<std::string, std::vector<nlohmann::json>> received_;
};

class ExchangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parcours-exchange-" + NewId());
    fs::create_directories(dir_);
    auto db = store::Database::Open({"sqlite:" + (dir_ / "db.sqlite").string()});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrate(*db_).ok());
    key_line_ = vault::KeyRing::GenerateKeyLine();
    auto keys = vault::KeyRing::Parse(key_line_);
    ASSERT_TRUE(keys.ok());
    keys_ = std::make_unique<vault::KeyRing>(std::move(*keys));
    vault_ = vault::NewVault(*db_, clock_, *keys_,
                             std::make_shared<const vault::AttributeRegistry>(vault::AttributeRegistry::Default()));

    // Three services of one bundle; the person consents to two of them.
    for (const char* id : {"caf.adresse", "cpam.adresse", "impots.adresse"}) {
      ServiceDef s;
      s.id = id;
      s.organisation = std::string(id).substr(0, std::string(id).find('.'));
      s.name_fr = s.name_en = id;
      s.endpoint = receiver_.Url() + "/hooks/" + id;
      s.purpose = "changement-adresse";
      s.purpose_label = "Mettre à jour votre adresse";
      s.legal_basis = "Ordonnance n° 2005-395 du 28 avril 2005";
      s.attributes = {"adresse . code postal", "adresse . commune", "individu . NIR"};
      s.secret = NewWebhookSecret();
      secrets_[id] = s.secret;
      services_.push_back(s);
    }
    RegistryFile file{services_, {{"changement-adresse", "Changement d'adresse", "Change of address",
                                   {"caf.adresse", "cpam.adresse", "impots.adresse"}}}};
    ASSERT_TRUE(SyncRegistry(*db_, file, clock_.NowMillis()).ok());
    for (const auto& s : services_) {
      ASSERT_TRUE(vault_->RegisterService(vault::Actor::Platform("exchange"), VaultDeclaration(s)).ok());
    }
    auto person = vault_->CreatePerson(vault::Actor::Platform("test"));
    ASSERT_TRUE(person.ok()) << person.status().ToString();
    person_ = *person;
    const vault::Actor me = vault::Actor::Usager(person_);
    const vault::Purpose purpose{"test", "Test", "web"};
    ASSERT_TRUE(vault_
                    ->Write(me, person_,
                            {{"adresse . code postal", "69003", {}, {}, {}, {}},
                             {"adresse . commune", "69383", {}, {}, {}, {}},
                             {"individu . NIR", "184127645108946", {}, {}, {}, {}}},
                            purpose)
                    .ok());
    vault::ConsentGrant caf{"caf.adresse", "changement-adresse", {"adresse . code postal", "adresse . commune"}, {}, "web"};
    ASSERT_TRUE(vault_->GrantConsent(me, person_, caf).ok());
    vault::ConsentGrant cpam{"cpam.adresse", "changement-adresse", {}, {}, "web"};
    ASSERT_TRUE(vault_->GrantConsent(me, person_, cpam).ok());
    outbox_ = std::make_unique<Outbox>(*db_, *vault_, *keys_, clock_, "http://127.0.0.1:1");
  }
  void TearDown() override {
    outbox_.reset();
    vault_.reset();
    db_.reset();
    fs::remove_all(dir_);
  }
  SubmitInput Input(const std::string& key, const std::string& channel) const {
    SubmitInput in;
    in.person_id = person_;
    in.bundle_id = "changement-adresse";
    in.idempotency_key = key;
    in.channel = channel;
    return in;
  }
  DeliveryOptions FastOptions() {
    DeliveryOptions o;
    o.max_attempts = 3;
    o.base_backoff = std::chrono::milliseconds(1);
    o.max_backoff = std::chrono::milliseconds(2);
    o.request_timeout = std::chrono::milliseconds(3000);
    o.lease = std::chrono::milliseconds(5000);
    return o;
  }
  int CountEvents(const std::string& type) {
    auto tx = db_->BeginRead();
    auto rows = (*tx)->Query("SELECT COUNT(*) FROM events WHERE type = $1", {type});
    return static_cast<int>(rows->front().Int(0));
  }

  fs::path dir_;
  SystemClock clock_;
  std::map<std::string, std::string> secrets_;
  Receiver receiver_{&secrets_};
  std::unique_ptr<store::Database> db_;
  std::string key_line_;
  std::unique_ptr<vault::KeyRing> keys_;
  std::unique_ptr<vault::Vault> vault_;
  std::vector<ServiceDef> services_;
  std::string person_;
  std::unique_ptr<Outbox> outbox_;
};

TEST_F(ExchangeTest, RegistryKeepsSecretsAcrossSyncAndRejectsBadDefinitions) {
  auto tx = db_->BeginRead();
  auto caf = GetService(**tx, "caf.adresse");
  ASSERT_TRUE(caf.ok());
  EXPECT_EQ(caf->secret, secrets_["caf.adresse"]);
  tx->reset();
  ServiceDef changed = services_[0];
  changed.secret.clear();
  changed.expected_delay_days = 12;
  ASSERT_TRUE(SyncRegistry(*db_, {{changed}, {}}, 0).ok());
  auto tx2 = db_->BeginRead();
  auto again = GetService(**tx2, "caf.adresse");
  EXPECT_EQ(again->secret, secrets_["caf.adresse"]);
  EXPECT_EQ(again->expected_delay_days, 12);
  ServiceDef bad = services_[0];
  bad.endpoint = "ftp://x";
  EXPECT_EQ(ValidateService(bad).reason(), "exchange.bad_endpoint");
  bad = services_[0];
  bad.attributes.clear();
  EXPECT_EQ(ValidateService(bad).reason(), "exchange.bad_service");
  EXPECT_EQ(GetBundle(**tx2, "nope").status().reason(), "exchange.unknown_bundle");
}

TEST_F(ExchangeTest, RegistryFileErrorsNameTheLine) {
  const fs::path f = dir_ / "exchange.yaml";
  std::ofstream(f) << "services:\n  caf.x:\n    organisation: caf\n    name: {fr: a, en: b}\n"
                      "    endpoint: \"{agency_sim}/hooks/caf.x\"\n    purpose: p\n    purpose_label: l\n"
                      "    legal_basis: b\n    attributes: [a]\nbundles:\n  b1:\n    title: {fr: t, en: t}\n"
                      "    services: [caf.x, missing]\n";
  auto r = LoadRegistryFile(f, "http://sim");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("exchange.yaml:12"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("missing"), std::string::npos);
  std::ofstream(f) << "services:\n  caf.x:\n    organisation: caf\n    name: {fr: a, en: b}\n"
                      "    endpoint: \"{agency_sim}/hooks/caf.x\"\n    purpose: p\n    purpose_label: l\n"
                      "    legal_basis: b\n    attributes: [a]\n";
  auto ok = LoadRegistryFile(f, "http://sim");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->services[0].endpoint, "http://sim/hooks/caf.x");
}

TEST_F(ExchangeTest, KeyRotationResealsPendingPayloads) {
  auto decl = outbox_->Submit(vault::Actor::Usager(person_), Input("k-rot", "web"));
  ASSERT_TRUE(decl.ok()) << decl.status().ToString();
  const std::string new_line = vault::KeyRing::GenerateKeyLine();
  auto both = vault::KeyRing::Parse(key_line_ + "\n" + new_line);
  auto only_new = vault::KeyRing::Parse(new_line);
  ASSERT_TRUE(both.ok() && only_new.ok());
  // Without the old key, rotation refuses rather than losing the payloads.
  EXPECT_EQ(ResealPayloads(*db_, *only_new).status().reason(), "vault.unknown_key");
  auto resealed = ResealPayloads(*db_, *both);
  ASSERT_TRUE(resealed.ok()) << resealed.status().ToString();
  EXPECT_EQ(*resealed, 2);  // the two consented deliveries; the skipped one has no payload
  EXPECT_EQ(*ResealPayloads(*db_, *both), 0);
  // The old key can go: the worker opens every payload with the new one alone.
  DeliveryWorker worker(*db_, *only_new, clock_, FastOptions());
  auto sent = worker.RunOnce();
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(*sent, 2);
  EXPECT_EQ(receiver_.Received().size(), 2u);
}

TEST_F(ExchangeTest, DeclarationReachesOnlyConsentedServicesWithOnlyConsentedData) {
  auto decl = outbox_->Submit(vault::Actor::Usager(person_), Input("k-1", "web"));
  ASSERT_TRUE(decl.ok()) << decl.status().ToString();
  ASSERT_EQ(decl->deliveries.size(), 3u);
  std::map<std::string, DeliveryView> by_service;
  for (const auto& d : decl->deliveries) by_service[d.service_id] = d;
  EXPECT_EQ(by_service["caf.adresse"].state, "pending");
  EXPECT_EQ(by_service["cpam.adresse"].state, "pending");
  EXPECT_EQ(by_service["impots.adresse"].state, "skipped");  // no consent: nothing sent
  EXPECT_EQ(by_service["impots.adresse"].agency_status, "non_transmise");
  EXPECT_EQ(by_service["caf.adresse"].attributes,
            (std::vector<std::string>{"adresse . code postal", "adresse . commune"}));
  EXPECT_EQ(CountEvents("fr.parcours.declaration.submitted"), 1);

  // The sealed payload is not in clear in the database file.
  {
    std::ifstream in(dir_ / "db.sqlite", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("184127645108946"), std::string::npos);
  }

  DeliveryWorker worker(*db_, *keys_, clock_, FastOptions());
  auto sent = worker.RunOnce();
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(*sent, 2);
  auto received = receiver_.Received();
  ASSERT_EQ(received.size(), 2u);
  const auto& caf_body = received[by_service["caf.adresse"].id].at(0);
  EXPECT_EQ(caf_body["type"], "fr.parcours.declaration.changement-adresse");
  EXPECT_EQ(caf_body["data"]["attributes"]["adresse . code postal"], "69003");
  EXPECT_FALSE(caf_body["data"]["attributes"].contains("individu . NIR"));  // declared, not consented
  const auto& cpam_body = received[by_service["cpam.adresse"].id].at(0);
  EXPECT_EQ(cpam_body["data"]["attributes"]["individu . NIR"], "184127645108946");

  auto after = outbox_->Get(decl->id);
  for (const auto& d : after->deliveries) {
    if (d.service_id != "impots.adresse") {
      EXPECT_EQ(d.state, "delivered");
      EXPECT_EQ(d.attempts, 1);
    }
  }
  EXPECT_EQ(CountEvents("fr.parcours.delivery.delivered"), 2);
  EXPECT_EQ(*worker.RunOnce(), 0);  // nothing left to send

  // The same idempotency key returns the same declaration, nothing new is queued.
  auto again = outbox_->Submit(vault::Actor::Usager(person_), Input("k-1", "web"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->id, decl->id);
  EXPECT_EQ(CountEvents("fr.parcours.declaration.submitted"), 1);
}

TEST_F(ExchangeTest, OnlyTheChosenServicesAreInformed) {
  SubmitInput in = Input("", "web");
  in.services = {"cpam.adresse"};
  auto decl = outbox_->Submit(vault::Actor::Usager(person_), in);
  ASSERT_TRUE(decl.ok()) << decl.status().ToString();
  ASSERT_EQ(decl->deliveries.size(), 1u);
  EXPECT_EQ(decl->deliveries[0].service_id, "cpam.adresse");
  in.services = {"cpam.adresse", "ants.carte-grise"};
  EXPECT_EQ(outbox_->Submit(vault::Actor::Usager(person_), in).status().reason(), "exchange.service_not_in_bundle");
}

TEST_F(ExchangeTest, ConcurrentDeclarationsThroughGroupCommitAreAllDurable) {
  store::GroupCommitter committer(*db_);
  Outbox grouped(*db_, *vault_, *keys_, clock_, "http://127.0.0.1:1", &committer);
  constexpr int kThreads = 6, kEach = 15;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string key = "k-" + std::to_string(t) + "-" + std::to_string(i);
        auto d = grouped.Submit(vault::Actor::Usager(person_), Input(key, "web"));
        if (!d.ok() || d->deliveries.size() != 3) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto tx = db_->BeginRead();
  EXPECT_EQ((*tx)->Query("SELECT COUNT(*) FROM exchange_requests")->front().Int(0), kThreads * kEach);
  EXPECT_EQ((*tx)->Query("SELECT COUNT(*) FROM exchange_deliveries")->front().Int(0), 3 * kThreads * kEach);
  EXPECT_EQ(CountEvents("fr.parcours.declaration.submitted"), kThreads * kEach);
  // A replayed key through the committer still returns the first declaration.
  auto again = grouped.Submit(vault::Actor::Usager(person_), Input("k-0-0", "web"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->replayed);
}

TEST_F(ExchangeTest, FailuresRetryThenDeadLetterThenReplay) {
  receiver_.SetFailing(true);
  auto decl = outbox_->Submit(vault::Actor::Usager(person_), Input("", "counter"));
  ASSERT_TRUE(decl.ok());
  DeliveryWorker worker(*db_, *keys_, clock_, FastOptions());
  for (int round = 0; round < 3; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // past the backoff
    ASSERT_EQ(*worker.RunOnce(), 2) << round;
  }
  auto dead = outbox_->ListDeliveries("dead");
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 2u);
  EXPECT_EQ((*dead)[0].attempts, 3);
  EXPECT_EQ((*dead)[0].last_error.value_or(""), "HTTP 503");
  EXPECT_EQ(CountEvents("fr.parcours.delivery.failed"), 4);
  EXPECT_EQ(CountEvents("fr.parcours.delivery.dead_lettered"), 2);
  EXPECT_EQ(*worker.RunOnce(), 0);

  receiver_.SetFailing(false);
  EXPECT_TRUE(outbox_->Replay((*dead)[0].id, "admin:1").ok());
  EXPECT_EQ(outbox_->Replay((*dead)[0].id, "admin:1").reason(), "exchange.not_dead_letter");
  EXPECT_EQ(*worker.RunOnce(), 1);
  EXPECT_EQ(receiver_.Received().size(), 1u);
}

TEST_F(ExchangeTest, BackgroundWorkerDeliversAfterWake) {
  DeliveryWorker worker(*db_, *keys_, clock_, FastOptions());
  worker.Start();
  auto decl = outbox_->Submit(vault::Actor::Usager(person_), Input("", "web"));
  ASSERT_TRUE(decl.ok());
  worker.Wake();
  for (int i = 0; i < 200 && receiver_.Received().size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  worker.Stop();
  EXPECT_EQ(receiver_.Received().size(), 2u);
}

TEST_F(ExchangeTest, AgencyStatusesFollowTheMachineAndStayWithinTheOrganisation) {
  auto decl = outbox_->Submit(vault::Actor::Usager(person_), Input("", "web"));
  ASSERT_TRUE(decl.ok());
  std::string caf_delivery, impots_delivery;
  for (const auto& d : decl->deliveries) {
    if (d.service_id == "caf.adresse") caf_delivery = d.id;
    if (d.service_id == "impots.adresse") impots_delivery = d.id;
  }
  auto r = UpdateDeliveryStatus(*db_, clock_, "caf", caf_delivery, {"recue", "", "CAF-123"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r);
  EXPECT_FALSE(*UpdateDeliveryStatus(*db_, clock_, "caf", caf_delivery, {"recue", "", ""}));  // a retry
  EXPECT_EQ(UpdateDeliveryStatus(*db_, clock_, "caf", caf_delivery, {"payee", "", ""}).status().reason(),
            "exchange.illegal_transition");
  EXPECT_EQ(UpdateDeliveryStatus(*db_, clock_, "cpam", caf_delivery, {"acceptee", "", ""}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(UpdateDeliveryStatus(*db_, clock_, "caf", caf_delivery, {"bof", "", ""}).status().reason(),
            "exchange.unknown_status");
  EXPECT_EQ(UpdateDeliveryStatus(*db_, clock_, "caf", caf_delivery, {"informations_demandees", "", ""})
                .status()
                .reason(),
            "exchange.message_required");
  EXPECT_EQ(UpdateDeliveryStatus(*db_, clock_, "impots", impots_delivery, {"recue", "", ""}).status().reason(),
            "exchange.illegal_transition");
  ASSERT_TRUE(UpdateDeliveryStatus(*db_, clock_, "caf", caf_delivery, {"acceptee", "Adresse mise à jour", ""}).ok());
  auto view = outbox_->Get(decl->id);
  for (const auto& d : view->deliveries) {
    if (d.id == caf_delivery) {
      EXPECT_EQ(d.agency_status, "acceptee");
      EXPECT_EQ(d.agency_message.value_or(""), "Adresse mise à jour");
      EXPECT_EQ(d.agency_reference.value_or(""), "CAF-123");
    }
  }
  EXPECT_EQ(CountEvents("fr.parcours.delivery.status_changed"), 2);
}

TEST_F(ExchangeTest, WorkQueueListsTheOrganisationsOpenDossiersOldestFirst) {
  auto first = outbox_->Submit(vault::Actor::Usager(person_), Input("q-1", "web"));
  ASSERT_TRUE(first.ok());
  auto second = outbox_->Submit(vault::Actor::Usager(person_), Input("q-2", "counter"));
  ASSERT_TRUE(second.ok());
  auto caf_of = [](const Declaration& d) {
    for (const auto& v : d.deliveries) {
      if (v.service_id == "caf.adresse") return v.id;
    }
    return std::string();
  };
  auto queue = outbox_->ListForOrganisation("caf", "");
  ASSERT_TRUE(queue.ok()) << queue.status().ToString();
  ASSERT_EQ(queue->size(), 2u);
  EXPECT_EQ((*queue)[0].id, caf_of(*first));  // oldest first
  EXPECT_EQ((*queue)[1].id, caf_of(*second));
  EXPECT_EQ((*queue)[0].person_id, person_);
  EXPECT_TRUE(outbox_->ListForOrganisation("impots", "")->empty());  // skipped: nothing to work on

  // An agent's move goes through the same machine and says who moved it.
  const StatusActor agent{"agent:u-1", "web"};
  ASSERT_TRUE(UpdateDeliveryStatus(*db_, clock_, "caf", caf_of(*first), {"acceptee", "", ""}, agent).ok());
  EXPECT_EQ(UpdateDeliveryStatus(*db_, clock_, "caf", caf_of(*first), {"recue", "", ""}, agent).status().reason(),
            "exchange.illegal_transition");
  EXPECT_EQ(outbox_->ListForOrganisation("caf", "acceptee")->size(), 1u);
  EXPECT_EQ(outbox_->ListForOrganisation("caf", "envoyee")->size(), 1u);
  ASSERT_TRUE(UpdateDeliveryStatus(*db_, clock_, "caf", caf_of(*first), {"payee", "", ""}).ok());
  EXPECT_EQ(outbox_->ListForOrganisation("caf", "")->size(), 1u);  // paid: no longer open
  EXPECT_EQ(outbox_->ListForOrganisation("caf", "toutes")->size(), 2u);
  auto one = outbox_->GetDelivery(caf_of(*first));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->agency_status, "payee");
  EXPECT_EQ(outbox_->GetDelivery("nope").status().code(), StatusCode::kNotFound);

  auto tx = db_->BeginRead();
  auto rows = (*tx)->Query("SELECT actor, channel FROM events WHERE type = 'fr.parcours.delivery.status_changed' "
                           "ORDER BY id",
                           {});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Text(0), "agent:u-1");
  EXPECT_EQ((*rows)[0].Text(1), "web");
  EXPECT_EQ((*rows)[1].Text(0), "organisation:caf");
}

TEST_F(ExchangeTest, SignalsAreValidatedAndAcceptedOnce) {
  nlohmann::json ce = {{"specversion", "1.0"},
                       {"id", "naissance-42"},
                       {"source", "/mairies/33063"},
                       {"type", "fr.gouv.etat-civil.naissance.enregistree"},
                       {"subject", person_},
                       {"time", "2026-11-20T10:00:00Z"},
                       {"data", {{"date", "2026-11-19"}}}};
  auto first = AcceptSignal(*db_, clock_, "mairie-bordeaux", ce);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->duplicate);
  auto second = AcceptSignal(*db_, clock_, "mairie-bordeaux", ce);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->event_id, first->event_id);
  EXPECT_EQ(CountEvents("fr.parcours.signal.received"), 1);

  auto broken = ce;
  broken["specversion"] = "0.3";
  EXPECT_EQ(AcceptSignal(*db_, clock_, "m", broken).status().reason(), "exchange.bad_cloudevent");
  broken = ce;
  broken.erase("subject");
  EXPECT_EQ(AcceptSignal(*db_, clock_, "m", broken).status().reason(), "exchange.bad_cloudevent");
  broken = ce;
  broken["time"] = "hier";
  EXPECT_EQ(AcceptSignal(*db_, clock_, "m", broken).status().reason(), "exchange.bad_cloudevent");
  broken = ce;
  broken["data"] = "x";
  EXPECT_EQ(AcceptSignal(*db_, clock_, "m", broken).status().reason(), "exchange.bad_cloudevent");
  broken = ce;
  broken["id"] = "big";
  broken["data"] = {{"blob", std::string(70000, 'a')}};
  EXPECT_EQ(AcceptSignal(*db_, clock_, "m", broken).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(AcceptSignal(*db_, clock_, "m", nlohmann::json::array()).status().reason(), "exchange.bad_cloudevent");
  // The subject must be a person of Parcours.
  broken = ce;
  broken["id"] = "naissance-inconnue";
  broken["subject"] = "01a25294-0000-7000-8000-000000000000";
  Result<SignalResult> unknown = AcceptSignal(*db_, clock_, "mairie-bordeaux", broken);
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().reason(), "exchange.unknown_person");
  EXPECT_EQ(CountEvents("fr.parcours.signal.received"), 1);
}

}  // namespace
}  // namespace parcours::exchange
