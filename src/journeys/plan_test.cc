#include "parcours/journeys/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "parcours/journeys/answers.h"

namespace parcours::journeys {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class PlanTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<catalog::CatalogPtr> loaded = catalog::LoadCatalog(std::string(PARCOURS_SOURCE_DIR) + "/catalog");
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    catalog_ = new catalog::CatalogPtr(*loaded);
  }
  static void TearDownTestSuite() { delete catalog_; }

  static const catalog::Catalog& Cat() { return **catalog_; }
  static Plan Compute(std::string_view event_id, const Answers& answers,
                      const std::map<std::string, StepStatus, std::less<>>& recorded = {},
                      CivilDate today = {2026, 3, 1}) {
    const catalog::Event* event = Cat().FindEvent(event_id);
    EXPECT_NE(event, nullptr);
    Result<Plan> plan = ComputePlan(Cat(), *event, CivilDate{2026, 3, 10}, answers, recorded, today);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    return plan.ok() ? *plan : Plan{};
  }
  static const StepPlan& Step(const Plan& plan, std::string_view id) {
    const StepPlan* s = plan.Find(id);
    EXPECT_NE(s, nullptr) << id;
    static const StepPlan kNone;
    return s != nullptr ? *s : kNone;
  }

  static catalog::CatalogPtr* catalog_;
};
catalog::CatalogPtr* PlanTest::catalog_ = nullptr;

TEST_F(PlanTest, CamilleNotMarriedNeedsTheReconnaissance) {
  Plan plan = Compute("devenir-parent", {{"naissance . parents mariés", "non"}});
  const StepPlan& reco = Step(plan, "reconnaissance-anticipee");
  EXPECT_EQ(reco.applicability, Applicability::kApplies);
  EXPECT_EQ(reco.status, StepStatus::kTodo);
  // Questions read as asked, in each language; the step by its title.
  EXPECT_THAT(reco.explanation.fr, HasSubstr("« Êtes-vous marié(e) avec l'autre parent ? » : non"));
  EXPECT_THAT(reco.explanation.en, HasSubstr("“Are you married to the other parent?”: no"));
  EXPECT_THAT(reco.explanation.fr, Not(HasSubstr("naissance . parents mariés")));
}

TEST_F(PlanTest, MarriedParentsDoNotNeedTheReconnaissance) {
  Plan plan = Compute("devenir-parent", {{"naissance . parents mariés", "oui"}});
  const StepPlan& reco = Step(plan, "reconnaissance-anticipee");
  EXPECT_EQ(reco.applicability, Applicability::kNotApplicable);
  EXPECT_EQ(reco.status, StepStatus::kNotConcerned);
}

TEST_F(PlanTest, UnansweredQuestionMakesTheStepUndeterminedAndAsksIt) {
  Plan plan = Compute("devenir-parent", {});
  const StepPlan& reco = Step(plan, "reconnaissance-anticipee");
  EXPECT_EQ(reco.applicability, Applicability::kUndetermined);
  EXPECT_THAT(reco.missing, Contains("naissance . parents mariés"));
  std::vector<std::string> asked;
  for (const catalog::Question* q : plan.next_questions) asked.push_back(q->rule);
  EXPECT_THAT(asked, Contains("naissance . parents mariés"));
  EXPECT_THAT(asked, Contains("foyer . revenu net catégoriel"));
  // Steps that always apply do not wait for any answer.
  EXPECT_EQ(Step(plan, "declaration-naissance").applicability, Applicability::kApplies);
}

TEST_F(PlanTest, PajeFollowsThePublishedThresholds) {
  // Couple with two incomes, first child: threshold 48 186 € (F2550, 2025).
  Answers answers = {{"foyer . en couple", "oui"},
                     {"foyer . deux revenus", "oui"},
                     {"foyer . enfants à charge", "0"},
                     {"foyer . revenu net catégoriel", "48000"}};
  EXPECT_EQ(Step(Compute("devenir-parent", answers), "prime-naissance").applicability, Applicability::kApplies);
  answers["foyer . revenu net catégoriel"] = "48500";
  EXPECT_EQ(Step(Compute("devenir-parent", answers), "prime-naissance").applicability,
            Applicability::kNotApplicable);
  // One income: 36 461 €; a second child raises it by 7 292 € to 43 753 €.
  answers["foyer . deux revenus"] = "non";
  answers["foyer . revenu net catégoriel"] = "40000";
  EXPECT_EQ(Step(Compute("devenir-parent", answers), "prime-naissance").applicability,
            Applicability::kNotApplicable);
  answers["foyer . enfants à charge"] = "1";
  EXPECT_EQ(Step(Compute("devenir-parent", answers), "prime-naissance").applicability, Applicability::kApplies);
}

TEST_F(PlanTest, DeadlinesAreRelativeToTheEventDate) {
  Plan birth = Compute("devenir-parent", {});
  ASSERT_TRUE(Step(birth, "declaration-naissance").deadline);
  EXPECT_EQ(*Step(birth, "declaration-naissance").deadline, (CivilDate{2026, 3, 15}));
  Plan move = Compute("demenager", {{"véhicule . possède un véhicule", "oui"}});
  ASSERT_TRUE(Step(move, "carte-grise").deadline);
  EXPECT_EQ(*Step(move, "carte-grise").deadline, (CivilDate{2026, 4, 10}));
  EXPECT_FALSE(Step(move, "carte-grise").overdue);
  Plan late = Compute("demenager", {{"véhicule . possède un véhicule", "oui"}}, {}, CivilDate{2026, 5, 1});
  EXPECT_TRUE(Step(late, "carte-grise").overdue);
  Plan done = Compute("demenager", {{"véhicule . possède un véhicule", "oui"}}, {{"carte-grise", StepStatus::kDone}},
                      CivilDate{2026, 5, 1});
  EXPECT_FALSE(Step(done, "carte-grise").overdue);
  EXPECT_EQ(done.done, 1);
}

TEST_F(PlanTest, RecordedStatusesAndDependencies) {
  Plan plan = Compute("devenir-parent", {}, {{"declaration-naissance", StepStatus::kInProgress}});
  EXPECT_EQ(Step(plan, "declaration-naissance").status, StepStatus::kInProgress);
  EXPECT_THAT(Step(plan, "rattachement-assurance-maladie").waiting_for, Contains("declaration-naissance"));
  plan = Compute("devenir-parent", {}, {{"declaration-naissance", StepStatus::kDone}});
  EXPECT_TRUE(Step(plan, "rattachement-assurance-maladie").waiting_for.empty());
}

TEST_F(PlanTest, KarimMovingToLyonGetsTheBikeAidOfThePublishedModel) {
  Answers answers = {{"localisation . epci", "Métropole de Lyon"},
                     {"revenu fiscal de référence par part . revenu de référence", "30000"},
                     {"revenu fiscal de référence par part . nombre de parts", "3"},
                     {"vélo . type", "électrique"},
                     {"vélo . prix", "1500"}};
  Plan plan = Compute("demenager", answers);
  const StepPlan& velo = Step(plan, "aide-velo");
  ASSERT_EQ(velo.applicability, Applicability::kApplies);
  bool lyon = false;
  for (const AidResult& aid : velo.aids) {
    if (aid.rule == "aides . lyon") {
      lyon = true;
      // 10 000 € per share is under 12 231 €: 50 % of 1 500 €, capped at 400 € for an e-bike.
      EXPECT_DOUBLE_EQ(aid.amount, 400);
      EXPECT_FALSE(aid.explanation.fr.empty());
      EXPECT_FALSE(aid.explanation.en.empty());
    }
  }
  EXPECT_TRUE(lyon);
  EXPECT_GE(velo.aid_total, 400);
  // Above the Métropole's income ceiling (26 200 € per share) there is no aid.
  answers["revenu fiscal de référence par part . nombre de parts"] = "1";
  const Plan richer = Compute("demenager", answers);
  EXPECT_EQ(Step(richer, "aide-velo").applicability, Applicability::kNotApplicable);
  EXPECT_TRUE(Step(richer, "aide-velo").aids.empty());
}

TEST_F(PlanTest, AidStepWaitsForItsQuestions) {
  Plan plan = Compute("demenager", {{"localisation . epci", "Métropole de Lyon"}});
  const StepPlan& velo = Step(plan, "aide-velo");
  EXPECT_EQ(velo.applicability, Applicability::kUndetermined);
  EXPECT_THAT(velo.missing, Contains("vélo . prix"));
}

TEST(Answers, FormAndJsonAreCheckedAgainstTheQuestions) {
  Result<catalog::CatalogPtr> loaded = catalog::LoadCatalog(std::string(PARCOURS_SOURCE_DIR) + "/catalog");
  ASSERT_TRUE(loaded.ok());
  const catalog::Event& event = *(*loaded)->FindEvent("devenir-parent");
  Result<Answers> ok = AnswersFromForm(event,
                                       {{"naissance . parents mariés", "non"},
                                        {"foyer . revenu net catégoriel", "42 000,50"},
                                        {"naissance . mode de garde", "crèche"},
                                        {"unrelated", "x"}},
                                       false);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->at("foyer . revenu net catégoriel"), "42000.5");
  EXPECT_EQ(ok->size(), 3u);

  Result<Answers> bad = AnswersFromForm(
      event, {{"foyer . enfants à charge", "-1"}, {"naissance . mode de garde", "grand-mère"}}, false);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field_errors().size(), 2u);

  Result<Answers> good = AnswersFromJson(
      event, Json{{"naissance . parents mariés", false}, {"foyer . enfants à charge", 2}, {"naissance . mode de garde", nullptr}},
      "/answers");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->at("naissance . parents mariés"), "non");
  EXPECT_EQ(good->at("naissance . mode de garde"), "");  // null erases

  Result<Answers> json = AnswersFromJson(event,
                                         Json{{"naissance . parents mariés", "non"},
                                              {"foyer . enfants à charge", 25},
                                              {"inconnue", 1}},
                                         "/answers");
  ASSERT_FALSE(json.ok());
  ASSERT_EQ(json.status().field_errors().size(), 3u);
  EXPECT_EQ(json.status().field_errors()[0].field, "/answers/foyer . enfants à charge");
  EXPECT_THAT(json.status().field_errors()[0].message, HasSubstr("comprise entre 0 et 20"));
  EXPECT_EQ(json.status().field_errors()[1].field, "/answers/inconnue");
  EXPECT_EQ(json.status().field_errors()[2].field, "/answers/naissance . parents mariés");
  EXPECT_THAT(json.status().field_errors()[2].message, HasSubstr("booléen"));
}

TEST(Dates, CivilArithmetic) {
  EXPECT_FALSE(CivilDate::Parse("2025-02-29"));
  EXPECT_TRUE(CivilDate::Parse("2024-02-29"));
  EXPECT_FALSE(CivilDate::Parse("2026-13-01"));
  EXPECT_FALSE(CivilDate::Parse("26-1-1"));
  EXPECT_EQ(CivilDate::Parse("2026-01-31")->AddMonths(1), (CivilDate{2026, 2, 28}));
  EXPECT_EQ(CivilDate::Parse("2026-12-30")->AddDays(5), (CivilDate{2027, 1, 4}));
  EXPECT_EQ((CivilDate{2026, 3, 1}).ToDisplay("fr"), "1er mars 2026");
  EXPECT_EQ((CivilDate{2026, 3, 12}).ToFrench(), "12/03/2026");
}

}  // namespace
}  // namespace parcours::journeys
