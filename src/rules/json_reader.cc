// JSON text to RawNode (see json_reader.h). A recursive-descent reader over a byte range; every
// check mirrors nlohmann's lexer (json.hpp, detail::lexer) so that both accept the same texts.
#include "json_reader.h"

#include <array>
#include <bit>
#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace parcours::rules::detail {
namespace {

// String bytes that end a bulk scan: the closing quote, a backslash, a control character (refused
// raw, as RFC 8259 wants) and non-ASCII bytes (their UTF-8 sequence is checked).
constexpr std::array<bool, 256> kStopsScan = [] {
  std::array<bool, 256> stops{};
  for (int c = 0; c < 0x20; ++c) stops[c] = true;
  for (int c = 0x80; c < 0x100; ++c) stops[c] = true;
  stops['"'] = true;
  stops['\\'] = true;
  return stops;
}();

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsWhitespace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// std::from_chars leaves its output untouched when the value rounds to zero or to infinity; nlohmann
// takes strtod's answer there (zero, or infinity which it then refuses). strtod reads the locale's
// decimal point, so the '.' is swapped for it, as nlohmann's lexer does. Rare: only such numbers.
double StrtodInLocale(const char* begin, const char* end) {
  std::string copy(begin, end);
  const char point = *std::localeconv()->decimal_point;
  for (char& c : copy) {
    if (c == '.') c = point;
  }
  return std::strtod(copy.c_str(), nullptr);
}

class Reader {
 public:
  Reader(std::string_view text, std::vector<std::string>* keys)
      : p_(text.data()), end_(text.data() + text.size()), keys_(keys) {}

  bool Document(RawNode* out) {
    // nlohmann skips a UTF-8 byte order mark, only as the very first bytes.
    if (p_ < end_ && static_cast<unsigned char>(*p_) == 0xEF) {
      if (end_ - p_ < 3 || static_cast<unsigned char>(p_[1]) != 0xBB || static_cast<unsigned char>(p_[2]) != 0xBF) {
        return false;
      }
      p_ += 3;
    }
    SkipWhitespace();
    if (!Value(out, 0)) return false;
    SkipWhitespace();
    // nlohmann's lexer takes a NUL byte for the end of the input (for C strings), even with bytes after it.
    return p_ == end_ || *p_ == '\0';
  }

 private:
  // `depth` counts the containers around the value: the top-level object's keys are at depth 1.
  bool Value(RawNode* out, int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return Object(out, depth + 1);
      case '[':
        return Array(out, depth + 1);
      case '"': {
        ++p_;
        *out = RawNode(RawNode::value_t::string);
        return String(&out->get_ref<RawNode::string_t&>());
      }
      case 't':
        *out = true;
        return Literal("true");
      case 'f':
        *out = false;
        return Literal("false");
      case 'n':
        *out = nullptr;
        return Literal("null");
      default:
        return Number(out);
    }
  }

  bool Object(RawNode* out, int depth) {
    if (depth > kMaxJsonDepth) return false;
    if (OpenIsEmpty(out, RawNode::value_t::object, '}')) return true;
    auto& members = out->get_ref<RawNode::object_t&>();
    for (;;) {
      if (p_ == end_ || *p_ != '"') return false;
      ++p_;
      std::string key;
      if (!String(&key)) return false;
      if (depth == 1 && keys_ != nullptr) keys_->push_back(key);
      SkipWhitespace();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      SkipWhitespace();
      // A duplicate key reads its value over the first one's: the last one wins, as in nlohmann.
      auto it = members.try_emplace(std::move(key)).first;
      if (!Value(&it->second, depth)) return false;
      if (const Next next = AfterItem('}'); next != Next::kMore) return next == Next::kClosed;
    }
  }

  bool Array(RawNode* out, int depth) {
    if (depth > kMaxJsonDepth) return false;
    if (OpenIsEmpty(out, RawNode::value_t::array, ']')) return true;
    auto& items = out->get_ref<RawNode::array_t&>();
    for (;;) {
      if (!Value(&items.emplace_back(), depth)) return false;
      if (const Next next = AfterItem(']'); next != Next::kMore) return next == Next::kClosed;
    }
  }

  // Makes *out an empty container of `type` past its opening bracket: true when `close` follows
  // (read too), the container staying empty.
  bool OpenIsEmpty(RawNode* out, RawNode::value_t type, char close) {
    ++p_;
    *out = RawNode(type);
    SkipWhitespace();
    if (p_ == end_ || *p_ != close) return false;
    ++p_;
    return true;
  }

  // After an item of an object or array: its closing `close`, or a comma and the next item.
  enum class Next { kMore, kClosed, kMalformed };
  Next AfterItem(char close) {
    SkipWhitespace();
    if (p_ == end_) return Next::kMalformed;
    if (*p_ == close) {
      ++p_;
      return Next::kClosed;
    }
    if (*p_ != ',') return Next::kMalformed;
    ++p_;
    SkipWhitespace();
    return Next::kMore;
  }

  // Reads the rest of a string (the opening quote is consumed) and appends it to *out. Runs of
  // plain bytes are appended at once: escapes are rare in models.
  bool String(std::string* out) {
    const char* run = p_;
    for (;;) {
      SkipPlainBytes();
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out->append(run, p_);
        ++p_;
        return true;
      }
      if (c == '\\') {
        out->append(run, p_);
        ++p_;
        if (!Escape(out)) return false;
        run = p_;
      } else if (c >= 0x80) {
        if (!Utf8Sequence()) return false;
      } else {
        return false;  // a raw control character
      }
    }
  }

  // Moves p_ to the next byte of kStopsScan (or the end), eight bytes at a time while they are all
  // plain: the usual bit tricks flag a byte below 0x20, equal to '"' or '\\', or with its high bit
  // set. A borrow may flag bytes after a true stop, never before it, so the lowest flag is exact.
  void SkipPlainBytes() {
    constexpr uint64_t kOnes = 0x0101010101010101;
    constexpr uint64_t kHighs = 0x8080808080808080;
    // The lowest flag is the first byte only on a little-endian machine; others scan bytewise.
    while (std::endian::native == std::endian::little && end_ - p_ >= 8) {
      uint64_t word;
      std::memcpy(&word, p_, sizeof word);
      const uint64_t quote = word ^ (kOnes * '"');
      const uint64_t backslash = word ^ (kOnes * '\\');
      // On a byte below 0x80 (~word keeps its high bit): below 0x20, '"' or '\\'.
      const uint64_t ascii_stops = ((word - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes)) & ~word;
      const uint64_t flags = (ascii_stops | word) & kHighs;
      if (flags != 0) {
        p_ += std::countr_zero(flags) / 8;
        return;
      }
      p_ += 8;
    }
    while (p_ < end_ && !kStopsScan[static_cast<unsigned char>(*p_)]) ++p_;
  }

  // One escape after its backslash. \u escapes of UTF-16 surrogates must come as a high-low pair
  // (nlohmann refuses a lone one of either kind); the code point is stored as UTF-8.
  bool Escape(std::string* out) {
    if (p_ == end_) return false;
    switch (*p_++) {
      case '"': out->push_back('"'); return true;
      case '\\': out->push_back('\\'); return true;
      case '/': out->push_back('/'); return true;
      case 'b': out->push_back('\b'); return true;
      case 'f': out->push_back('\f'); return true;
      case 'n': out->push_back('\n'); return true;
      case 'r': out->push_back('\r'); return true;
      case 't': out->push_back('\t'); return true;
      case 'u': break;
      default: return false;
    }
    int32_t cp = Hex4();
    if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
      p_ += 2;
      const int32_t low = Hex4();
      if (low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(static_cast<uint32_t>(cp), out);
    return true;
  }

  // The four hex digits of a \u escape, or -1.
  int32_t Hex4() {
    if (end_ - p_ < 4) return -1;
    int32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = HexDigit(p_[i]);
      if (digit < 0) return -1;
      value = value * 16 + digit;
    }
    p_ += 4;
    return value;
  }

  // Skips one well-formed UTF-8 sequence of two to four bytes (Unicode table 3-7, the ranges
  // nlohmann's lexer checks): no overlong forms, no encoded surrogates, nothing past U+10FFFF.
  bool Utf8Sequence() {
    const auto lead = static_cast<unsigned char>(*p_);
    int trail = 2;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      trail = 1;
    } else if (lead == 0xE0) {
      low = 0xA0;
    } else if (lead == 0xED) {
      high = 0x9F;
    } else if (lead >= 0xE1 && lead <= 0xEF) {
      // 0xE1-0xEC, 0xEE, 0xEF: any continuation bytes.
    } else if (lead == 0xF0) {
      trail = 3;
      low = 0x90;
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      trail = 3;
    } else if (lead == 0xF4) {
      trail = 3;
      high = 0x8F;
    } else {
      return false;
    }
    if (end_ - p_ <= trail) return false;
    const auto second = static_cast<unsigned char>(p_[1]);
    if (second < low || second > high) return false;
    for (int i = 2; i <= trail; ++i) {
      const auto next = static_cast<unsigned char>(p_[i]);
      if (next < 0x80 || next > 0xBF) return false;
    }
    p_ += trail + 1;
    return true;
  }

  // RFC 8259 number grammar, then the conversions of nlohmann's lexer: integers that fit 64 bits
  // stay integers (unsigned unless negative, so "-0" is the integer 0), others become doubles
  // rounded to nearest; a number beyond the double range is refused, as nlohmann does.
  bool Number(RawNode* out) {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (IsDigit(*p_)) {
      SkipDigits();
    } else {
      return false;
    }
    bool integral = true;
    if (p_ < end_ && *p_ == '.') {
      integral = false;
      ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return false;
      SkipDigits();
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return false;
      SkipDigits();
    }
    if (integral && negative) {
      int64_t value = 0;
      if (std::from_chars(start, p_, value).ec == std::errc()) {
        *out = value;
        return true;
      }
    } else if (integral) {
      uint64_t value = 0;
      if (std::from_chars(start, p_, value).ec == std::errc()) {
        *out = value;
        return true;
      }
    }
    double value = 0;
    const auto [ptr, ec] = std::from_chars(start, p_, value);
    if (ec == std::errc::result_out_of_range) {
      value = StrtodInLocale(start, p_);
    } else if (ec != std::errc() || ptr != p_) {
      return false;
    }
    if (!std::isfinite(value)) return false;
    *out = value;
    return true;
  }

  void SkipDigits() {
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }

  bool Literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  void SkipWhitespace() {
    while (p_ < end_ && IsWhitespace(*p_)) ++p_;
  }

  const char* p_;
  const char* end_;
  std::vector<std::string>* keys_;
};

}  // namespace

bool ReadJson(std::string_view text, RawNode* out, std::vector<std::string>* top_level_keys) {
  return Reader(text, top_level_keys).Document(out);
}

}  // namespace parcours::rules::detail
