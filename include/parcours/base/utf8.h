// UTF-8 validation (RFC 3629): texts from files and requests are checked once at the edge, so that
// everything past it (JSON output, explanations) may assume well-formed text.
#pragma once

#include <cstddef>
#include <string_view>

namespace parcours {

// Offset of the first byte that does not belong to a well-formed UTF-8 sequence (a stray
// continuation byte, a truncated sequence, an overlong form, a surrogate, a code point past
// U+10FFFF), or std::string_view::npos when the whole text is valid.
size_t InvalidUtf8At(std::string_view text);

inline bool IsValidUtf8(std::string_view text) { return InvalidUtf8At(text) == std::string_view::npos; }

}  // namespace parcours
