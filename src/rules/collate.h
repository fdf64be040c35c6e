// String comparison as the reference engine's `String.prototype.localeCompare` (ICU root
// collation, the default "en-US" locale of Node): used where the reference orders rule
// names, i.e. replacements of equal priority (replace.ts) and `contexte` keys (contexte.ts).
#pragma once

#include <string_view>

namespace parcours::rules::detail {

// Negative, zero or positive like `a.localeCompare(b)`: letters compare by base letter first
// (case and accents ignored), then accents, then case (lowercase first); spaces and
// punctuation sort before digits, digits before letters.
int LocaleCompare(std::string_view a, std::string_view b);

}  // namespace parcours::rules::detail
