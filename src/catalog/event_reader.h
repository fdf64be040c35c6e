// Reading and validating one life-event file. Internal to the catalog module.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "parcours/base/json.h"
#include "parcours/catalog/catalog.h"
#include "yaml_reader.h"

namespace parcours::catalog::detail {

// What an event file is checked against.
struct EventContext {
  const Json* situation_rules = nullptr;  // null when the rules failed to load
  std::set<std::string, std::less<>> administrations;
  std::map<std::string, rules::ModelPtr, std::less<>> models;
  // Ids of exchange.yaml (a step's fulfilled_by names them).
  std::set<std::string, std::less<>> exchange_services;
  std::set<std::string, std::less<>> exchange_bundles;
};

struct ReadEventResult {
  Event event;
  std::vector<Json> conditions;  // the applicability of event.steps[i], as Publicodes JSON
};

// Reads an event; every problem goes to the reader's diagnostics. Checks keys, required
// fields, ids, administrations, attribute names, Publicodes conditions, step references
// and dependency cycles within the event.
ReadEventResult ReadEvent(YamlReader& reader, const YAML::Node& root, const EventContext& context);

// Inverses of StepKindName / ChannelName / QuestionTypeName.
std::optional<StepKind> ParseStepKind(std::string_view name);
std::optional<Channel> ParseChannel(std::string_view name);
std::optional<QuestionType> ParseQuestionType(std::string_view name);


}  // namespace parcours::catalog::detail
