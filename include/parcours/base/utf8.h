// UTF-8 validation (RFC 3629): texts from files and requests are checked once at the edge, so that
// everything past it (JSON output, explanations) may assume well-formed text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace parcours {

// Offset of the first byte that does not belong to a well-formed UTF-8 sequence (a stray
// continuation byte, a truncated sequence, an overlong form, a surrogate, a code point past
// U+10FFFF), or std::string_view::npos when the whole text is valid.
size_t InvalidUtf8At(std::string_view text);

inline bool IsValidUtf8(std::string_view text) { return InvalidUtf8At(text) == std::string_view::npos; }

// Characters (code points) of UTF-8 `text`: what a limit "2000 caractères" counts, where
// text.size() counts bytes (an "é" is two).
inline size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (char ch : text) n += (static_cast<unsigned char>(ch) & 0xc0) != 0x80;
  return n;
}

// `text` as quoted in a message for people: whole up to `max_bytes`, else its first characters
// within `max_bytes` (never half of one) followed by "…".
std::string Excerpt(std::string_view text, size_t max_bytes = 160);

}  // namespace parcours
