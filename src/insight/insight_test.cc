// Every indicator's value on a small hand-made event log, the filters, the feedback form, and
// the equality of incremental folds and a rebuild (on SQLite, and on PostgreSQL when present).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "fold_state.h"
#include "histogram.h"

#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/insight/aggregates.h"
#include "parcours/insight/demo.h"
#include "parcours/insight/export.h"
#include "parcours/insight/feedback.h"
#include "parcours/insight/indicators.h"
#include "parcours/insight/service.h"
#include "parcours/store/events.h"
#include "parcours/store/migrations.h"
#include "parcours/store/testing.h"

namespace parcours::insight {
namespace {

using Json = nlohmann::json;
constexpr int64_t kH = 3'600'000;
const int64_t kDay0 = *IsoToDay("2026-03-02");
const int64_t kT0 = kDay0 * 86'400'000;

class InsightTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    auto scratch = store::testing::ScratchDatabase::Create(GetParam());
    if (scratch.status().reason() == "store.no_test_server") GTEST_SKIP() << "PostgreSQL absent";
    ASSERT_TRUE(scratch.ok()) << scratch.status().ToString();
    scratch_ = std::move(*scratch);
    ASSERT_TRUE(store::Migrate(db()).ok());
  }
  store::Database& db() { return scratch_->db(); }

  // Appends one event at time t (ids follow t, as in production).
  void Add(const std::string& type, const std::string& subject, const std::string& person, const std::string& actor,
           const std::string& channel, int64_t t, const Json& data) {
    clock_.Set(TimePoint(std::chrono::milliseconds(t)));
    store::Event e;
    e.type = "fr.parcours." + type;
    e.source = "/test";
    e.subject = subject;
    e.person_id = person;
    e.actor = actor;
    e.channel = channel;
    e.time_ms = t;
    e.data_json = data.dump();
    e.id = EventIdAt(t, "abc", ++seq_);
    ASSERT_TRUE(db().InTransaction([&](store::Transaction& tx) { return store::AppendEvent(tx, e, &clock_).status(); }).ok());
    if (fold_each_) {
      auto folded = Fold(db(), far_, {.batch = 3});
      ASSERT_TRUE(folded.ok()) << folded.status().ToString();
      ASSERT_EQ(folded->events, 1);
    }
  }
  void Step(const std::string& j, const std::string& p, const std::string& actor, const std::string& channel, int64_t t,
            const std::string& step, const std::string& to) {
    Add("journey.step.status_changed", j, p, actor, channel, t,
        {{"event_id", "demenager"}, {"step_id", step}, {"administration", step == "a" ? "caf" : "cpam"},
         {"from", "a_faire"}, {"to", to}});
  }
  void Started(const std::string& j, const std::string& p, const std::string& actor, const std::string& channel,
               int64_t t, const Json& steps, const std::string& commune) {
    Add("journey.started", j, p, actor, channel, t,
        {{"event_id", "demenager"}, {"applicable_steps", steps}, {"commune", commune}});
  }

  // The hand-made log described in docs/INDICATORS.md ("Worked example").
  void HandMadeLog() {
    Started("j1", "p1", "usager:p1", "web", kT0, {"a", "b"}, "69123");
    Started("j2", "p2", "agent:x", "counter", kT0 + 1 * kH, {"a", "b"}, "59350");
    Started("j3", "p3", "usager:p3", "web", kT0 + 2 * kH, {"a"}, "69123");
    Step("j1", "p1", "usager:p1", "web", kT0 + 2 * kH + 10, "a", "en_cours");
    Step("j2", "p2", "agent:x", "counter", kT0 + 2 * kH + 20, "a", "en_cours");
    Add("vault.form_submitted", "p1", "p1", "usager:p1", "web", kT0 + 2 * kH + 30,
        {{"purpose", "caf"}, {"asked", 2}, {"prefilled", 3}, {"reasked", 1}});
    Add("declaration.submitted", "d", "p1", "usager:p1", "web", kT0 + 2 * kH + 40, Json::object());
    Step("j1", "p1", "usager:p1", "web", kT0 + 3 * kH, "a", "terminee");
    Step("j2", "p2", "agent:x", "counter", kT0 + 3 * kH + 1, "a", "terminee");
    Add("vault.form_submitted", "p3", "p3", "usager:p3", "web", kT0 + 3 * kH + 2,
        {{"purpose", "caf"}, {"asked", 4}, {"prefilled", 0}, {"reasked", 2}});
    Add("delivery.delivered", "d2", "p2", "system", "api", kT0 + 4 * kH,
        {{"service", "caf"}, {"attempts", 1}, {"latency_ms", 1000}});
    Add("delivery.failed", "d3", "p3", "system", "api", kT0 + 4 * kH + 1, {{"service", "caf"}, {"attempts", 1}});
    Step("j2", "p2", "agent:x", "counter", kT0 + 4 * kH + 2, "b", "en_cours");
    Step("j1", "p1", "usager:p1", "web", kT0 + 5 * kH, "b", "en_cours");
    Add("complaint.filed", "c1", "p2", "usager:p2", "web", kT0 + 5 * kH + 1, {{"service", "caf"}});
    Add("complaint.filed", "c2", "p1", "usager:p1", "web", kT0 + 5 * kH + 2, {{"service", "caf"}});
    Add("proactive.offer.made", "p1", "p1", "system", "system", kT0 + 6 * kH, {{"service", "caf"}});
    Add("proactive.offer.made", "p2", "p2", "system", "system", kT0 + 6 * kH + 1, {{"service", "caf"}});
    Add("proactive.offer.accepted", "p1", "p1", "usager:p1", "web", kT0 + 7 * kH, {{"service", "caf"}});
    Step("j1", "p1", "usager:p1", "web", kT0 + 10 * kH, "b", "terminee");
    // Feedback (one malformed, ignored).
    Add("feedback.submitted", "", "", "anonymous", "web", kT0 + 11 * kH,
        {{"life_event", "demenager"}, {"satisfaction", "bien"}, {"ease", "moyen"}, {"clarity", "bien"},
         {"help_sought", true}, {"help_reached", true}, {"nps", 10}, {"effort", 2}, {"comment", "Très bien"}});
    Add("feedback.submitted", "", "", "anonymous", "web", kT0 + 11 * kH + 1,
        {{"life_event", "demenager"}, {"satisfaction", "moyen"}, {"help_sought", true}, {"help_reached", false},
         {"nps", 6}, {"effort", 5}});
    Add("feedback.submitted", "", "", "anonymous", "web", kT0 + 11 * kH + 2,
        {{"life_event", "demenager"}, {"satisfaction", "mal"}, {"nps", 8}});
    Add("feedback.submitted", "", "", "anonymous", "web", kT0 + 11 * kH + 3,
        {{"life_event", "demenager"}, {"satisfaction", "super"}});
    Add("complaint.resolved", "c1", "p2", "agent:x", "counter", kT0 + 35 * kH + 1, {{"service", "caf"}});
    Step("j3", "p3", "agent:y", "phone", kT0 + 62 * kH, "a", "terminee");
    Add("delivery.status_changed", "d2", "p2", "organisation:caf", "api", kT0 + 76 * kH,
        {{"service", "caf"}, {"from", "envoyee"}, {"to", "acceptee"}});
  }

  Filter Demenager() {
    Filter f;
    f.journey = "demenager";
    f.from_day = kDay0;
    f.to_day = kDay0 + 6;
    return f;
  }

  ManualClock clock_{TimePoint(std::chrono::milliseconds(kT0))};
  ManualClock far_{TimePoint(std::chrono::milliseconds(kT0 + 1000 * kH))};
  uint64_t seq_ = 0;
  bool fold_each_ = false;
  std::unique_ptr<store::testing::ScratchDatabase> scratch_;
};

// The same expectations after folding each event as it arrives, and after a rebuild.
class HandMadeTest : public InsightTest {
 protected:
  void Check();
};

TEST_P(HandMadeTest, EveryIndicatorFoldedAsEventsArrive) {
  fold_each_ = true;
  HandMadeLog();
  Check();
}

TEST_P(HandMadeTest, EveryIndicatorAfterARebuild) {
  HandMadeLog();
  auto rebuilt = Rebuild(db(), far_, {.batch = 4});
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(rebuilt->events, 27);
  EXPECT_EQ(rebuilt->batches, 7);
  Check();
}

void HandMadeTest::Check() {
  auto r = Compute(db(), Demenager());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->journeys_started, 3);
  EXPECT_EQ(r->journeys_completed, 2);
  EXPECT_DOUBLE_EQ(*r->completion_rate, 2.0 / 3.0);
  EXPECT_EQ(r->journeys_autonomous, 1);
  EXPECT_DOUBLE_EQ(*r->autonomy_rate, 0.5);
  EXPECT_EQ(r->time_to_complete.count, 2);
  EXPECT_EQ(*r->time_to_complete.median_hours, 10);
  EXPECT_EQ(*r->time_to_complete.p90_hours, 72);
  EXPECT_EQ(r->time_to_benefit.count, 1);
  EXPECT_EQ(*r->time_to_benefit.median_hours, 96);
  ASSERT_EQ(r->funnel.size(), 2u);
  EXPECT_EQ(r->funnel[0].step, "a");
  EXPECT_EQ(r->funnel[0].started, 3);
  EXPECT_EQ(r->funnel[0].done, 3);
  EXPECT_EQ(r->funnel[0].helped, 2);
  EXPECT_DOUBLE_EQ(*r->funnel[0].dropoff_rate, 0.0);
  EXPECT_EQ(r->funnel[1].step, "b");
  EXPECT_EQ(r->funnel[1].started, 2);
  EXPECT_EQ(r->funnel[1].done, 1);
  EXPECT_DOUBLE_EQ(*r->funnel[1].dropoff_rate, 0.5);
  EXPECT_EQ(r->forms, 2);
  EXPECT_EQ(r->fields_asked, 6);
  EXPECT_EQ(r->fields_prefilled, 3);
  EXPECT_EQ(r->fields_reasked, 3);
  EXPECT_DOUBLE_EQ(*r->reasked_rate, 3.0 / 9.0);
  EXPECT_DOUBLE_EQ(*r->prefilled_rate, 3.0 / 9.0);
  EXPECT_EQ(r->feedback, 3);
  EXPECT_DOUBLE_EQ(*r->satisfaction, 5.0);
  EXPECT_DOUBLE_EQ(*r->ease, 5.0);
  EXPECT_DOUBLE_EQ(*r->clarity, 10.0);
  EXPECT_EQ(r->help_sought, 2);
  EXPECT_EQ(r->help_reached, 1);
  EXPECT_DOUBLE_EQ(*r->help_reached_rate, 0.5);
  EXPECT_EQ(r->nps_answers, 3);
  EXPECT_EQ(r->promoters, 1);
  EXPECT_EQ(r->detractors, 1);
  EXPECT_DOUBLE_EQ(*r->nps, 0.0);
  EXPECT_EQ(r->effort_answers, 2);
  EXPECT_DOUBLE_EQ(*r->effort, 3.5);
  EXPECT_EQ(r->proactive_offers, 2);
  EXPECT_EQ(r->proactive_accepted, 1);
  EXPECT_DOUBLE_EQ(*r->proactive_take_up, 0.5);
  EXPECT_EQ(r->complaints, 2);
  EXPECT_EQ(r->complaints_resolved, 1);
  EXPECT_EQ(*r->complaint_delay.median_hours, 30);
  EXPECT_EQ(r->declarations, 1);
  ASSERT_EQ(r->agencies.size(), 1u);
  EXPECT_EQ(r->agencies[0].service, "caf");
  EXPECT_EQ(r->agencies[0].delivered, 1);
  EXPECT_EQ(r->agencies[0].failed, 1);
  EXPECT_EQ(*r->agencies[0].mean_transmission_ms, 1000);
  EXPECT_EQ(r->agencies[0].decision.count, 1);
  EXPECT_EQ(*r->agencies[0].decision.median_hours, 96);

  auto comments = Comments(db(), Demenager(), 10);
  ASSERT_TRUE(comments.ok());
  ASSERT_EQ(comments->size(), 1u);
  EXPECT_EQ((*comments)[0].text, "Très bien");
  EXPECT_EQ((*comments)[0].satisfaction, "bien");
}

INSTANTIATE_TEST_SUITE_P(Backends, HandMadeTest, ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& info) { return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres"; });

TEST_P(InsightTest, FiltersByChannelTerritoryServiceAndPeriod) {
  HandMadeLog();
  ASSERT_TRUE(Fold(db(), far_, {}).ok());
  Filter web = Demenager();
  web.channel = "web";
  EXPECT_EQ(Compute(db(), web)->journeys_started, 2);
  Filter nord = Demenager();
  nord.departement = "59";
  auto r = Compute(db(), nord);
  EXPECT_EQ(r->journeys_started, 1);
  EXPECT_EQ(r->journeys_completed, 0);
  EXPECT_DOUBLE_EQ(*r->completion_rate, 0.0);
  EXPECT_FALSE(r->autonomy_rate.has_value());  // no journey completed: no denominator
  Filter lyon = Demenager();
  lyon.commune = "69123";
  EXPECT_EQ(Compute(db(), lyon)->journeys_completed, 2);
  EXPECT_EQ(*Compute(db(), lyon)->time_to_complete.p90_hours, 72);
  Filter web_rhone = Demenager();
  web_rhone.channel = "web";
  web_rhone.departement = "69";
  r = Compute(db(), web_rhone);
  EXPECT_EQ(r->journeys_started, 2);
  EXPECT_EQ(r->time_to_complete.count, 2);
  Filter counter_rhone = web_rhone;
  counter_rhone.channel = "counter";
  EXPECT_EQ(Compute(db(), counter_rhone)->journeys_started, 0);
  // Whole months are read from month rows, the days around them from day rows: same numbers.
  for (const auto& [from, to] : {std::pair<const char*, const char*>{"2026-03-01", "2026-03-31"},
                                 {"2026-02-15", "2026-04-10"}, {"2026-01-01", "2026-12-31"},
                                 {"2026-03-02", "2026-04-30"}}) {
    Filter month = Demenager();
    month.from_day = *IsoToDay(from);
    month.to_day = *IsoToDay(to);
    r = Compute(db(), month);
    EXPECT_EQ(r->journeys_started, 3) << from;
    EXPECT_EQ(r->journeys_completed, 2) << from;
    EXPECT_EQ(*r->time_to_complete.p90_hours, 72) << from;
    EXPECT_EQ(r->feedback, 3) << from;
    month.commune = "69123";
    EXPECT_EQ(Compute(db(), month)->journeys_started, 2) << from;
  }
  Filter april = Demenager();
  april.from_day = *IsoToDay("2026-04-01");
  april.to_day = *IsoToDay("2026-04-30");
  EXPECT_EQ(Compute(db(), april)->journeys_started, 0);
  Filter elsewhere = lyon;
  elsewhere.departement = "59";  // a commune outside the département asked
  EXPECT_EQ(Compute(db(), elsewhere)->journeys_started, 0);
  Filter caf;
  caf.service = "caf";
  caf.from_day = kDay0;
  caf.to_day = kDay0;
  r = Compute(db(), caf);
  EXPECT_EQ(r->forms, 2);
  EXPECT_EQ(r->journeys_started, 0);  // journeys belong to no single service
  ASSERT_EQ(r->funnel.size(), 1u);
  EXPECT_EQ(r->funnel[0].step, "a");
  EXPECT_EQ(Compute(db(), PreviousPeriod(Demenager()))->journeys_started, 0);
}

TEST_P(InsightTest, IncrementalFoldsEqualARebuild) {
  ManualClock now(TimePoint(std::chrono::milliseconds(kT0 + 400 * 24 * kH)));
  DemoOptions o;
  o.persons = 150;
  o.months = 2;
  o.end_ms = now.NowMillis() - 3600 * 1000;
  o.rows_per_insert = 37;
  ASSERT_TRUE(GenerateDemo(db(), o).ok());
  // Fold in small uneven steps, and one batch large enough to preload its state rows and read
  // its histograms in several statements each (over state and rows earlier batches wrote).
  for (int batch : {7, 13, 1, 50}) ASSERT_TRUE(Fold(db(), now, {.batch = batch, .max_events = 400}).ok());
  ASSERT_TRUE(Fold(db(), now, {.batch = 900, .max_events = 900}).ok());
  ASSERT_TRUE(Fold(db(), now, {.batch = 29}).ok());
  auto Snapshot = [&] {
    auto tx = db().BeginRead();
    // Every grouping set holds the same counts: "every channel" is the sum over channels, a
    // département the sum over its communes (every demo event has a channel and a commune).
    auto channels = (*tx)->Query(
        "SELECT COUNT(*) FROM insight_cube a WHERE a.channel = '' AND a.departement = '' AND a.commune = '' AND "
        "a.n <> (SELECT SUM(c.n) FROM insight_cube c WHERE c.journey = a.journey AND c.grain = a.grain AND "
        "c.day = a.day AND c.service = a.service AND c.step = a.step AND c.metric = a.metric AND c.channel <> '' AND "
        "c.departement = '' AND c.commune = '')");
    EXPECT_EQ((*channels)[0].Int(0), 0);
    auto communes = (*tx)->Query(
        "SELECT COUNT(*) FROM insight_cube a WHERE a.departement <> '' AND a.commune = '' AND a.n <> (SELECT SUM(c.n) "
        "FROM insight_cube c WHERE c.journey = a.journey AND c.channel = a.channel AND c.grain = a.grain AND "
        "c.day = a.day AND "
        "c.service = a.service AND c.step = a.step AND c.metric = a.metric AND c.departement = a.departement AND "
        "c.commune <> '')");
    EXPECT_EQ((*communes)[0].Int(0), 0);
    auto counted = (*tx)->Query("SELECT COUNT(*) FROM insight_cube WHERE commune <> '' AND hist <> ''");
    EXPECT_GT((*counted)[0].Int(0), 0);  // histograms were written
    auto rows = (*tx)->Query("SELECT journey, channel, departement, commune, grain, day, service, step, metric, n, "
                             "total, hist FROM insight_cube ORDER BY journey, channel, departement, commune, grain, day, "
                             "service, step, metric");
    // A month row holds the sum of its days.
    std::map<std::string, int64_t> day_sums, month_rows;
    for (const auto& r : *rows) {
      const std::string key = r.Text(0) + "|" + r.Text(1) + "|" + r.Text(2) + "|" + r.Text(3) + "|" +
                              std::to_string(r.Int(4) == 0 ? MonthStart(r.Int(5)) : r.Int(5)) + "|" + r.Text(6) +
                              "|" + r.Text(7) + "|" + r.Text(8);
      (r.Int(4) == 0 ? day_sums : month_rows)[key] += r.Int(9);
    }
    EXPECT_EQ(day_sums, month_rows);
    std::string out;
    for (const auto& r : *rows) {
      for (std::size_t i = 0; i < r.size(); ++i) out += (i == 4 || i == 5 || i == 9 || i == 10 ? std::to_string(r.Int(i)) : r.Text(i)) + "|";
      out += "\n";
    }
    return out;
  };
  const std::string incremental = Snapshot();
  EXPECT_GT(incremental.size(), 1000u);
  Filter f;
  f.journey = "demenager";
  f.to_day = now.NowMillis() / 86'400'000;
  f.from_day = f.to_day - 120;
  auto before = Compute(db(), f);
  ASSERT_TRUE(before.ok());
  EXPECT_GT(before->journeys_started, 10);
  auto again = Fold(db(), now);
  EXPECT_EQ(again->events, 0);  // idempotent: nothing new, nothing counted twice
  ASSERT_TRUE(Rebuild(db(), now, {.batch = 1000}).ok());
  EXPECT_EQ(Snapshot(), incremental);
  auto after = Compute(db(), f);
  EXPECT_EQ(after->journeys_completed, before->journeys_completed);
  EXPECT_EQ(after->feedback, before->feedback);
  EXPECT_EQ(after->time_to_complete.median_hours, before->time_to_complete.median_hours);
}

TEST_P(InsightTest, FoldLeavesEventsYoungerThanTheSettleWindow) {
  Started("j1", "p1", "usager:p1", "web", kT0, {"a"}, "69123");
  Started("j2", "p2", "usager:p2", "web", kT0 + 10'000, {"a"}, "69123");
  ManualClock now(TimePoint(std::chrono::milliseconds(kT0 + 12'000)));
  EXPECT_EQ(Fold(db(), now, {.settle_ms = 5000})->events, 1);
  now.Advance(std::chrono::seconds(10));
  EXPECT_EQ(Fold(db(), now, {.settle_ms = 5000})->events, 1);
  EXPECT_EQ(Compute(db(), Demenager())->journeys_started, 2);
}

TEST_P(InsightTest, ExportsSayUpToWhenTheCountsAreComplete) {
  Started("j1", "p1", "usager:p1", "web", kT0, {"a"}, "69123");
  auto Exports = [&](std::optional<int64_t> as_of) {
    auto now = Compute(db(), Demenager());
    auto before = Compute(db(), PreviousPeriod(Demenager()));
    EXPECT_TRUE(now.ok() && before.ok());
    return std::make_tuple(ToJson(*now, &*before, as_of), ToCsv(*now, *before, as_of), OpenData(*now, as_of));
  };
  // Before the first fold: nothing is complete yet.
  ASSERT_EQ(AsOf(db())->has_value(), false);
  auto [json0, csv0, open0] = Exports(std::nullopt);
  EXPECT_TRUE(json0.at("as_of").is_null());
  EXPECT_TRUE(open0.at("as_of").is_null());
  EXPECT_EQ(csv0.substr(0, csv0.find("parcours_commences")),
            "indicateur,dimension,valeur,periode_precedente\r\ndonnees_a_jour_au,,,\r\n");
  // Folded up to the settle window's bound: 12 s after kT0, minus 5 s.
  ManualClock now(TimePoint(std::chrono::milliseconds(kT0 + 12'000)));
  ASSERT_TRUE(Fold(db(), now, {.settle_ms = 5000}).ok());
  auto as_of = AsOf(db());
  ASSERT_TRUE(as_of.ok() && as_of->has_value());
  EXPECT_EQ(**as_of, kT0 + 7'000);
  auto [json1, csv1, open1] = Exports(*as_of);
  EXPECT_EQ(json1.at("as_of"), "2026-03-02T00:00:07.000Z");
  EXPECT_EQ(open1.at("as_of"), "2026-03-02T00:00:07.000Z");
  EXPECT_EQ(json1.at("journeys").at("started"), 1);
  EXPECT_EQ(csv1.substr(0, csv1.find("parcours_commences")),
            "indicateur,dimension,valeur,periode_precedente\r\ndonnees_a_jour_au,,2026-03-02T00:00:07.000Z,\r\n");
}

// With the catalogue's references, answers about unknown journeys, steps or services are refused.
TEST_P(InsightTest, FeedbackAboutWhatTheCatalogueDoesNotHoldIsRefused) {
  FeedbackService checked(db(), clock_);
  checked.SetReferences({.life_event = [](std::string_view id) { return id == "demenager"; },
                         .step = [](std::string_view, std::string_view step) { return step == "adresse-caf"; },
                         .service = [](std::string_view id) { return id == "caf"; }});
  FeedbackInput unknown;
  unknown.life_event = "nexiste-pas";
  unknown.satisfaction = "bien";
  EXPECT_EQ(checked.Submit("9.9.9.9", "", unknown).status().field_errors().at(0).reason, "unknown_journey");
  unknown.life_event = "demenager";
  unknown.step_id = "zzz";
  unknown.service = "zzz";
  unknown.nps = "7.5";
  auto wrong = checked.Submit("9.9.9.9", "", unknown);
  ASSERT_EQ(wrong.status().field_errors().size(), 3u);
  EXPECT_EQ(wrong.status().field_errors()[0].reason, "unknown_step");
  EXPECT_EQ(wrong.status().field_errors()[1].reason, "unknown_service");
  EXPECT_EQ(wrong.status().field_errors()[2].message, "Choisissez une note entière de 0 à 10.");
  unknown.step_id = "adresse-caf";
  unknown.service = "caf";
  unknown.nps = "7";
  EXPECT_TRUE(checked.Submit("9.9.9.9", "", unknown).ok());
}

TEST_P(InsightTest, FeedbackIsValidatedAnonymousAndRateLimited) {
  FeedbackService service(db(), clock_, {.per_window = 2, .window_ms = 3'600'000});
  FeedbackInput bad;
  bad.life_event = "Démé nager";
  bad.satisfaction = "super";
  bad.nps = "11";
  bad.effort = "0";
  bad.help_reached = "oui";
  auto refused = service.Submit("1.2.3.4", "", bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().reason(), "insight.bad_feedback");
  EXPECT_EQ(refused.status().field_errors().size(), 5u);

  FeedbackInput ok;
  ok.life_event = "demenager";
  ok.journey_id = "0190f1e2-0000-7000-8000-000000000001";
  ok.satisfaction = "bien";
  ok.nps = "9";
  ok.comment = "Parfait";
  auto first = service.Submit("1.2.3.4", "person-1", ok);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ok.link_identity = true;
  ASSERT_TRUE(service.Submit("1.2.3.4", "person-1", ok).ok());
  auto flood = service.Submit("1.2.3.4", "", ok);
  EXPECT_EQ(flood.status().reason(), "insight.feedback_rate_limited");
  EXPECT_TRUE(service.Submit("5.6.7.8", "", ok).ok());
  clock_.Advance(std::chrono::hours(1));
  EXPECT_TRUE(service.Submit("1.2.3.4", "", ok).ok());

  auto tx = db().BeginRead();
  auto rows = (*tx)->Query("SELECT person_id, subject, data FROM events WHERE type = 'fr.parcours.feedback.submitted' "
                           "ORDER BY id");
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].Text(0), "");  // anonymous: no person, no journey
  EXPECT_EQ((*rows)[0].Text(1), "");
  EXPECT_EQ(Json::parse((*rows)[0].Text(2)).count("journey_id"), 0u);
  EXPECT_EQ((*rows)[1].Text(0), "person-1");  // linked with consent
  tx->reset();
  ASSERT_TRUE(Fold(db(), SystemClock(), {.settle_ms = -60'000}).ok());
  auto read = db().BeginRead();
  auto comments = (*read)->Query("SELECT * FROM insight_comments");
  ASSERT_EQ(comments->size(), 4u);
  for (const auto& c : *comments) {
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (!c.IsNull(i) && std::holds_alternative<std::string>(c.at(i))) {
        EXPECT_EQ(c.Text(i).find("person-1"), std::string::npos);
      }
    }
  }
}

TEST_P(InsightTest, ServiceFoldsInTheBackgroundInBoundedRounds) {
  HandMadeLog();  // 27 events, none folded yet
  InsightService service(db(), far_);
  EXPECT_FALSE(service.AsOf()->has_value());
  EXPECT_EQ(service.StartFolding({.interval_ms = 10}).reason(), "insight.bad_worker");
  ASSERT_TRUE(service.StartFolding({.interval_ms = 100, .batch = 4, .settle_ms = 5000}).ok());
  EXPECT_TRUE(service.folding_in_background());
  // Seven rounds of at most 4 events; wait for them (bounded), the dashboard never folds.
  for (int i = 0; i < 1200 && service.folded_in_background() < 27; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(service.folded_in_background(), 27);
  // Caught up: complete up to the settle window.
  EXPECT_EQ(service.AsOf()->value_or(0), far_.NowMillis() - 5000);
  auto both = service.Dashboard(Demenager());
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->first.journeys_started, 3);
  EXPECT_EQ(both->first.journeys_completed, 2);
  service.StopFolding();
  EXPECT_FALSE(service.folding_in_background());
  service.StopFolding();  // idempotent
  // Without the worker, a dashboard folds what arrived before answering.
  Started("j4", "p4", "usager:p4", "web", kT0 + 100 * kH, {"a"}, "69123");
  EXPECT_EQ(service.Dashboard(Demenager())->first.journeys_started, 4);
  EXPECT_EQ(service.folded_in_background(), 27);
}

TEST(InsightHistogramTest, EncodesAndMergesBucketCounts) {
  Histogram h{{1, 2}, {48, 1}, {96, 0}};
  EXPECT_EQ(EncodeHistogram(h), "1:2,48:1");
  EXPECT_EQ(EncodeHistogram({}), "");
  Histogram sum;
  EXPECT_TRUE(MergeHistogram("1:2,48:1", sum));
  EXPECT_TRUE(MergeHistogram("48:3,8784:1", sum));
  EXPECT_TRUE(MergeHistogram("", sum));
  EXPECT_EQ(EncodeHistogram(sum), "1:2,48:4,8784:1");
  EXPECT_FALSE(MergeHistogram("5:1,x:2,7", sum));  // malformed parts skipped, the rest kept
  EXPECT_EQ(EncodeHistogram(sum), "1:2,5:1,48:4,8784:1");
}

TEST(InsightFilterTest, ParsesAndRejectsFilters) {
  const int64_t today = *IsoToDay("2026-06-30");
  auto f = ParseFilter({.journey = "demenager"}, today);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->to_day, today);
  EXPECT_EQ(f->from_day, today - 89);
  EXPECT_EQ(DayToIso(PreviousPeriod(*f).to_day), "2026-04-01");
  auto bad = ParseFilter({.journey = "demenager", .service = "caf", .channel = "fax", .departement = "999",
                          .commune = "x", .from = "2026-13-01", .to = "2026-06-01"},
                         today);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().reason(), "insight.bad_filter");
  std::vector<std::string> reasons;
  for (const auto& e : bad.status().field_errors()) reasons.push_back(e.field + ":" + e.reason);
  // Stable reasons, so that pages in other languages word them (insight.field_error.*).
  EXPECT_EQ(reasons, (std::vector<std::string>{"parcours:journey_or_service", "canal:unknown_channel",
                                               "departement:departement_format", "commune:commune_format",
                                               "du:date_format"}));
  auto reason_of = [today](RawFilter raw) {
    auto parsed = ParseFilter(raw, today);
    return parsed.ok() || parsed.status().field_errors().empty() ? std::string("ok")
                                                                 : parsed.status().field_errors()[0].reason;
  };
  EXPECT_EQ(reason_of({.journey = "demenager", .from = "2024-01-01", .to = "2026-01-01"}), "period_too_long");
  EXPECT_EQ(reason_of({.journey = "demenager", .from = "2026-06-10", .to = "2026-06-01"}), "period_reversed");
  EXPECT_EQ(reason_of({.journey = "demenager", .from = "1999-12-01", .to = "1999-12-31"}), "period_too_early");
  EXPECT_EQ(reason_of({.journey = "demenager", .to = "2026-08-01"}), "period_in_future");
  EXPECT_EQ(reason_of({.journey = "démé nager"}), "identifier_format");
  EXPECT_EQ(DepartementOf("2A004"), "2A");
  EXPECT_EQ(DepartementOf("97411"), "974");
  EXPECT_EQ(DepartementOf("69123"), "69");
  EXPECT_EQ(DurationBucket(1), 1);
  EXPECT_EQ(DurationBucket(48 * kH), 48);
  EXPECT_EQ(DurationBucket(48 * kH + 1), 72);
  EXPECT_EQ(DurationBucket(5000LL * 24 * kH), 366 * 24);
}

INSTANTIATE_TEST_SUITE_P(Backends, InsightTest, ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& info) { return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace parcours::insight
