#include "parcours/store/events.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/store/migrations.h"

namespace parcours::store {
namespace {

class EventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open({.url = "sqlite::memory:"});
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(Migrate(*db_).ok());
  }

  Result<std::string> Append(const Event& e, const Clock* clock = nullptr) {
    Result<std::string> id = Internal("test", "jamais exécuté");
    Status s = db_->InTransaction([&](Transaction& tx) -> Status {
      id = AppendEvent(tx, e, clock);
      return id.status();
    });
    if (!s.ok()) return s;
    return id;
  }

  std::unique_ptr<Database> db_;
};

Event Valid() {
  Event e;
  e.type = "fr.parcours.journey.started";
  e.source = "/journeys";
  e.subject = "j-1";
  e.person_id = "p-1";
  e.actor = "usager:p-1";
  e.channel = "web";
  e.data_json = R"({"evenement":"demenagement"})";
  return e;
}

TEST_F(EventsTest, AppendFillsIdAndTimeFromTheClock) {
  ManualClock clock(TimePoint(std::chrono::milliseconds(1'780'000'000'123)));
  auto id = Append(Valid(), &clock);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_TRUE(IsValidId(*id));
  auto tx = db_->BeginRead();
  ASSERT_TRUE(tx.ok());
  auto events = ReadEvents(**tx, "", std::nullopt, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].id, *id);
  EXPECT_EQ((*events)[0].time_ms, 1'780'000'000'123);
  EXPECT_EQ((*events)[0].actor, "usager:p-1");
}

TEST_F(EventsTest, AppendKeepsAGivenIdAndTime) {
  Event e = Valid();
  e.id = NewId();
  e.time_ms = 42;
  auto id = Append(e);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, e.id);
  EXPECT_EQ(Append(e).status().code(), StatusCode::kConflict);  // same id twice
}

TEST_F(EventsTest, InvalidEventsAreRefusedWithAField) {
  Event no_type = Valid();
  no_type.type.clear();
  Event no_source = Valid();
  no_source.source.clear();
  Event bad_id = Valid();
  bad_id.id = "pas-un-uuid";
  Event bad_data = Valid();
  bad_data.data_json = "[1,2]";
  Event broken_data = Valid();
  broken_data.data_json = "{\"a\":";
  for (const auto& [event, field] : {std::pair{no_type, "type"}, {no_source, "source"},
                                     {bad_id, "id"}, {bad_data, "data"}, {broken_data, "data"}}) {
    auto id = Append(event);
    ASSERT_FALSE(id.ok()) << field;
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(id.status().reason(), "store.invalid_event");
    ASSERT_EQ(id.status().field_errors().size(), 1u);
    EXPECT_EQ(id.status().field_errors()[0].field, field);
  }
}

TEST_F(EventsTest, ReadRefusesAnUnreasonableLimit) {
  auto tx = db_->BeginRead();
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ(ReadEvents(**tx, "", std::nullopt, 0).status().reason(), "store.bad_limit");
  EXPECT_EQ(ReadEvents(**tx, "", std::nullopt, 10001).status().reason(), "store.bad_limit");
}

TEST_F(EventsTest, LatestEventsOfOnePersonComeNewestFirst) {
  std::vector<std::string> mine;
  for (int i = 0; i < 3; ++i) {
    auto id = Append(Valid());
    ASSERT_TRUE(id.ok());
    mine.push_back(*id);
  }
  Event other = Valid();
  other.person_id = "p-2";
  ASSERT_TRUE(Append(other).ok());
  auto tx = db_->BeginRead();
  ASSERT_TRUE(tx.ok());
  auto latest = ReadLatestEvents(**tx, "p-1", 2);
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ((*latest)[0].id, mine[2]);
  EXPECT_EQ((*latest)[1].id, mine[1]);
  auto older = ReadLatestEvents(**tx, "p-1", 10, mine[1]);
  ASSERT_TRUE(older.ok());
  ASSERT_EQ(older->size(), 1u);
  EXPECT_EQ((*older)[0].id, mine[0]);
  EXPECT_EQ(ReadLatestEvents(**tx, "p-1", 0).status().reason(), "store.bad_limit");
}

TEST(CloudEventTest, CarriesTheSpecAttributesAndExtensions) {
  Event e = Valid();
  e.id = "0190f1e2-0000-7000-8000-000000000001";
  e.time_ms = 1'780'000'000'123;
  nlohmann::json ce = ToCloudEvent(e);
  EXPECT_EQ(ce["specversion"], "1.0");
  EXPECT_EQ(ce["id"], e.id);
  EXPECT_EQ(ce["type"], "fr.parcours.journey.started");
  EXPECT_EQ(ce["source"], "/journeys");
  EXPECT_EQ(ce["subject"], "j-1");
  EXPECT_EQ(ce["time"], FormatRfc3339(TimePoint(std::chrono::milliseconds(e.time_ms))));
  EXPECT_EQ(ce["datacontenttype"], "application/json");
  EXPECT_EQ(ce["data"]["evenement"], "demenagement");
  EXPECT_EQ(ce["personid"], "p-1");
  EXPECT_EQ(ce["actor"], "usager:p-1");
  EXPECT_EQ(ce["channel"], "web");
}

TEST(CloudEventTest, OmitsEmptyOptionalAttributes) {
  Event e;
  e.id = "0190f1e2-0000-7000-8000-000000000001";
  e.type = "fr.parcours.system.started";
  e.source = "/system";
  nlohmann::json ce = ToCloudEvent(e);
  EXPECT_FALSE(ce.contains("subject"));
  EXPECT_FALSE(ce.contains("personid"));
  EXPECT_FALSE(ce.contains("actor"));
  EXPECT_TRUE(ce["data"].is_object());
}

}  // namespace
}  // namespace parcours::store
