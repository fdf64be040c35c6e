#include "parcours/journeys/journeys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/base/json.h"
#include "parcours/journeys/sync.h"
#include "parcours/store/events.h"
#include "parcours/store/migrations.h"
#include "parcours/store/testing.h"
#include "parcours/vault/vault.h"

namespace parcours::journeys {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

class JourneyServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<catalog::CatalogPtr> loaded = catalog::LoadCatalog(std::string(PARCOURS_SOURCE_DIR) + "/catalog");
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    catalog_ = new catalog::CatalogPtr(*loaded);
  }
  static void TearDownTestSuite() { delete catalog_; }

  void SetUp() override {
    auto scratch = store::testing::ScratchDatabase::Create(store::Backend::kSqlite);
    ASSERT_TRUE(scratch.ok()) << scratch.status().ToString();
    scratch_ = std::move(*scratch);
    ASSERT_TRUE(store::Migrate(scratch_->db()).ok());
    auto registry = std::make_shared<vault::AttributeRegistry>(vault::AttributeRegistry::Default());
    ASSERT_TRUE(RegisterCatalogAttributes(**catalog_, *registry).ok());
    auto keys = vault::KeyRing::Parse(vault::KeyRing::GenerateKeyLine());
    ASSERT_TRUE(keys.ok());
    vault_ = vault::NewVault(scratch_->db(), clock_, std::move(*keys), registry);
    situation_ = NewVaultSituationSource(*vault_, *catalog_, clock_);
    service_ = std::make_unique<JourneyService>(scratch_->db(), *catalog_, *situation_, clock_);
    camille_ = {"usager:" + camille_id_, "web"};
  }

  std::vector<store::Event> Events(const std::string& person) {
    auto tx = scratch_->db().BeginRead();
    EXPECT_TRUE(tx.ok());
    auto events = store::ReadEvents(**tx, "", person, 1000);
    EXPECT_TRUE(events.ok());
    return events.ok() ? *events : std::vector<store::Event>{};
  }
  static std::vector<std::string> Types(const std::vector<store::Event>& events) {
    std::vector<std::string> types;
    for (const auto& e : events) types.push_back(e.type);
    return types;
  }

  static catalog::CatalogPtr* catalog_;
  ManualClock clock_{std::chrono::sys_days{std::chrono::year{2026} / 3 / 1}};
  std::unique_ptr<store::testing::ScratchDatabase> scratch_;
  std::unique_ptr<vault::Vault> vault_;
  std::unique_ptr<SituationSource> situation_;
  std::unique_ptr<JourneyService> service_;
  const std::string camille_id_ = NewId();
  Actor camille_;
};
catalog::CatalogPtr* JourneyServiceTest::catalog_ = nullptr;

TEST_F(JourneyServiceTest, CamillesBirthPlanFollowsHerSituation) {
  Result<JourneyView> started = service_->Start(camille_, camille_id_, "devenir-parent", "2026-04-20",
                                                {{"naissance . parents mariés", "non"}});
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  const std::string id = started->journey.id;
  EXPECT_EQ(started->plan.Find("reconnaissance-anticipee")->applicability, Applicability::kApplies);
  EXPECT_EQ(*started->plan.Find("declaration-naissance")->deadline, (CivilDate{2026, 4, 25}));

  // She marries: the plan is recomputed and the change is an event.
  Result<JourneyView> married = service_->UpdateSituation(camille_, camille_id_, id, {{"naissance . parents mariés", "oui"}});
  ASSERT_TRUE(married.ok()) << married.status().ToString();
  EXPECT_EQ(married->plan.Find("reconnaissance-anticipee")->applicability, Applicability::kNotApplicable);

  // Non-linear progress, saved.
  ASSERT_TRUE(service_->SetStepStatus(camille_, camille_id_, id, "complementaire-sante", StepStatus::kInProgress).ok());
  ASSERT_TRUE(service_->SetStepStatus(camille_, camille_id_, id, "declaration-naissance", StepStatus::kDone).ok());
  Result<JourneyView> again = service_->Get(camille_, camille_id_, id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->plan.Find("complementaire-sante")->status, StepStatus::kInProgress);
  EXPECT_EQ(again->plan.Find("declaration-naissance")->status, StepStatus::kDone);

  std::vector<store::Event> events = Events(camille_id_);
  EXPECT_THAT(Types(events), ElementsAre("fr.parcours.vault.person_created", "fr.parcours.vault.attributes_changed",
                                         "fr.parcours.journey.started", "fr.parcours.vault.attributes_changed",
                                         "fr.parcours.journey.plan.changed", "fr.parcours.journey.step.status_changed",
                                         "fr.parcours.journey.step.status_changed"));
  Result<Json> changed = ParseJson(events[4].data_json);
  ASSERT_TRUE(changed.ok());
  EXPECT_THAT((*changed)["no_longer_applicable"], Contains("reconnaissance-anticipee"));
  // Events carry attribute names, never values.
  EXPECT_EQ(events[1].data_json.find("non"), std::string::npos);
}

TEST_F(JourneyServiceTest, SeveralJourneysAndOwnership) {
  ASSERT_TRUE(service_->Start(camille_, camille_id_, "devenir-parent", "2026-04-20", {}).ok());
  Result<JourneyView> move = service_->Start(camille_, camille_id_, "demenager", "2026-05-01", {});
  ASSERT_TRUE(move.ok());
  Result<std::vector<Journey>> list = service_->List(camille_id_);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
  const std::string karim = NewId();
  Result<JourneyView> other = service_->Get({"usager:" + karim, "web"}, karim, move->journey.id);
  EXPECT_EQ(other.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->Get(camille_, camille_id_, "not-an-id").status().reason(), "journeys.not_found");
}

TEST_F(JourneyServiceTest, BadInputIsRefusedWithFieldErrors) {
  Result<JourneyView> unknown = service_->Start(camille_, camille_id_, "partir-sur-mars", "2026-04-20", {});
  EXPECT_EQ(unknown.status().reason(), "journeys.unknown_event");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  Result<JourneyView> impossible = service_->Start(camille_, camille_id_, "devenir-parent", "2026-02-30", {});
  EXPECT_EQ(impossible.status().reason(), "journeys.invalid_date");
  ASSERT_EQ(impossible.status().field_errors().size(), 1u);
  EXPECT_EQ(impossible.status().field_errors()[0].field, "event_date");
  EXPECT_EQ(service_->Start(camille_, camille_id_, "devenir-parent", "2031-01-01", {}).status().reason(),
            "journeys.date_out_of_range");

  Result<JourneyView> j = service_->Start(camille_, camille_id_, "demenager", "2026-05-01",
                                          {{"véhicule . possède un véhicule", "non"}});
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(service_->SetStepStatus(camille_, camille_id_, j->journey.id, "teleportation", StepStatus::kDone)
                .status()
                .reason(),
            "journeys.unknown_step");
  EXPECT_EQ(service_->SetStepStatus(camille_, camille_id_, j->journey.id, "carte-grise", StepStatus::kDone)
                .status()
                .code(),
            StatusCode::kConflict);
}

// The vault IS the situation: what the first journey learnt prefills the second, nothing
// known is asked again, the form's DLNUF counters are recorded, and the plan's reads are in
// the person's access log.
TEST_F(JourneyServiceTest, SecondJourneyAsksNothingAlreadyKnown) {
  const FormSubmission first{"demenager/debut", {}};
  ASSERT_TRUE(service_->Start(camille_, camille_id_, "demenager", "2026-05-01",
                              {{"personne . demandeur d'emploi", "oui"},
                               {"localisation . epci", "Bordeaux Métropole"},
                               {"revenu fiscal de référence par part . revenu de référence", "18000"},
                               {"logement . locataire", "oui"}},
                              &first)
                  .ok());
  const catalog::Event* transports = (*catalog_)->FindEvent("prendre-les-transports");
  ASSERT_NE(transports, nullptr);
  std::vector<std::string> rules;
  for (const auto& q : transports->questions) rules.push_back(q.rule);
  Result<Prefill> prefill = service_->PrefillFor(camille_, camille_id_, "prendre-les-transports", rules);
  ASSERT_TRUE(prefill.ok()) << prefill.status().ToString();
  std::vector<std::string> known;
  for (const auto& k : prefill->known) known.push_back(k.rule);
  EXPECT_THAT(known, ElementsAre("personne . demandeur d'emploi", "localisation . epci",
                                 "revenu fiscal de référence par part . revenu de référence"));
  for (const auto& name : known) EXPECT_THAT(prefill->missing, ::testing::Not(Contains(name)));
  EXPECT_EQ(prefill->known[0].provenance.kind, vault::ProvenanceKind::kDeclared);

  // She confirms what was known and answers one new question.
  const FormSubmission second{"prendre-les-transports/debut", known};
  Result<JourneyView> j = service_->Start(camille_, camille_id_, "prendre-les-transports", "2026-06-01",
                                          {{"personne . demandeur d'emploi", "oui"},
                                           {"localisation . epci", "Bordeaux Métropole"},
                                           {"revenu fiscal de référence par part . revenu de référence", "18000"},
                                           {"transport . projet vélo", "oui"}},
                                          &second);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(j->answers.at("logement . locataire"), "oui");  // from the first journey
  std::vector<store::Event> events = Events(camille_id_);
  Json submitted;
  for (const auto& e : events) {
    if (e.type == "fr.parcours.vault.form_submitted") submitted = *ParseJson(e.data_json);
  }
  EXPECT_EQ(submitted["form"], "prendre-les-transports/debut");
  EXPECT_EQ(submitted["prefilled"], 3);
  EXPECT_EQ(submitted["asked"], 1);
  EXPECT_EQ(submitted["reasked"], 0);

  // The income is sealed; the plan's reads are logged for the person, with the journey's purpose.
  auto log = vault_->AccessLog(vault::Actor::Usager(camille_id_), camille_id_, 100);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  bool journey_read = false;
  for (const auto& e : *log) {
    if (e.actor.kind == vault::ActorKind::kPlatform &&
        e.purpose.find("« Prendre les transports »") != std::string::npos) {
      journey_read = true;
    }
  }
  EXPECT_TRUE(journey_read);
}

TEST_F(JourneyServiceTest, RejectedAnswersChangeNothing) {
  ASSERT_TRUE(service_->Start(camille_, camille_id_, "faire-valoir-ses-droits", "2026-05-01",
                              {{"personne . âge", "30"}}, nullptr)
                  .ok());
  // A value the vault refuses (a control character in a number's place is caught earlier by
  // the questions; here an age beyond the question's bounds reaches the vault directly).
  Result<JourneyView> bad = service_->Start(camille_, camille_id_, "faire-valoir-ses-droits", "2026-05-01",
                                            {{"personne . âge", "31"}, {"personne . taux d'incapacité", "250"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().reason(), "journeys.invalid_answers");
  ASSERT_EQ(bad.status().field_errors().size(), 1u);
  EXPECT_EQ(bad.status().field_errors()[0].field, "personne . taux d'incapacité");
  Result<Answers> kept = situation_->Load(camille_, camille_id_, "faire-valoir-ses-droits");
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->at("personne . âge"), "30");
  EXPECT_FALSE(kept->contains("personne . taux d'incapacité"));
}

TEST_F(JourneyServiceTest, StartedEventCarriesTheCommune) {
  ASSERT_TRUE(vault_->EnsurePerson(vault::Actor::Usager(camille_id_), camille_id_).ok());
  ASSERT_TRUE(vault_->Write(vault::Actor::Usager(camille_id_), camille_id_,
                            {{"adresse . commune", "33063", {}, vault::Verification::kUnverified, {}, {}}},
                            {"test", "test", "web"})
                  .ok());
  ASSERT_TRUE(service_->Start(camille_, camille_id_, "demenager", "2026-05-01", {}).ok());
  for (const auto& e : Events(camille_id_)) {
    if (e.type == "fr.parcours.journey.started") {
      EXPECT_EQ((*ParseJson(e.data_json))["commune"], "33063");
    }
  }
}

// The exchange's events as it appends them (exchange/outbox.cc, inbound.cc; the whole path
// through HTTP is tests/integration/exchange_test.cc).
class JourneySyncTest : public JourneyServiceTest {
 protected:
  void Append(const std::string& type, const Json& data) {
    store::Event e;
    e.type = type;
    e.source = "/exchange";
    e.subject = NewId();
    e.person_id = camille_id_;
    e.actor = "usager:" + camille_id_;
    e.channel = "web";
    e.data_json = data.dump();
    ASSERT_TRUE(scratch_->db().InTransaction([&](store::Transaction& tx) {
      return store::AppendEvent(tx, e, &clock_).status();
    }).ok());
  }
  // Runs the sync once every event has settled; returns the steps it moved.
  int64_t Sync() {
    clock_.Advance(std::chrono::seconds(5));
    Result<SyncReport> r = RunJourneySync(scratch_->db(), *service_, clock_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->moved : -1;
  }
  StepStatus StatusOf(const std::string& journey, const std::string& step) {
    Result<JourneyView> view = service_->Get(camille_, camille_id_, journey);
    EXPECT_TRUE(view.ok());
    return view.ok() ? view->plan.Find(step)->status : StepStatus::kNotConcerned;
  }
};

TEST_F(JourneySyncTest, ADeclarationAndTheAgenciesStatusesMoveTheMovesSteps) {
  Result<JourneyView> move = service_->Start(camille_, camille_id_, "demenager", "2026-03-20",
                                             {{"foyer . allocataire caf", "oui"}, {"personne . retraité", "non"}});
  ASSERT_TRUE(move.ok()) << move.status().ToString();
  const std::string id = move->journey.id;
  ASSERT_TRUE(service_->SetStepStatus(camille_, camille_id_, id, "adresse-impots", StepStatus::kDone).ok());
  clock_.Advance(std::chrono::seconds(1));
  Append("fr.parcours.declaration.submitted",
         {{"bundle", "changement-adresse"},
          {"recipients", Json::array({{{"service", "caf.adresse"}, {"attributes", {"adresse . commune"}}},
                                      // consented nothing:
                                      {{"service", "cpam.adresse"}, {"attributes", Json::array()}},
                                      {{"service", "impots.adresse"}, {"attributes", {"adresse . commune"}}},
                                      {{"service", "retraite.adresse"}, {"attributes", {"adresse . commune"}}}})}});
  EXPECT_EQ(Sync(), 2);
  EXPECT_EQ(StatusOf(id, "declaration-adresse"), StepStatus::kDone);
  EXPECT_EQ(StatusOf(id, "adresse-caf"), StepStatus::kSent);
  EXPECT_EQ(StatusOf(id, "adresse-assurance-maladie"), StepStatus::kTodo);  // nothing sent
  EXPECT_EQ(StatusOf(id, "adresse-impots"), StepStatus::kDone);             // never moved back
  EXPECT_EQ(StatusOf(id, "adresse-retraite"), StepStatus::kNotConcerned);   // does not apply

  Append("fr.parcours.delivery.status_changed", {{"service", "caf.adresse"}, {"from", "envoyee"}, {"to", "acceptee"}});
  Append("fr.parcours.delivery.status_changed", {{"service", "impots.adresse"}, {"from", "envoyee"}, {"to", "recue"}});
  EXPECT_EQ(Sync(), 1);
  EXPECT_EQ(StatusOf(id, "adresse-caf"), StepStatus::kDone);
  EXPECT_EQ(StatusOf(id, "adresse-impots"), StepStatus::kDone);

  // Each move is a step event of the platform's, as the indicators count them.
  std::vector<store::Event> events = Events(camille_id_);
  std::vector<std::string> moved;
  for (const store::Event& e : events) {
    if (e.type != "fr.parcours.journey.step.status_changed" || e.actor != "platform:journeys") continue;
    Result<Json> data = ParseJson(e.data_json);
    ASSERT_TRUE(data.ok());
    moved.push_back((*data)["step_id"].get<std::string>() + ":" + (*data)["to"].get<std::string>());
    EXPECT_EQ(e.channel, "system");
  }
  EXPECT_THAT(moved, ElementsAre("declaration-adresse:terminee", "adresse-caf:envoyee", "adresse-caf:terminee"));

  // The same events read again (a crash before the cursor moved) change nothing more.
  ASSERT_TRUE(scratch_->db().InTransaction([](store::Transaction& tx) {
    return tx.Execute("DELETE FROM event_cursors WHERE name = 'journeys'").status();
  }).ok());
  EXPECT_EQ(Sync(), 0);
}

TEST_F(JourneySyncTest, TheMairiesBirthSignalDoesTheDeclarationOfTheJourneysStartedBefore) {
  Result<JourneyView> birth = service_->Start(camille_, camille_id_, "devenir-parent", "2026-04-20", {});
  ASSERT_TRUE(birth.ok()) << birth.status().ToString();
  clock_.Advance(std::chrono::seconds(1));
  const Json signal = {{"signal", {{"specversion", "1.0"}, {"type", "fr.gouv.etat-civil.naissance.enregistree"},
                                   {"data", {{"date", "2026-04-19"}}}}}};
  Append("fr.parcours.signal.received", signal);
  Append("fr.parcours.signal.received", {{"signal", {{"type", "fr.gouv.autre.signal"}}}});
  EXPECT_EQ(Sync(), 1);
  EXPECT_EQ(StatusOf(birth->journey.id, "declaration-naissance"), StepStatus::kDone);

  // A journey started after the signal is not the one it fulfilled.
  ASSERT_TRUE(service_->SetStepStatus(camille_, camille_id_, birth->journey.id, "declaration-naissance",
                                      StepStatus::kTodo).ok());
  Result<JourneyView> later = service_->Start(camille_, camille_id_, "devenir-parent", "2027-01-10", {});
  ASSERT_TRUE(later.ok());
  ASSERT_TRUE(scratch_->db().InTransaction([](store::Transaction& tx) {
    return tx.Execute("DELETE FROM event_cursors").status();
  }).ok());
  EXPECT_EQ(Sync(), 1);  // the first journey again, from its "à faire"
  EXPECT_EQ(StatusOf(later->journey.id, "declaration-naissance"), StepStatus::kTodo);
}

TEST(RegisterCatalogAttributes, EveryQuestionBecomesAnAttribute) {
  auto loaded = catalog::LoadCatalog(std::string(PARCOURS_SOURCE_DIR) + "/catalog");
  ASSERT_TRUE(loaded.ok());
  vault::AttributeRegistry registry = vault::AttributeRegistry::Default();
  ASSERT_TRUE(RegisterCatalogAttributes(**loaded, registry).ok());
  int questions = 0;
  for (const auto& e : (*loaded)->events()) {
    for (const auto& q : e.questions) {
      ++questions;
      const vault::AttributeDef* def = registry.Find(q.rule);
      ASSERT_NE(def, nullptr) << q.rule;
      EXPECT_EQ(def->sensitive, q.sensitive || def->sensitive) << q.rule;
      for (const auto& c : q.choices) EXPECT_THAT(def->choices, Contains(c.value)) << q.rule;
    }
  }
  EXPECT_EQ(questions, 47);
  EXPECT_TRUE(registry.Find("foyer . ressources mensuelles")->sensitive);
  EXPECT_EQ(registry.Find("vélo . prix")->unit, "€");
  // A rule the vault already defines with another type is refused.
  vault::AttributeRegistry clash;
  vault::AttributeDef def;
  def.name = "vélo . prix";
  def.type = vault::AttributeType::kText;
  ASSERT_TRUE(clash.Register(def).ok());
  EXPECT_EQ(RegisterCatalogAttributes(**loaded, clash).reason(), "journeys.attribute_conflict");
}

}  // namespace
}  // namespace parcours::journeys
