// Helpers of the rules engine's unit tests: a model from YAML and one evaluation, each failing
// the test (not throwing) when the rules or the situation are refused.
#pragma once

#include <gtest/gtest.h>

#include <string>

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

}  // namespace parcours::rules::test_models
