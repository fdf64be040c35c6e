// String comparison as the reference engine's `String.prototype.localeCompare` (ICU root
// collation, the default "en-US" locale of Node): used where the reference orders rule
// names, i.e. replacements of equal priority (replace.ts) and `contexte` keys (contexte.ts).
#pragma once

#include <string>
#include <string_view>

namespace parcours::rules::detail {

// Negative, zero or positive like `a.localeCompare(b)`: letters compare by base letter first
// (case and accents ignored), then accents, then case (lowercase first); spaces and
// punctuation sort before digits, digits before letters.
int LocaleCompare(std::string_view a, std::string_view b);

// A key whose code-unit order is that comparison: for sorting many names, each key computed once.
std::u32string CollationKey(std::string_view s);

}  // namespace parcours::rules::detail
