#include "parcours/console/console.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "parcours/base/clock.h"
#include "parcours/store/migrations.h"
#include "parcours/store/store.h"

namespace parcours::console {
namespace {

class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open({.url = "sqlite::memory:"});
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrate(*db_).ok());
  }
  // `n` events of `type` on p-1's timeline, by the system.
  void AppendEvents(const std::string& type, int n) {
    Status st = db_->InTransaction([&](store::Transaction& tx) -> Status {
      for (int i = 0; i < n; ++i) {
        store::Event e;
        e.type = type;
        e.source = "/test";
        e.person_id = "p-1";
        e.actor = "system";
        e.channel = "api";
        RETURN_IF_ERROR(store::AppendEvent(tx, e, &clock_).status());
      }
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  Interaction Valid() const {
    return {"p-1", "agent:u-1", "Agent Dupont", "caf", "counter", "  Changement d'adresse  ", "Justificatif vu."};
  }
  std::unique_ptr<store::Database> db_;
  ManualClock clock_{TimePoint(std::chrono::milliseconds(1'780'000'000'000))};
};

TEST_F(ConsoleTest, AnInteractionIsAnEventOnThePersonsTimeline) {
  auto id = RecordInteraction(*db_, clock_, Valid());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto timeline = Timeline(*db_, "p-1");
  ASSERT_TRUE(timeline.ok());
  ASSERT_EQ(timeline->size(), 1u);
  const store::Event& e = timeline->front();
  EXPECT_EQ(e.id, *id);
  EXPECT_EQ(e.type, "fr.parcours.interaction.recorded");
  EXPECT_EQ(e.actor, "agent:u-1");
  EXPECT_EQ(e.channel, "counter");
  EXPECT_EQ(e.time_ms, 1'780'000'000'000);
  auto data = nlohmann::json::parse(e.data_json);
  EXPECT_EQ(data["subject"], "Changement d'adresse");  // trimmed
  EXPECT_EQ(data["on_behalf_of"], "p-1");
  EXPECT_EQ(data["organisation"], "caf");
  EXPECT_TRUE(Timeline(*db_, "p-2")->empty());
}

TEST_F(ConsoleTest, NewestFirst) {
  Interaction first = Valid();
  ASSERT_TRUE(RecordInteraction(*db_, clock_, first).ok());
  clock_.Advance(std::chrono::minutes(1));
  Interaction second = Valid();
  second.channel = "phone";
  second.subject = "Rappel";
  ASSERT_TRUE(RecordInteraction(*db_, clock_, second).ok());
  auto timeline = Timeline(*db_, "p-1", 10);
  ASSERT_EQ(timeline->size(), 2u);
  EXPECT_EQ((*timeline)[0].channel, "phone");
  EXPECT_EQ(Timeline(*db_, "p-1", 0).status().reason(), "console.bad_limit");
}

TEST_F(ConsoleTest, TransientDeliveryFailuresStayOffTheTimeline) {
  ASSERT_TRUE(RecordInteraction(*db_, clock_, Valid()).ok());
  AppendEvents("fr.parcours.delivery.failed", 600);  // more than one page of retries
  auto timeline = Timeline(*db_, "p-1", 5);
  ASSERT_TRUE(timeline.ok());
  ASSERT_EQ(timeline->size(), 1u);
  EXPECT_EQ(timeline->front().type, "fr.parcours.interaction.recorded");
}

TEST_F(ConsoleTest, AHelperSeesOnlyTheEventsItsMandateCovers) {
  EXPECT_EQ(TimelineScope("fr.parcours.vault.attributes_changed"), "vault");
  EXPECT_EQ(TimelineScope("fr.parcours.journey.step.status_changed"), "journeys");
  EXPECT_EQ(TimelineScope("fr.parcours.proactive.offer.made"), "journeys");
  EXPECT_EQ(TimelineScope("fr.parcours.delivery.status_changed"), "declarations");
  EXPECT_EQ(TimelineScope("fr.parcours.interaction.recorded"), "");
  EXPECT_EQ(TimelineScope("fr.parcours.complaint.filed"), "");
  EXPECT_EQ(TimelineScope("fr.parcours.auth.login.succeeded"), "*");
  ASSERT_TRUE(RecordInteraction(*db_, clock_, Valid()).ok());
  AppendEvents("fr.parcours.vault.attributes_changed", 600);  // beyond the limit and the first page
  auto journeys_only = [](std::string_view scope) { return scope.empty() || scope == "journeys"; };
  auto timeline = Timeline(*db_, "p-1", 5, journeys_only);
  ASSERT_TRUE(timeline.ok());
  ASSERT_EQ(timeline->size(), 1u);
  EXPECT_EQ(timeline->front().type, "fr.parcours.interaction.recorded");
  EXPECT_EQ(Timeline(*db_, "p-1", 5)->size(), 5u);
}

TEST_F(ConsoleTest, RefusesBadInteractionsWithTheField) {
  Interaction web = Valid();
  web.channel = "web";
  Interaction empty = Valid();
  empty.subject = "   ";
  Interaction long_subject = Valid();
  long_subject.subject = std::string(201, 'a');
  Interaction long_note = Valid();
  long_note.note = std::string(2001, 'a');
  for (const auto& [in, field] : {std::pair{web, "canal"}, {empty, "objet"}, {long_subject, "objet"},
                                  {long_note, "note"}}) {
    auto id = RecordInteraction(*db_, clock_, in);
    ASSERT_FALSE(id.ok()) << field;
    EXPECT_EQ(id.status().reason(), "console.bad_interaction");
    ASSERT_EQ(id.status().field_errors().size(), 1u);
    EXPECT_EQ(id.status().field_errors()[0].field, field);
  }
  EXPECT_TRUE(Timeline(*db_, "p-1")->empty());  // nothing recorded
  // The limits count characters: 2000 accented ones (4000 bytes) are a note of 2000 characters.
  Interaction accented = Valid();
  accented.subject.clear();
  accented.note.clear();
  for (int i = 0; i < 200; ++i) accented.subject += "é";
  for (int i = 0; i < 2000; ++i) accented.note += "é";
  EXPECT_TRUE(RecordInteraction(*db_, clock_, accented).ok());
}

}  // namespace
}  // namespace parcours::console
