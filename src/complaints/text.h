// Checks of the free texts of complaints (private to the module).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "parcours/base/status.h"

namespace parcours::complaints::detail {

// `text` without leading and trailing white space.
std::string Trim(std::string_view text);

// Nothing when `text` is valid UTF-8 without control characters (line breaks and tabs allowed)
// and holds between `min` and `max` characters; otherwise the error of `field`: a French
// sentence about `what` ("Le texte de la réclamation", "La référence"...) and a stable reason
// for pages in other languages (invalid_characters, required, too_short {min}, too_long {max,
// count}). `min` = 0 makes the text optional.
std::optional<FieldError> CheckText(std::string_view field, std::string_view text, std::size_t min, std::size_t max,
                                    std::string_view what);


}  // namespace parcours::complaints::detail
