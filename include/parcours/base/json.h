// JSON helpers on top of nlohmann::json: parsing that returns a Status instead of throwing.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "parcours/base/status.h"

namespace parcours {

using Json = nlohmann::json;

// Parses `text`; a syntax error becomes InvalidArgument("json.malformed") with a French
// message giving the byte position. Depth is limited to `max_depth` to resist hostile input.
Result<Json> ParseJson(std::string_view text, int max_depth = 64);

}  // namespace parcours
