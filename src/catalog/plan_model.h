// The plan model: the situation rules plus one generated rule per step holding its
// applicability, so that the rules engine explains each step under its own name.
// Internal to the catalog module.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "parcours/base/json.h"
#include "parcours/catalog/catalog.h"

namespace parcours::catalog::detail {

// Converts Publicodes YAML to the JSON form npm models ship: every scalar becomes a JSON
// string (Publicodes parses it as an expression), an empty node becomes null.
Json YamlToJson(const YAML::Node& node);

// Reads every .publicodes / .yaml file of `dir` into one {rule name: body} object; syntax
// errors and duplicate rule names become diagnostics (file "rules/<name>").
Json ReadRulesFolder(const std::filesystem::path& dir, std::vector<Diagnostic>* out);

// Checks that `condition` (an expression string or a mechanism object) is a valid
// condition over `situation_rules`. Returns "" when it is, else a French message.
std::string CheckCondition(const Json& situation_rules, const Json& condition);

// One generated rule: its name and its applicability condition.
struct StepRule {
  std::string name;   // "parcours . <event> . <step>"
  std::string title;  // the step title, as the rule's titre
  Json condition;
};

// Builds the plan model from the situation rules and the generated step rules.
Result<rules::ModelPtr> BuildPlanModel(const Json& situation_rules, const std::vector<std::string>& event_ids,
                                       const std::vector<StepRule>& steps);

// Options for models fed with a person's situation: attributes other models use are dropped
// rather than refused.
rules::ModelOptions PlanModelOptions();

}  // namespace parcours::catalog::detail
