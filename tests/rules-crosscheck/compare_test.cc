// The comparator itself: tolerances, applicability, units, missing variables, errors.
#include <gtest/gtest.h>

#include "compare.h"

namespace parcours::crosscheck {
namespace {

using nlohmann::json;
using rules::Evaluation;
using rules::Value;

Evaluation NumberEvaluation(double x, std::string unit, std::vector<std::string> missing = {}) {
  Evaluation e;
  e.value.kind = Value::Kind::kNumber;
  e.value.number = x;
  e.unit = std::move(unit);
  for (auto& name : missing) e.missing.push_back({std::move(name), 1});
  return e;
}

TEST(NumbersAgree, AbsoluteToleranceOfOneCent) {
  EXPECT_TRUE(NumbersAgree(100.004, 100.0));
  EXPECT_TRUE(NumbersAgree(99.995, 100.0));
  EXPECT_FALSE(NumbersAgree(100.02, 100.0));
  EXPECT_FALSE(NumbersAgree(0.02, 0.0));
}

TEST(NumbersAgree, RelativeToleranceForLargeNumbers) {
  EXPECT_TRUE(NumbersAgree(1e12 + 500, 1e12));
  EXPECT_FALSE(NumbersAgree(1e12 + 5000, 1e12));
}

TEST(CompareRecord, AgreeingRecordGivesNoDisagreement) {
  json record = {{"k", "number"}, {"v", 2352.85}, {"u", "€/mois"}, {"m", {"b", "a"}}};
  Result<Evaluation> ours = NumberEvaluation(2352.8525, "€/mois", {"a", "b"});
  EXPECT_TRUE(CompareRecord(ours, record, "net", 0).empty());
}

TEST(CompareRecord, ReportsValueUnitAndMissingSeparately) {
  json record = {{"k", "number"}, {"v", 10.0}, {"u", "€/an"}, {"m", {"a"}}};
  Result<Evaluation> ours = NumberEvaluation(11, "€/mois", {"b"});
  auto found = CompareRecord(ours, record, "r", 7);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].mismatch, Mismatch::kValue);
  EXPECT_EQ(found[1].mismatch, Mismatch::kUnit);
  EXPECT_EQ(found[2].mismatch, Mismatch::kMissing);
  EXPECT_EQ(found[2].situation_id, 7);
  EXPECT_NE(found[2].ours.find("[b]"), std::string::npos);
  EXPECT_NE(found[2].reference.find("[a]"), std::string::npos);
  EXPECT_EQ(found[2].extra, std::vector<std::string>{"b"});
  EXPECT_EQ(found[2].absent, std::vector<std::string>{"a"});
}

TEST(CompareRecord, CountsCycleWarningsWhereTheRecordHasThem) {
  json record = {{"k", "number"}, {"v", 1.0}, {"u", ""}, {"m", json::array()}, {"c", 2}};
  Result<Evaluation> ours = NumberEvaluation(1, "");  // no warnings
  auto found = CompareRecord(ours, record, "r", 3);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].mismatch, Mismatch::kCycleWarnings);
  EXPECT_EQ(found[0].ours, "0 cycles signalés");
  EXPECT_EQ(found[0].reference, "2 cycles signalés");
  record["c"] = 0;
  EXPECT_TRUE(CompareRecord(ours, record, "r", 3).empty());
  record.erase("c");  // golden files made before the count was recorded
  EXPECT_TRUE(CompareRecord(ours, record, "r", 3).empty());
}

TEST(CompareRecord, ComparesScoresAndOrderWhereTheRecordHasThem) {
  json record = {{"k", "number"}, {"v", 1.0}, {"u", ""}, {"m", {"a", "b"}}, {"s", json::array({json::array({1, 3}), json::array({0, 2})})}};
  Evaluation ours = NumberEvaluation(1, "");
  ours.missing = {{"b", 3}, {"a", 2}};
  EXPECT_TRUE(CompareRecord(ours, record, "r", 0).empty());
  ours.missing = {{"a", 2}, {"b", 3}};  // the reference's order differs
  auto found = CompareRecord(ours, record, "r", 0);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].mismatch, Mismatch::kScores);
  EXPECT_EQ(found[0].ours, "n° 1 a : 2");
  EXPECT_EQ(found[0].reference, "n° 1 b : 3");
  ours.missing = {{"b", 3}, {"a", 4}};
  found = CompareRecord(ours, record, "r", 0);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].ours, "n° 2 a : 4");
  record.erase("s");  // golden files made before scores were recorded
  EXPECT_TRUE(CompareRecord(ours, record, "r", 0).empty());
}

TEST(CompareRecord, NullAndUndefinedAreDifferent) {
  json record = {{"k", "undefined"}, {"u", ""}, {"m", json::array()}};
  Evaluation e;
  e.value.kind = Value::Kind::kNull;
  auto found = CompareRecord(Result<Evaluation>(e), record, "r", 0);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].mismatch, Mismatch::kKind);
}

TEST(CompareRecord, BooleansAndStrings) {
  Evaluation yes;
  yes.value.kind = Value::Kind::kBoolean;
  yes.value.boolean = true;
  EXPECT_TRUE(CompareRecord(Result<Evaluation>(yes), {{"k", "boolean"}, {"v", true}, {"u", ""}, {"m", json::array()}},
                            "r", 0).empty());
  EXPECT_EQ(CompareRecord(Result<Evaluation>(yes), {{"k", "boolean"}, {"v", false}, {"u", ""}, {"m", json::array()}},
                          "r", 0).size(), 1u);
  Evaluation text;
  text.value.kind = Value::Kind::kString;
  text.value.string = "CDI";
  EXPECT_EQ(CompareRecord(Result<Evaluation>(text), {{"k", "string"}, {"v", "CDD"}, {"u", ""}, {"m", json::array()}},
                          "r", 0).size(), 1u);
}

TEST(CompareRecord, ErrorsMustMatch) {
  json error_record = {{"error", "Division by zero"}};
  EXPECT_EQ(CompareRecord(Result<Evaluation>(NumberEvaluation(1, "")), error_record, "r", 0).size(), 1u);
  Result<Evaluation> failed = InvalidArgument("rules.division_by_zero", "Division par zéro");
  EXPECT_TRUE(CompareRecord(failed, error_record, "r", 0).empty());
  json value_record = {{"k", "number"}, {"v", 1.0}, {"u", ""}, {"m", json::array()}};
  auto found = CompareRecord(failed, value_record, "r", 0);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].mismatch, Mismatch::kError);
}

}  // namespace
}  // namespace parcours::crosscheck
