// The proactive suite: entitlements, offers, triggers and campaigns over the real catalogue,
// rules engine and store, run on SQLite (proactive_test.cc) and PostgreSQL (proactive_pgtest.cc,
// under scripts/with-postgres). Included once per binary.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "parcours/base/clock.h"
#include "parcours/proactive/campaign.h"
#include "parcours/proactive/entitlements.h"
#include "parcours/proactive/offers.h"
#include "parcours/proactive/triggers.h"
#include "parcours/store/events.h"
#include "parcours/store/migrations.h"
#include "parcours/store/testing.h"
#include "parcours/vault/vault.h"

namespace parcours::proactive {
namespace {

using journeys::Answers;

// Léa works, is 30 and earns 1 200 € a month: prime d'activité yes; CSS no (14 400 €/an is
// above the 13 957 € ceiling with participation).
const std::string kLeaId = "01890000-0000-7000-8000-00000000000a";
const std::string kMaxId = "01890000-0000-7000-8000-00000000000b";
const Answers kLea = {{"personne . salarié", "oui"}, {"personne . âge", "30"}, {"foyer . ressources mensuelles", "1200"}};

class ProactiveTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = std::string(PARCOURS_SOURCE_DIR) + "/catalog";
    Result<catalog::CatalogPtr> loaded = catalog::LoadCatalog(dir);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    Result<Entitlements> e = LoadEntitlements(*loaded, dir + "/entitlements.yaml");
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    entitlements_ = new Entitlements(std::move(*e));
  }
  static void TearDownTestSuite() { delete entitlements_; }

  void SetUp() override {
    auto scratch = store::testing::ScratchDatabase::Create(GetParam(), store::Options{.url = "", .pool_size = 4});
    if (!scratch.ok() && scratch.status().reason() == "store.no_test_server") {
      GTEST_SKIP() << "PARCOURS_TEST_PG_URL absent: run through scripts/with-postgres";
    }
    ASSERT_TRUE(scratch.ok()) << scratch.status().ToString();
    scratch_ = std::move(*scratch);
    ASSERT_TRUE(store::Migrate(scratch_->db()).ok());
    // The journeys' situation is the vault, as in `parcours serve`.
    auto registry = std::make_shared<vault::AttributeRegistry>(vault::AttributeRegistry::Default());
    ASSERT_TRUE(journeys::RegisterCatalogAttributes(entitlements_->catalog(), *registry).ok());
    auto keys = vault::KeyRing::Parse(vault::KeyRing::GenerateKeyLine());
    ASSERT_TRUE(keys.ok());
    vault_ = vault::NewVault(scratch_->db(), clock_, std::move(*keys), registry);
    situation_ = journeys::NewVaultSituationSource(*vault_, entitlements_->shared_catalog(), clock_);
    journeys_ = std::make_unique<journeys::JourneyService>(scratch_->db(), entitlements_->shared_catalog(),
                                                           *situation_, clock_);
    offers_ = std::make_unique<OfferService>(scratch_->db(), *entitlements_, *journeys_, *situation_, clock_);
  }

  std::vector<store::Event> Events(const std::string& type) {
    auto tx = scratch_->db().BeginRead();
    auto events = store::ReadEvents(**tx, "", std::nullopt, 10000);
    std::vector<store::Event> out;
    for (const auto& e : *events) {
      if (e.type == type) out.push_back(e);
    }
    return out;
  }

  Result<Assessment> AssessOne(std::string_view id, const Answers& answers) {
    return Assess(*entitlements_, *entitlements_->Find(id), answers);
  }

  static Entitlements* entitlements_;
  ManualClock clock_{std::chrono::sys_days{std::chrono::year{2026} / 3 / 1}};
  std::unique_ptr<store::testing::ScratchDatabase> scratch_;
  std::unique_ptr<vault::Vault> vault_;
  std::unique_ptr<journeys::SituationSource> situation_;
  std::unique_ptr<journeys::JourneyService> journeys_;
  std::unique_ptr<OfferService> offers_;
  const journeys::Actor lea_{"usager:" + kLeaId, "web"};
};
Entitlements* ProactiveTest::entitlements_ = nullptr;

TEST_P(ProactiveTest, CatalogueEntitlementsAreLoaded) {
  ASSERT_NE(entitlements_->Find("prime-activite"), nullptr);
  ASSERT_NE(entitlements_->Find("aide-velo"), nullptr);
  const Entitlement& velo = *entitlements_->Find("aide-velo");
  EXPECT_EQ(velo.amount_model, "aides-velo");
  // Without `requires`, the claim step's questions must be answered first.
  EXPECT_THAT(velo.required, ::testing::Contains("vélo . prix"));
}

TEST_P(ProactiveTest, AssessmentFollowsThePublishedRules) {
  Result<Assessment> a = AssessOne("prime-activite", kLea);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->eligibility, Eligibility::kEligible);
  EXPECT_THAT(a->explanation.fr, ::testing::HasSubstr("prime d'activité . potentiellement éligible"));
  // The answers read as the questions were asked, in each language.
  EXPECT_THAT(a->explanation.fr, ::testing::Not(::testing::HasSubstr("« personne . salarié »")));
  EXPECT_THAT(a->explanation.en, ::testing::HasSubstr("”: yes"));

  Answers richer = kLea;
  richer["foyer . ressources mensuelles"] = "2500";
  EXPECT_EQ(AssessOne("prime-activite", richer)->eligibility, Eligibility::kNotEligible);
  EXPECT_EQ(AssessOne("complementaire-sante-solidaire", kLea)->eligibility, Eligibility::kNotEligible);
  Answers poorer = kLea;
  poorer["foyer . ressources mensuelles"] = "900";
  EXPECT_EQ(AssessOne("complementaire-sante-solidaire", poorer)->eligibility, Eligibility::kEligible);
  // Nadia (story 3): 58, out of work, 500 € a month: the RSA as well as the CSS.
  const Answers nadia = {
      {"personne . salarié", "non"}, {"personne . âge", "58"}, {"foyer . ressources mensuelles", "500"}};
  EXPECT_EQ(AssessOne("rsa", nadia)->eligibility, Eligibility::kEligible);
  EXPECT_EQ(AssessOne("complementaire-sante-solidaire", nadia)->eligibility, Eligibility::kEligible);
  EXPECT_EQ(AssessOne("rsa", kLea)->eligibility, Eligibility::kNotEligible);

  Result<Assessment> unknown = AssessOne("prime-activite", {{"personne . salarié", "oui"}});
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->eligibility, Eligibility::kUndetermined);
  EXPECT_THAT(unknown->missing, ::testing::Contains("foyer . ressources mensuelles"));

  // The PAJE birth grant: its amount is the rule of the situation model.
  Result<Assessment> paje = AssessOne("prime-naissance", {{"foyer . en couple", "oui"},
                                                          {"foyer . deux revenus", "oui"},
                                                          {"foyer . enfants à charge", "0"},
                                                          {"foyer . revenu net catégoriel", "30000"}});
  ASSERT_TRUE(paje.ok()) << paje.status().ToString();
  EXPECT_EQ(paje->eligibility, Eligibility::kEligible);
  ASSERT_TRUE(paje->amount.has_value());
  EXPECT_DOUBLE_EQ(*paje->amount, 1084.43);
  EXPECT_EQ(paje->amount_text, "1\u202F084,43\u00A0€");
}

TEST_P(ProactiveTest, BikeAidAmountComesFromTheAidesVeloModel) {
  Answers a = {{"transport . projet vélo", "oui"},
               {"localisation . epci", "Métropole de Lyon"},
               {"revenu fiscal de référence par part . revenu de référence", "12000"},
               {"revenu fiscal de référence par part . nombre de parts", "1"},
               {"vélo . type", "électrique"},
               {"vélo . prix", "2000"}};
  Result<Assessment> r = AssessOne("aide-velo", a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->eligibility, Eligibility::kEligible) << r->explanation.fr;
  ASSERT_TRUE(r->amount.has_value());
  EXPECT_GT(*r->amount, 0);
  EXPECT_THAT(r->explanation.fr, ::testing::HasSubstr("aides . montant"));
  // No bike project: not eligible, whatever the model says.
  a["transport . projet vélo"] = "non";
  EXPECT_EQ(AssessOne("aide-velo", a)->eligibility, Eligibility::kNotEligible);
  // A question of the claim step unanswered: undetermined.
  a["transport . projet vélo"] = "oui";
  a.erase("vélo . prix");
  EXPECT_EQ(AssessOne("aide-velo", a)->eligibility, Eligibility::kUndetermined);
}

TEST_P(ProactiveTest, TriggerMakesTheOfferOnce) {
  auto started = journeys_->Start(lea_, kLeaId, "faire-valoir-ses-droits", "2026-03-01", kLea);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  // Triggers read events older than the settle window.
  clock_.Advance(std::chrono::seconds(5));
  Result<TriggerReport> run = RunTriggers(scratch_->db(), *offers_, clock_);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->offered, 1);
  auto offers = offers_->List(kLeaId);
  ASSERT_TRUE(offers.ok());
  ASSERT_EQ(offers->size(), 1u);
  EXPECT_EQ((*offers)[0].entitlement_id, "prime-activite");
  EXPECT_EQ((*offers)[0].status, OfferStatus::kOffered);
  EXPECT_EQ((*offers)[0].origin, "trigger");
  auto made = Events("fr.parcours.proactive.offer.made");
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].person_id, kLeaId);
  auto data = nlohmann::json::parse(made[0].data_json);
  EXPECT_EQ(data["service"], "caf");
  EXPECT_EQ(data["aid"], "prime-activite");

  // A new change of situation, or the same events read again: no second offer.
  ASSERT_TRUE(journeys_->UpdateSituation(lea_, kLeaId, started->journey.id, {{"personne . âge", "31"}}).ok());
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_TRUE(RunTriggers(scratch_->db(), *offers_, clock_).ok());
  ASSERT_TRUE(scratch_->db().InTransaction([](store::Transaction& tx) {
    return tx.Execute("DELETE FROM event_cursors").status();
  }).ok());
  Result<TriggerReport> again = RunTriggers(scratch_->db(), *offers_, clock_);
  ASSERT_TRUE(again.ok());
  EXPECT_GT(again->persons, 0);
  EXPECT_EQ(again->offered, 0);
  EXPECT_EQ(Events("fr.parcours.proactive.offer.made").size(), 1u);
}

TEST_P(ProactiveTest, AClaimStartedAnotherWayTakesTheOfferUp) {
  auto started = journeys_->Start(lea_, kLeaId, "faire-valoir-ses-droits", "2026-03-01", kLea);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_EQ(RunTriggers(scratch_->db(), *offers_, clock_)->offered, 1);
  // An agent at the counter starts the claim's step: the offer is not left open beside it.
  const journeys::Actor agent{"agent:sophie", "counter"};
  ASSERT_TRUE(journeys_->SetStepStatus(agent, kLeaId, started->journey.id, "prime-activite",
                                       journeys::StepStatus::kInProgress).ok());
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_TRUE(RunTriggers(scratch_->db(), *offers_, clock_).ok());
  auto offers = offers_->List(kLeaId);
  ASSERT_TRUE(offers.ok());
  ASSERT_EQ(offers->size(), 1u);
  EXPECT_EQ((*offers)[0].status, OfferStatus::kAccepted);
  EXPECT_EQ((*offers)[0].journey_id, started->journey.id);
  auto accepted = Events("fr.parcours.proactive.offer.accepted");
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].actor, "agent:sophie");
  EXPECT_EQ(nlohmann::json::parse(accepted[0].data_json)["through"], "step");
  // Read again (the cursor reset): nothing more.
  ASSERT_TRUE(scratch_->db().InTransaction([](store::Transaction& tx) {
    return tx.Execute("DELETE FROM event_cursors").status();
  }).ok());
  ASSERT_TRUE(RunTriggers(scratch_->db(), *offers_, clock_).ok());
  EXPECT_EQ(Events("fr.parcours.proactive.offer.accepted").size(), 1u);
}

TEST_P(ProactiveTest, EventsYoungerThanTheSettleWindowWait) {
  ASSERT_TRUE(journeys_->Start(lea_, kLeaId, "faire-valoir-ses-droits", "2026-03-01", kLea).ok());
  Result<TriggerReport> early = RunTriggers(scratch_->db(), *offers_, clock_);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->offered, 0);
  clock_.Advance(std::chrono::seconds(3));
  EXPECT_EQ(RunTriggers(scratch_->db(), *offers_, clock_)->offered, 1);
}

TEST_P(ProactiveTest, IneligibleGetsNothing) {
  Answers rich = kLea;
  rich["foyer . ressources mensuelles"] = "4000";
  ASSERT_TRUE(journeys_->Start(lea_, kLeaId, "faire-valoir-ses-droits", "2026-03-01", rich).ok());
  Result<ConsiderReport> r = offers_->Consider(kLeaId, "trigger");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->offered, 0);
  EXPECT_EQ(r->eligible, 0);
  EXPECT_TRUE(offers_->List(kLeaId)->empty());
  EXPECT_TRUE(Events("fr.parcours.proactive.offer.made").empty());
}

TEST_P(ProactiveTest, BirthGrantNeedsTheLifeEvent) {
  const Answers parents = {{"foyer . en couple", "oui"}, {"foyer . deux revenus", "oui"},
                           {"foyer . enfants à charge", "0"}, {"foyer . revenu net catégoriel", "30000"}};
  ASSERT_TRUE(situation_->Save(lea_, kLeaId, "devenir-parent", parents, nullptr).ok());
  EXPECT_EQ(offers_->Consider(kLeaId, "trigger")->offered, 0);
  ASSERT_TRUE(journeys_->Start(lea_, kLeaId, "devenir-parent", "2026-06-01", {}).ok());
  Result<ConsiderReport> r = offers_->Consider(kLeaId, "trigger");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->offered, 1);
  auto offers = offers_->List(kLeaId);
  ASSERT_EQ(offers->size(), 1u);
  EXPECT_EQ((*offers)[0].entitlement_id, "prime-naissance");
  EXPECT_EQ((*offers)[0].amount_text, "1\u202F084,43\u00A0€");
}

TEST_P(ProactiveTest, DeclinedIsNeverOfferedAgain) {
  ASSERT_TRUE(situation_->Save(lea_, kLeaId, "faire-valoir-ses-droits", kLea, nullptr).ok()) << situation_->Save(lea_, kLeaId, "faire-valoir-ses-droits", kLea, nullptr).ToString();
  ASSERT_EQ(offers_->Consider(kLeaId, "trigger")->offered, 1);
  const std::string id = (*offers_->List(kLeaId))[0].id;
  Result<Offer> declined = offers_->Decline(lea_, kLeaId, id);
  ASSERT_TRUE(declined.ok());
  EXPECT_EQ(declined->status, OfferStatus::kDeclined);
  EXPECT_EQ(Events("fr.parcours.proactive.offer.declined").size(), 1u);
  // Declining twice changes nothing; accepting a declined offer is refused.
  ASSERT_TRUE(offers_->Decline(lea_, kLeaId, id).ok());
  EXPECT_EQ(Events("fr.parcours.proactive.offer.declined").size(), 1u);
  EXPECT_EQ(offers_->Accept(lea_, kLeaId, id).status().reason(), "proactive.offer_declined");
  // Still eligible after a new change: not offered again, by a trigger or by a campaign.
  ASSERT_TRUE(situation_->Save(lea_, kLeaId, "faire-valoir-ses-droits", {{"personne . âge", "40"}}, nullptr).ok());
  EXPECT_EQ(offers_->Consider(kLeaId, "trigger")->offered, 0);
  ASSERT_TRUE(journeys_->Start(lea_, kLeaId, "devenir-parent", "2026-06-01", {}).ok());  // in the population
  Result<CampaignReport> c = RunCampaign(scratch_->db(), *offers_, "prime-activite");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->eligible, 1);
  EXPECT_EQ(c->already_offered, 1);
  EXPECT_EQ(c->offered, 0);
  EXPECT_EQ(offers_->List(kLeaId)->size(), 1u);
}

TEST_P(ProactiveTest, AcceptStartsTheClaimJourneyWithTheStepInProgress) {
  ASSERT_TRUE(situation_->Save(lea_, kLeaId, "faire-valoir-ses-droits", kLea, nullptr).ok()) << situation_->Save(lea_, kLeaId, "faire-valoir-ses-droits", kLea, nullptr).ToString();
  ASSERT_EQ(offers_->Consider(kLeaId, "trigger")->offered, 1);
  const std::string id = (*offers_->List(kLeaId))[0].id;
  // Another person cannot reach it.
  EXPECT_EQ(offers_->Accept({"usager:" + kMaxId, "web"}, kMaxId, id).status().code(), StatusCode::kNotFound);

  Result<Accepted> accepted = offers_->Accept(lea_, kLeaId, id);
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_EQ(accepted->offer.status, OfferStatus::kAccepted);
  EXPECT_EQ(accepted->step_id, "prime-activite");
  auto view = journeys_->Get(lea_, kLeaId, accepted->journey_id);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->journey.event_id, "faire-valoir-ses-droits");
  EXPECT_EQ(view->plan.Find("prime-activite")->status, journeys::StepStatus::kInProgress);
  // Prefilled: the journey reads the situation the offer was assessed on.
  EXPECT_EQ(view->answers.at("foyer . ressources mensuelles"), "1200");
  auto events = Events("fr.parcours.proactive.offer.accepted");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(events[0].data_json)["journey_id"], accepted->journey_id);
  // Accepting twice answers the same journey, once.
  Result<Accepted> twice = offers_->Accept(lea_, kLeaId, id);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->journey_id, accepted->journey_id);
  EXPECT_EQ(Events("fr.parcours.proactive.offer.accepted").size(), 1u);
  EXPECT_EQ(offers_->Decline(lea_, kLeaId, id).status().reason(), "proactive.offer_accepted");
}

TEST_P(ProactiveTest, ClaimedIsNotOffered) {
  auto started = journeys_->Start(lea_, kLeaId, "faire-valoir-ses-droits", "2026-03-01", kLea);
  ASSERT_TRUE(started.ok());
  ASSERT_TRUE(journeys_->SetStepStatus(lea_, kLeaId, started->journey.id, "prime-activite", journeys::StepStatus::kSent).ok());
  Result<ConsiderReport> r = offers_->Consider(kLeaId, "trigger");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->eligible, 1);
  EXPECT_EQ(r->offered, 0);
}

TEST_P(ProactiveTest, CampaignScansThePopulationIdempotently) {
  // 25 persons, one in three eligible to the prime d'activité; pages of 4 ids.
  int expected = 0;
  for (int i = 0; i < 25; ++i) {
    const std::string person = "01890000-0000-7000-8000-000000000" + std::to_string(100 + i);
    Answers a = kLea;
    if (i % 3 != 0) a["foyer . ressources mensuelles"] = "3000";
    else ++expected;
    ASSERT_TRUE(journeys_->Start({"usager:" + person, "web"}, person, "faire-valoir-ses-droits", "2026-03-01", a).ok());
  }
  std::vector<int64_t> progress;
  CampaignOptions options{.page = 4, .progress = [&](const CampaignReport& r) { progress.push_back(r.scanned); }};
  Result<CampaignReport> first = RunCampaign(scratch_->db(), *offers_, "prime-activite", options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->population, 25);
  EXPECT_EQ(first->scanned, 25);
  EXPECT_EQ(first->eligible, expected);
  EXPECT_EQ(first->offered, expected);
  EXPECT_EQ(progress.size(), 7u);  // 6 full pages and the last one
  EXPECT_EQ(progress.back(), 25);
  Result<CampaignReport> second = RunCampaign(scratch_->db(), *offers_, "prime-activite", options);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->offered, 0);
  EXPECT_EQ(second->already_offered, expected);
  EXPECT_EQ(static_cast<int>(Events("fr.parcours.proactive.offer.made").size()), expected);
  // Only the campaign's entitlement is offered.
  for (const auto& e : Events("fr.parcours.proactive.offer.made")) {
    EXPECT_EQ(nlohmann::json::parse(e.data_json)["aid"], "prime-activite");
    EXPECT_EQ(nlohmann::json::parse(e.data_json)["origin"], "campaign");
  }
  EXPECT_EQ(RunCampaign(scratch_->db(), *offers_, "nope").status().reason(), "proactive.unknown_entitlement");
}

TEST_P(ProactiveTest, BadEntitlementFilesAreReportedWithTheirLine) {
  const std::string dir = ::testing::TempDir();
  const std::string file = dir + "/entitlements-bad.yaml";
  std::ofstream(file) << "entitlements:\n"
                         "  - id: x\n"
                         "    title: {fr: X, en: X}\n"
                         "    summary: {fr: X, en: X}\n"
                         "    administration: nowhere\n"
                         "    eligible_if: rule . that does not exist\n"
                         "    colour: blue\n"
                         "    claim: {event: devenir-parent, step: nope}\n";
  Result<Entitlements> r = LoadEntitlements(entitlements_->shared_catalog(), file);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "proactive.invalid_entitlements");
  EXPECT_EQ(r.status().field_errors().size(), 4u) << r.status().ToString();
}

inline std::string BackendName(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace
}  // namespace parcours::proactive
