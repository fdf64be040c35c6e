#include "parcours/journeys/journeys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "parcours/base/clock.h"
#include "parcours/base/json.h"
#include "parcours/store/events.h"
#include "parcours/store/migrations.h"
#include "parcours/store/testing.h"

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
    situation_ = NewStoreSituationSource(scratch_->db(), clock_);
    service_ = std::make_unique<JourneyService>(scratch_->db(), *catalog_, *situation_, clock_);
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
  std::unique_ptr<SituationSource> situation_;
  std::unique_ptr<JourneyService> service_;
  const Actor camille_{"usager:camille", "web"};
};
catalog::CatalogPtr* JourneyServiceTest::catalog_ = nullptr;

TEST_F(JourneyServiceTest, CamillesBirthPlanFollowsHerSituation) {
  Result<JourneyView> started = service_->Start(camille_, "camille", "devenir-parent", "2026-04-20",
                                                {{"naissance . parents mariés", "non"}});
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  const std::string id = started->journey.id;
  EXPECT_EQ(started->plan.Find("reconnaissance-anticipee")->applicability, Applicability::kApplies);
  EXPECT_EQ(*started->plan.Find("declaration-naissance")->deadline, (CivilDate{2026, 4, 25}));

  // She marries: the plan is recomputed and the change is an event.
  Result<JourneyView> married = service_->UpdateSituation(camille_, "camille", id, {{"naissance . parents mariés", "oui"}});
  ASSERT_TRUE(married.ok()) << married.status().ToString();
  EXPECT_EQ(married->plan.Find("reconnaissance-anticipee")->applicability, Applicability::kNotApplicable);

  // Non-linear progress, saved.
  ASSERT_TRUE(service_->SetStepStatus(camille_, "camille", id, "complementaire-sante", StepStatus::kInProgress).ok());
  ASSERT_TRUE(service_->SetStepStatus(camille_, "camille", id, "declaration-naissance", StepStatus::kDone).ok());
  Result<JourneyView> again = service_->Get(camille_, "camille", id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->plan.Find("complementaire-sante")->status, StepStatus::kInProgress);
  EXPECT_EQ(again->plan.Find("declaration-naissance")->status, StepStatus::kDone);

  std::vector<store::Event> events = Events("camille");
  EXPECT_THAT(Types(events), ElementsAre("fr.parcours.journey.situation.updated", "fr.parcours.journey.started",
                                         "fr.parcours.journey.situation.updated", "fr.parcours.journey.plan.changed",
                                         "fr.parcours.journey.step.status_changed",
                                         "fr.parcours.journey.step.status_changed"));
  Result<Json> changed = ParseJson(events[3].data_json);
  ASSERT_TRUE(changed.ok());
  EXPECT_THAT((*changed)["no_longer_applicable"], Contains("reconnaissance-anticipee"));
  // Events carry attribute names, never values.
  EXPECT_EQ(events[0].data_json.find("non"), std::string::npos);
}

TEST_F(JourneyServiceTest, SeveralJourneysAndOwnership) {
  ASSERT_TRUE(service_->Start(camille_, "camille", "devenir-parent", "2026-04-20", {}).ok());
  Result<JourneyView> move = service_->Start(camille_, "camille", "demenager", "2026-05-01", {});
  ASSERT_TRUE(move.ok());
  Result<std::vector<Journey>> list = service_->List("camille");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
  Result<JourneyView> other = service_->Get({"usager:karim", "web"}, "karim", move->journey.id);
  EXPECT_EQ(other.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->Get(camille_, "camille", "not-an-id").status().reason(), "journeys.not_found");
}

TEST_F(JourneyServiceTest, BadInputIsRefusedWithFieldErrors) {
  Result<JourneyView> unknown = service_->Start(camille_, "camille", "partir-sur-mars", "2026-04-20", {});
  EXPECT_EQ(unknown.status().reason(), "journeys.unknown_event");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  Result<JourneyView> impossible = service_->Start(camille_, "camille", "devenir-parent", "2026-02-30", {});
  EXPECT_EQ(impossible.status().reason(), "journeys.invalid_date");
  ASSERT_EQ(impossible.status().field_errors().size(), 1u);
  EXPECT_EQ(impossible.status().field_errors()[0].field, "event_date");
  EXPECT_EQ(service_->Start(camille_, "camille", "devenir-parent", "2031-01-01", {}).status().reason(),
            "journeys.date_out_of_range");

  Result<JourneyView> j = service_->Start(camille_, "camille", "demenager", "2026-05-01",
                                          {{"véhicule . possède un véhicule", "non"}});
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(service_->SetStepStatus(camille_, "camille", j->journey.id, "teleportation", StepStatus::kDone)
                .status()
                .reason(),
            "journeys.unknown_step");
  EXPECT_EQ(service_->SetStepStatus(camille_, "camille", j->journey.id, "carte-grise", StepStatus::kDone)
                .status()
                .code(),
            StatusCode::kConflict);
}

}  // namespace
}  // namespace parcours::journeys
