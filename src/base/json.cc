#include "parcours/base/json.h"

#include <nlohmann/json.hpp>

namespace parcours {

Result<Json> ParseJson(std::string_view text, int max_depth) {
  int depth = 0;
  bool too_deep = false;
  auto guard = [&](int d, Json::parse_event_t event, Json&) {
    if (event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) {
      depth = d;
      if (d >= max_depth) too_deep = true;
    }
    return !too_deep;
  };
  try {
    Json j = Json::parse(text.begin(), text.end(), guard);
    if (too_deep) {
      return InvalidArgument("json.too_deep", "Le document JSON est trop profondément imbriqué.");
    }
    return j;
  } catch (const Json::parse_error& e) {
    if (too_deep) {
      return InvalidArgument("json.too_deep", "Le document JSON est trop profondément imbriqué.");
    }
    return InvalidArgument("json.malformed", "Le document JSON est mal formé (octet " +
                                                 std::to_string(e.byte) + ").");
  }
}

}  // namespace parcours
