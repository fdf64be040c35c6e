#include "collate.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace parcours::rules::detail {
namespace {

// Punctuation and symbols in the order of the CLDR root collation (they are not ignorable).
constexpr std::u32string_view kPunctuation =
    U"\t\n\v\f\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$€";

constexpr uint32_t kCommon = 5;  // secondary/tertiary weight of a plain lowercase character

struct Element {
  uint32_t primary;
  uint32_t secondary;
  uint32_t tertiary;
};

// Accent weights, in the order of the Unicode collation element table.
enum Accent : uint32_t { kAcute = 6, kGrave, kBreve, kCircumflex, kCaron, kRing, kDiaeresis, kTilde, kCedilla };

struct Decomposed {
  char32_t base;
  uint32_t accent;  // 0: none
};

// Latin-1 letters with a diacritic (lowercase; uppercase are 0x20 below).
Decomposed DecomposeLatin1(char32_t c) {
  static constexpr struct {
    char32_t c;
    char base;
    uint32_t accent;
  } kTable[] = {
      {0xE0, 'a', kGrave},     {0xE1, 'a', kAcute}, {0xE2, 'a', kCircumflex}, {0xE3, 'a', kTilde},
      {0xE4, 'a', kDiaeresis}, {0xE5, 'a', kRing},  {0xE7, 'c', kCedilla},    {0xE8, 'e', kGrave},
      {0xE9, 'e', kAcute},     {0xEA, 'e', kCircumflex}, {0xEB, 'e', kDiaeresis}, {0xEC, 'i', kGrave},
      {0xED, 'i', kAcute},     {0xEE, 'i', kCircumflex}, {0xEF, 'i', kDiaeresis}, {0xF1, 'n', kTilde},
      {0xF2, 'o', kGrave},     {0xF3, 'o', kAcute}, {0xF4, 'o', kCircumflex}, {0xF5, 'o', kTilde},
      {0xF6, 'o', kDiaeresis}, {0xF9, 'u', kGrave}, {0xFA, 'u', kAcute},      {0xFB, 'u', kCircumflex},
      {0xFC, 'u', kDiaeresis}, {0xFD, 'y', kAcute}, {0xFF, 'y', kDiaeresis},
  };
  for (const auto& e : kTable) {
    if (e.c == c) return {static_cast<char32_t>(e.base), e.accent};
  }
  return {c, 0};
}

std::u32string Decode(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    char32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

// Rank + 1 of each ASCII character in kPunctuation (0: not punctuation): a rule name is mostly
// ASCII, and a search of the list per character made the keys of a large model's `remplace`
// lists cost ~3 % of its load.
constexpr std::array<unsigned char, 128> kAsciiPunctuation = [] {
  std::array<unsigned char, 128> rank{};
  for (size_t i = 0; i < kPunctuation.size(); ++i) {
    if (kPunctuation[i] < 128) rank[kPunctuation[i]] = static_cast<unsigned char>(i + 1);
  }
  return rank;
}();

void Append(std::vector<Element>& out, char32_t c) {
  const uint32_t letters = 1000;
  const size_t p = c < 128 ? static_cast<size_t>(kAsciiPunctuation[c]) - 1 : kPunctuation.find(c);
  if (p != std::u32string_view::npos) {
    out.push_back({static_cast<uint32_t>(10 + p), kCommon, kCommon});
    return;
  }
  if (c >= '0' && c <= '9') {
    out.push_back({static_cast<uint32_t>(500 + (c - '0')), kCommon, kCommon});
    return;
  }
  bool upper = false;
  char32_t lower = c;
  if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7)) {
    lower = c + 0x20;
    upper = true;
  } else if (c == 0x152 || c == 0xC6) {
    lower = c == 0x152 ? 0x153 : 0xE6;
    upper = true;
  }
  const uint32_t tertiary = upper ? kCommon + 1 : kCommon;
  auto letter = [&](char32_t base) { return letters + static_cast<uint32_t>(base - 'a') * 4; };
  if (lower == 0x153 || lower == 0xE6 || lower == 0xDF) {  // œ, æ, ß: expansions
    const char* pair = lower == 0x153 ? "oe" : lower == 0xE6 ? "ae" : "ss";
    out.push_back({letter(pair[0]), kCommon, tertiary + 2});
    out.push_back({letter(pair[1]), kCommon, tertiary + 2});
    return;
  }
  Decomposed d = lower >= 0xE0 && lower <= 0xFF ? DecomposeLatin1(lower) : Decomposed{lower, 0};
  if (d.base >= 'a' && d.base <= 'z') {
    out.push_back({letter(d.base), kCommon, tertiary});
    if (d.accent != 0) out.push_back({0, d.accent, kCommon});
    return;
  }
  out.push_back({letters + 200 + static_cast<uint32_t>(c), kCommon, kCommon});
}

std::vector<Element> Elements(std::string_view s) {
  std::vector<Element> out;
  for (char32_t c : Decode(s)) Append(out, c);
  return out;
}

}  // namespace

std::u32string CollationKey(std::string_view s) {
  // The weights of each level in turn, elements without weight at a level skipped, levels
  // separated by 0 (below every weight): comparing keys compares level by level, a shorter
  // sequence first.
  const std::vector<Element> elements = Elements(s);
  std::u32string key;
  key.reserve(elements.size() * 3 + 2);
  for (auto level : {&Element::primary, &Element::secondary, &Element::tertiary}) {
    if (level != &Element::primary) key.push_back(0);
    for (const Element& e : elements) {
      if (e.*level != 0) key.push_back(static_cast<char32_t>(e.*level));
    }
  }
  return key;
}

int LocaleCompare(std::string_view a, std::string_view b) {
  const int c = CollationKey(a).compare(CollationKey(b));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

}  // namespace parcours::rules::detail
