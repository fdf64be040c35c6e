// Converts YAML (yaml-cpp nodes) to JSON following the YAML 1.2 core schema: plain scalars
// that read as null, booleans, integers or floats become those JSON types; quoted scalars and
// everything else stay strings. Mapping keys are always strings.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "parcours/base/status.h"

namespace parcours::api::detail {

// Parses `text` (one YAML document); `origin` names the file in error messages.
Result<nlohmann::json> YamlToJson(std::string_view text, std::string_view origin);

}  // namespace parcours::api::detail
