// The backend-independent complaints suite, instantiated for SQLite in complaints_test.cc
// (complaints_test) and for PostgreSQL in complaints_pgtest.cc (complaints_pgtest).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "parcours/base/clock.h"
#include "parcours/catalog/catalog.h"
#include "parcours/complaints/complaints.h"
#include "parcours/journeys/journeys.h"
#include "parcours/store/events.h"
#include "parcours/store/migrations.h"
#include "parcours/store/store.h"
#include "parcours/store/testing.h"
#include "parcours/vault/vault.h"

namespace parcours::complaints {

inline std::string BackendName(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

// 2026-03-02T10:00:00Z
inline TimePoint T0() {
  return TimePoint(std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}) + std::chrono::hours(10);
}
inline int64_t Ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

class ComplaintsSuite : public ::testing::TestWithParam<store::Backend> {
 protected:
  static void SetUpTestSuite() {
    auto loaded = catalog::LoadCatalog(std::string(PARCOURS_SOURCE_DIR) + "/catalog");
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    catalog_ = new catalog::CatalogPtr(*loaded);
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
  }

  void SetUp() override {
    auto scratch = store::testing::ScratchDatabase::Create(GetParam(), store::Options{.url = "", .pool_size = 4});
    if (!scratch.ok() && scratch.status().reason() == "store.no_test_server") {
      GTEST_SKIP() << "PARCOURS_TEST_PG_URL absent: run through scripts/with-postgres";
    }
    ASSERT_TRUE(scratch.ok()) << scratch.status().ToString();
    scratch_ = std::move(*scratch);
    auto migrated = store::Migrate(db());
    ASSERT_TRUE(migrated.ok()) << migrated.status().ToString();
    // The journeys' situation is the vault, as in `parcours serve`.
    auto registry = std::make_shared<vault::AttributeRegistry>(vault::AttributeRegistry::Default());
    ASSERT_TRUE(journeys::RegisterCatalogAttributes(**catalog_, *registry).ok());
    auto keys = vault::KeyRing::Parse(vault::KeyRing::GenerateKeyLine());
    ASSERT_TRUE(keys.ok());
    vault_ = vault::NewVault(db(), clock_, std::move(*keys), registry);
    situation_ = journeys::NewVaultSituationSource(*vault_, *catalog_, clock_);
    journeys_ = std::make_unique<journeys::JourneyService>(db(), *catalog_, *situation_, clock_);
    service_ = MakeService(30);
  }

  std::unique_ptr<ComplaintService> MakeService(int sla_days) {
    return std::make_unique<ComplaintService>(db(), clock_, NewTargetResolver(db(), **catalog_, *journeys_),
                                              sla_days);
  }

  store::Database& db() { return scratch_->db(); }
  ComplaintService& service() { return *service_; }

  NewComplaint AboutService(std::string service, std::string category = "delai",
                     std::string text = "Ma demande d'aide au logement attend depuis trois mois.") {
    NewComplaint in;
    in.subject.about = About::kService;
    in.subject.service = std::move(service);
    in.category = std::move(category);
    in.text = std::move(text);
    return in;
  }

  Complaint FileOk(const std::string& person, const NewComplaint& in) {
    auto c = service().File(Actor{"usager:" + person, "web", ""}, person, in);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : Complaint{};
  }

  std::vector<store::Event> Events(const std::string& person) {
    auto tx = db().BeginRead();
    EXPECT_TRUE(tx.ok());
    auto events = store::ReadEvents(**tx, "", person, 1000);
    EXPECT_TRUE(events.ok());
    std::vector<store::Event> out;
    for (auto& e : events.ok() ? *events : std::vector<store::Event>{}) {
      if (e.type.rfind("fr.parcours.complaint.", 0) == 0) out.push_back(e);
    }
    return out;
  }
  static std::vector<std::string> Types(const std::vector<store::Event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.type.substr(std::string("fr.parcours.complaint.").size()));
    return out;
  }
  int64_t Count(const std::string& sql) {
    auto tx = db().BeginRead();
    EXPECT_TRUE(tx.ok());
    auto row = (*tx)->QueryOne(sql, {});
    EXPECT_TRUE(row.ok());
    return row.ok() ? row->Int(0) : -1;
  }

  static inline catalog::CatalogPtr* catalog_ = nullptr;
  ManualClock clock_{T0()};
  std::unique_ptr<store::testing::ScratchDatabase> scratch_;
  std::unique_ptr<vault::Vault> vault_;
  std::unique_ptr<journeys::SituationSource> situation_;
  std::unique_ptr<journeys::JourneyService> journeys_;
  std::unique_ptr<ComplaintService> service_;
  const Actor agent_{"agent:a1", "web", "Agnès (Caf)"};
  const Actor other_agent_{"agent:a2", "web", "Bruno (Caf)"};
  const std::vector<std::string> caf_{"caf"};
};

TEST_P(ComplaintsSuite, FilingIsAcknowledgedWithTheSlaDueDateAndOneEvent) {
  const Complaint c = FileOk("camille", AboutService("caf"));
  EXPECT_EQ(c.state, State::kDeposee);
  EXPECT_EQ(c.organisation_id, "caf");
  EXPECT_EQ(c.target_label_fr, "Caisse d'allocations familiales (Caf)");
  EXPECT_EQ(c.filed_ms, Ms(T0()));
  // 30 calendar days after 2026-03-02T10:00Z.
  EXPECT_EQ(FormatRfc3339(TimePoint(std::chrono::milliseconds(c.due_ms))), "2026-04-01T10:00:00.000Z");
  EXPECT_FALSE(c.Overdue(c.due_ms));
  EXPECT_TRUE(c.Overdue(c.due_ms + 1));

  const auto events = Events("camille");
  ASSERT_EQ(Types(events), std::vector<std::string>{"filed"});
  EXPECT_EQ(events[0].subject, c.id);
  EXPECT_EQ(events[0].source, "/complaints");
  EXPECT_EQ(events[0].actor, "usager:camille");
  const auto data = nlohmann::json::parse(events[0].data_json);
  EXPECT_EQ(data["service"], "caf");
  EXPECT_EQ(data["organisation"], "caf");
  EXPECT_EQ(data["category"], "delai");
  EXPECT_EQ(data["about"], "service");
  EXPECT_EQ(data["due"], "2026-04-01T10:00:00.000Z");
  EXPECT_EQ(data["sla_days"], 30);
  EXPECT_EQ(events[0].data_json.find("trois mois"), std::string::npos) << "the text stays out of the event log";

  // The SLA is a setting: 60 days gives 2026-05-01.
  auto sixty = MakeService(60);
  auto c60 = sixty->File(Actor{"usager:camille", "web", ""}, "camille", AboutService("cpam"));
  ASSERT_TRUE(c60.ok());
  EXPECT_EQ(FormatRfc3339(TimePoint(std::chrono::milliseconds(c60->due_ms))), "2026-05-01T10:00:00.000Z");
  EXPECT_EQ(c60->sla_days, 60);
  EXPECT_EQ(DueMillis(0, 1), kDayMs);
}

TEST_P(ComplaintsSuite, BadInputIsRefusedWithFrenchFieldErrorsAndNothingIsWritten) {
  auto bad = service().File(Actor{"usager:camille", "web", ""}, "camille",
                            AboutService("caf", "colere", "court"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().reason(), "complaints.invalid");
  std::map<std::string, std::string> fields;
  for (const auto& f : bad.status().field_errors()) fields[f.field] = f.message;
  EXPECT_EQ(fields["category"], "Choisissez le motif de votre réclamation.");
  EXPECT_EQ(fields["text"], "Le texte de la réclamation doit compter au moins 10 caractères.");

  NewComplaint in = AboutService("caf", "erreur", std::string(4001, 'x'));
  in.reference = std::string(65, 'r');
  bad = service().File(Actor{"usager:camille", "web", ""}, "camille", in);
  ASSERT_FALSE(bad.ok());
  fields.clear();
  for (const auto& f : bad.status().field_errors()) fields[f.field] = f.message;
  EXPECT_EQ(fields["text"], "Le texte de la réclamation doit compter au plus 4000 caractères (vous en avez saisi 4001).");
  EXPECT_EQ(fields["reference"], "La référence doit compter au plus 64 caractères (vous en avez saisi 65).");

  // 4000 accented characters are 8000 bytes and still allowed; control bytes and broken UTF-8 are not.
  std::string accents;
  for (int i = 0; i < 4000; ++i) accents += "é";
  EXPECT_TRUE(service().File(Actor{"usager:camille", "web", ""}, "camille", AboutService("caf", "erreur", accents)).ok());
  for (std::string hostile : {std::string("Bonjour\x01 madame, monsieur"), std::string("Bonjour \xc3\x28 madame"),
                              std::string("Bonjour \xed\xa0\x80 madame"), std::string("Bonjour \xe9t\xe9 madame")}) {
    auto r = service().File(Actor{"usager:camille", "web", ""}, "camille", AboutService("caf", "erreur", hostile));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().field_errors().at(0).message, "Le texte de la réclamation contient des caractères non autorisés.");
  }

  auto unknown = service().File(Actor{"usager:camille", "web", ""}, "camille", AboutService("ministere-de-la-magie"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().field_errors().at(0).field, "service");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM complaints"), 1);
  EXPECT_EQ(Events("camille").size(), 1u);
}

TEST_P(ComplaintsSuite, TakeAnswerResolveEachAppendsItsEventAndThePersonSeesTheAnswer) {
  const Complaint c = FileOk("camille", AboutService("caf"));
  clock_.Advance(std::chrono::hours(2));
  auto taken = service().Take(agent_, caf_, c.id);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(taken->state, State::kEnCours);
  EXPECT_EQ(taken->assignee_name, "Agnès (Caf)");

  // A second agent cannot take it again; nobody closes it without telling the person.
  auto again = service().Take(other_agent_, caf_, c.id);
  EXPECT_EQ(again.status().reason(), "complaints.bad_transition");
  EXPECT_EQ(again.status().message(), "Impossible de la prendre en charge : la réclamation est en cours de traitement.");
  auto silent = service().Resolve(agent_, caf_, c.id, "  ");
  EXPECT_EQ(silent.status().reason(), "complaints.answer_required");
  EXPECT_EQ(service().Answer(agent_, caf_, c.id, "").status().reason(), "complaints.invalid");

  clock_.Advance(std::chrono::hours(28));
  auto answered = service().Answer(agent_, caf_, c.id, "Votre dossier est complet ; le paiement part demain.");
  ASSERT_TRUE(answered.ok()) << answered.status().ToString();
  ASSERT_EQ(answered->messages.size(), 1u);
  auto resolved = service().Resolve(agent_, caf_, c.id, "");
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->state, State::kResolue);
  EXPECT_EQ(*resolved->closed_ms, Ms(T0()) + 30 * 3600 * 1000);
  EXPECT_FALSE(resolved->Overdue(Ms(T0()) + 400 * kDayMs)) << "closed on time stays on time";

  // The person reads the same truth.
  auto mine = service().GetForPerson("camille", c.id);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->state, State::kResolue);
  ASSERT_EQ(mine->messages.size(), 1u);
  EXPECT_EQ(mine->messages[0].author_kind, "agent");
  EXPECT_EQ(mine->messages[0].author_name, "Agnès (Caf)");
  EXPECT_EQ(mine->messages[0].body, "Votre dossier est complet ; le paiement part demain.");
  EXPECT_FALSE(service().GetForPerson("karim", c.id).ok());

  const auto events = Events("camille");
  EXPECT_EQ(Types(events), (std::vector<std::string>{"filed", "assigned", "answered", "resolved"}));
  const auto resolved_data = nlohmann::json::parse(events.back().data_json);
  EXPECT_EQ(resolved_data["service"], "caf");
  EXPECT_EQ(resolved_data["outcome"], "resolue");
  EXPECT_EQ(resolved_data["overdue"], false);
  EXPECT_EQ(resolved_data["delay_ms"], int64_t{30} * 3600 * 1000);
  EXPECT_EQ(events.back().time_ms - events.front().time_ms, int64_t{30} * 3600 * 1000);
  EXPECT_EQ(nlohmann::json::parse(events[1].data_json)["assignee"], "agent:a1");
  EXPECT_EQ(events[2].actor, "agent:a1");

  // Closed: no more answers, no rejection, no second resolution.
  EXPECT_EQ(service().Answer(agent_, caf_, c.id, "Encore un mot").status().reason(), "complaints.bad_transition");
  EXPECT_EQ(service().Reject(agent_, caf_, c.id, "Hors délai").status().reason(), "complaints.bad_transition");
  EXPECT_EQ(service().Resolve(agent_, caf_, c.id, "Bis").status().reason(), "complaints.bad_transition");
  EXPECT_EQ(Events("camille").size(), 4u);
}

TEST_P(ComplaintsSuite, AnsweringTakesAnUntakenComplaintAndRejectionNeedsAReason) {
  const Complaint a = FileOk("camille", AboutService("caf"));
  auto answered = service().Answer(agent_, caf_, a.id, "Nous regardons votre dossier.");
  ASSERT_TRUE(answered.ok()) << answered.status().ToString();
  EXPECT_EQ(answered->state, State::kEnCours);
  EXPECT_EQ(answered->assignee, "agent:a1");
  auto resolved = service().Resolve(agent_, caf_, a.id, "C'est réglé : le versement est parti.");
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->messages.size(), 2u);

  const Complaint b = FileOk("camille", AboutService("caf", "accueil", "L'accueil téléphonique ne répond jamais."));
  EXPECT_EQ(service().Reject(agent_, caf_, b.id, " ").status().field_errors().at(0).field, "reason");
  auto rejected = service().Reject(agent_, caf_, b.id, "Cette réclamation relève de votre mairie.");
  ASSERT_TRUE(rejected.ok()) << rejected.status().ToString();
  EXPECT_EQ(rejected->state, State::kRejetee);
  EXPECT_EQ(rejected->reason, "Cette réclamation relève de votre mairie.");
  EXPECT_EQ(service().GetForPerson("camille", b.id)->reason, "Cette réclamation relève de votre mairie.");
  const auto events = Events("camille");
  EXPECT_EQ(Types(events), (std::vector<std::string>{"filed", "assigned", "answered", "answered", "resolved",
                                                     "filed", "resolved"}));
  EXPECT_EQ(nlohmann::json::parse(events.back().data_json)["outcome"], "rejetee");
}

TEST_P(ComplaintsSuite, TheQueueIsOrderedByDueDateFlagsLatenessAndStaysWithinTheOrganisation) {
  const Complaint first = FileOk("camille", AboutService("caf"));
  clock_.Advance(std::chrono::hours(24));
  const Complaint second = FileOk("karim", AboutService("caf", "erreur", "Mon montant d'APL est faux depuis mars."));
  const Complaint cpam = FileOk("karim", AboutService("cpam"));
  // A complaint with a shorter SLA filed later is due earlier: the queue follows due dates.
  auto urgent_service = MakeService(5);
  auto urgent = urgent_service->File(Actor{"usager:ines", "web", ""}, "ines", AboutService("caf", "information"));
  ASSERT_TRUE(urgent.ok());

  auto queue = service().Queue(caf_, {});
  ASSERT_TRUE(queue.ok()) << queue.status().ToString();
  ASSERT_EQ(queue->size(), 3u);
  EXPECT_EQ((*queue)[0].id, urgent->id);
  EXPECT_EQ((*queue)[1].id, first.id);
  EXPECT_EQ((*queue)[2].id, second.id);

  // 30 days and one minute after the first filing: only the first is late.
  clock_.Set(T0() + std::chrono::hours(24 * 30) + std::chrono::minutes(1));
  const int64_t now = clock_.NowMillis();
  EXPECT_TRUE((*queue)[0].Overdue(now));
  EXPECT_TRUE((*queue)[1].Overdue(now));
  EXPECT_FALSE((*queue)[2].Overdue(now));

  // Closing late keeps the mark, in the event too.
  ASSERT_TRUE(service().Reject(agent_, caf_, first.id, "Doublon de votre réclamation précédente.").ok());
  auto resolved = Events("camille").back();
  EXPECT_EQ(nlohmann::json::parse(resolved.data_json)["overdue"], true);
  auto open = service().Queue(caf_, {});
  ASSERT_EQ(open->size(), 2u);
  auto all = service().Queue(caf_, {.open_only = false});
  ASSERT_EQ(all->size(), 3u);
  EXPECT_TRUE((*all)[1].Overdue(now));
  EXPECT_EQ(service().Queue(caf_, {.open_only = true, .limit = 0}).status().reason(), "complaints.bad_limit");

  // Another organisation's agent sees nothing and can do nothing.
  const std::vector<std::string> cpam_org{"cpam"};
  auto theirs = service().Queue(cpam_org, {});
  ASSERT_EQ(theirs->size(), 1u);
  EXPECT_EQ((*theirs)[0].id, cpam.id);
  EXPECT_EQ(service().GetForOrganisation(cpam_org, second.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service().Take(agent_, cpam_org, second.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service().Queue({}, {})->size(), 0u);
  auto karims = service().ListForPerson("karim");
  ASSERT_EQ(karims->size(), 2u);
  EXPECT_EQ((*karims)[0].organisation_id, "cpam") << "newest first";
}

TEST_P(ComplaintsSuite, AStepOfTheirJourneyGoesToTheStepsAdministration) {
  // A complaint may name any step of the journey, whether or not it applies yet.
  auto started = journeys_->Start({"usager:karim", "web"}, "karim", "demenager", "2026-03-20", {});
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  NewComplaint in = AboutService("");
  in.subject.about = About::kStep;
  in.subject.journey_id = started->journey.id;
  in.subject.step_id = "adresse-caf";
  const Complaint c = FileOk("karim", in);
  EXPECT_EQ(c.organisation_id, "caf");
  EXPECT_EQ(c.service, "caf");
  EXPECT_EQ(c.target_label_fr, "Caf : nouvelle adresse et droits recalculés (Caisse d'allocations familiales (Caf))");
  auto back = service().GetForPerson("karim", c.id);
  EXPECT_EQ(back->subject.journey_id, started->journey.id);
  EXPECT_EQ(back->subject.step_id, "adresse-caf");
  const auto data = nlohmann::json::parse(Events("karim").back().data_json);
  EXPECT_EQ(data["about"], "step");
  EXPECT_EQ(data["step_id"], "adresse-caf");

  // Someone else's journey, an unknown step, an unknown dossier: refused on the right field.
  auto others = service().File(Actor{"usager:camille", "web", ""}, "camille", in);
  EXPECT_EQ(others.status().field_errors().at(0).field, "journey_id");
  in.subject.step_id = "nulle-part";
  EXPECT_EQ(service().File(Actor{"usager:karim", "web", ""}, "karim", in).status().field_errors().at(0).field,
            "step_id");
  NewComplaint dossier = AboutService("");
  dossier.subject.about = About::kDossier;
  dossier.subject.dossier_id = "0190aaaa-0000-7000-8000-000000000000";
  EXPECT_EQ(service().File(Actor{"usager:karim", "web", ""}, "karim", dossier).status().field_errors().at(0).field,
            "dossier_id");
}

}  // namespace parcours::complaints
