#include "text.h"

#include <cstdint>
#include <map>

#include "parcours/base/utf8.h"

namespace parcours::complaints::detail {
namespace {

bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF)
// without control characters other than tab and line breaks.
bool CleanUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return false;
      ++i;
      continue;
    }
    int extra = 0;
    uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) extra = 1, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0) extra = 2, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0) extra = 3, cp = c & 0x07;
    else return false;
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if (cp >= 0x80 && cp < 0xa0) return false;  // C1 controls
    i += extra + 1;
  }
  return true;
}

}  // namespace

std::string Trim(std::string_view text) {
  std::size_t b = 0, e = text.size();
  while (b < e && IsSpace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && IsSpace(static_cast<unsigned char>(text[e - 1]))) --e;
  return std::string(text.substr(b, e - b));
}

std::optional<FieldError> CheckText(std::string_view field, std::string_view text, std::size_t min, std::size_t max,
                                    std::string_view what) {
  const std::string w(what);
  auto error = [field](std::string message, const char* reason, std::map<std::string, std::string> params = {}) {
    return FieldError{std::string(field), std::move(message), reason, std::move(params)};
  };
  if (!CleanUtf8(text)) return error(w + " contient des caractères non autorisés.", "invalid_characters");
  const std::size_t n = Utf8Length(text);
  if (n == 0 && min > 0) return error(w + " est obligatoire.", "required");
  if (n < min) {
    return error(w + " doit compter au moins " + std::to_string(min) + " caractères.", "too_short",
                 {{"min", std::to_string(min)}});
  }
  if (n > max) {
    return error(w + " doit compter au plus " + std::to_string(max) + " caractères (vous en avez saisi " +
                     std::to_string(n) + ").",
                 "too_long", {{"max", std::to_string(max)}, {"count", std::to_string(n)}});
  }
  return std::nullopt;
}

}  // namespace parcours::complaints::detail
