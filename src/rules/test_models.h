// Helpers of the rules engine's tests (its unit tests and the random-model cross-check): a model
// from YAML and one evaluation, each failing the test (not throwing) when the rules or the
// situation are refused, and the comparison of two evaluations.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "parcours/rules/engine.h"

namespace parcours::rules::test_models {

inline ModelPtr Load(const std::string& yaml) {
  auto model = LoadModelFromYaml(yaml, "test.publicodes");
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return model.ok() ? *model : nullptr;
}

inline Evaluation Eval(const ModelPtr& model, const std::string& rule, const Json& situation = Json::object()) {
  Engine engine(model);
  Status s = engine.SetSituation(situation);
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto ev = engine.Evaluate(rule);
  EXPECT_TRUE(ev.ok()) << ev.status().ToString();
  return ev.ok() ? *ev : Evaluation();
}

// Expects `x` and `y` alike: value, unit, missing variables (names, scores, order) and warnings.
inline void ExpectSameEvaluation(const Evaluation& x, const Evaluation& y, const std::string& where) {
  EXPECT_EQ(x.value.ToJson(), y.value.ToJson()) << where;
  EXPECT_EQ(x.unit, y.unit) << where;
  ASSERT_EQ(x.missing.size(), y.missing.size()) << where;
  for (size_t i = 0; i < x.missing.size(); ++i) {
    EXPECT_EQ(x.missing[i].name, y.missing[i].name) << where;
    EXPECT_EQ(x.missing[i].score, y.missing[i].score) << where;
  }
  EXPECT_EQ(x.warnings(), y.warnings()) << where;
}

}  // namespace parcours::rules::test_models
