// ReadJson against nlohmann::json::parse, the reader it replaces: the published models, edge cases,
// malformed texts both refuse, random documents and random corruptions of them.
#include "json_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace parcours::rules::detail {
namespace {

// nlohmann's parse as loader.cc called it, with the callback recording the top-level keys.
RawNode NlohmannParse(std::string_view text, std::vector<std::string>* keys) {
  return RawNode::parse(
      text,
      [keys](int depth, RawNode::parse_event_t event, RawNode& parsed) {
        if (keys != nullptr && depth == 1 && event == RawNode::parse_event_t::key) {
          keys->push_back(parsed.get<std::string>());
        }
        return true;
      },
      false);
}

// nlohmann's == holds 1u == 1 == 1.0 and 0.0 == -0.0: the types and a double's bits are compared too.
::testing::AssertionResult SameTree(const RawNode& a, const RawNode& b, const std::string& path = "$") {
  if (a.type() != b.type()) {
    return ::testing::AssertionFailure() << path << ": " << a.type_name() << " vs " << b.type_name();
  }
  switch (a.type()) {
    case RawNode::value_t::object: {
      if (a.size() != b.size()) return ::testing::AssertionFailure() << path << ": object sizes differ";
      for (auto it = a.begin(), jt = b.begin(); it != a.end(); ++it, ++jt) {
        if (it.key() != jt.key()) {
          return ::testing::AssertionFailure() << path << ": " << it.key() << " vs " << jt.key();
        }
        auto sub = SameTree(it.value(), jt.value(), path + "." + it.key());
        if (!sub) return sub;
      }
      return ::testing::AssertionSuccess();
    }
    case RawNode::value_t::array: {
      if (a.size() != b.size()) return ::testing::AssertionFailure() << path << ": array sizes differ";
      for (size_t i = 0; i < a.size(); ++i) {
        auto sub = SameTree(a[i], b[i], path + "[" + std::to_string(i) + "]");
        if (!sub) return sub;
      }
      return ::testing::AssertionSuccess();
    }
    case RawNode::value_t::number_float: {
      const double x = a.get<double>();
      const double y = b.get<double>();
      if (std::memcmp(&x, &y, sizeof x) != 0) return ::testing::AssertionFailure() << path << ": " << x << " vs " << y;
      return ::testing::AssertionSuccess();
    }
    default:
      if (a != b) return ::testing::AssertionFailure() << path << ": " << a.dump() << " vs " << b.dump();
      return ::testing::AssertionSuccess();
  }
}

// Both readers on `text`: both refuse it, or both read the same tree and the same top-level keys.
::testing::AssertionResult ReadsAsNlohmann(std::string_view text) {
  std::vector<std::string> expected_keys;
  const RawNode expected = NlohmannParse(text, &expected_keys);
  std::vector<std::string> keys;
  RawNode got;
  const bool ok = ReadJson(text, &got, &keys);
  if (expected.is_discarded() || !ok) {
    if (expected.is_discarded() == !ok) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << (ok ? "accepted" : "refused") << " (nlohmann "
                                         << (ok ? "refuses" : "accepts") << "): " << text.substr(0, 200);
  }
  auto same = SameTree(expected, got);
  if (!same) return same << " in " << text.substr(0, 200);
  if (keys != expected_keys) return ::testing::AssertionFailure() << "top-level keys differ in " << text.substr(0, 200);
  return ::testing::AssertionSuccess();
}

bool Accepted(std::string_view text) {
  RawNode out;
  return ReadJson(text, &out, nullptr);
}

TEST(JsonReader, PublishedModels) {
  const std::filesystem::path dir = std::filesystem::path(PARCOURS_BINARY_DIR) / "publicodes-models";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) GTEST_SKIP() << dir << " absent";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    SCOPED_TRACE(entry.path().string());
    std::vector<std::string> keys;
    RawNode got;
    ASSERT_TRUE(ReadJson(text.str(), &got, &keys));
    std::vector<std::string> expected_keys;
    const RawNode expected = NlohmannParse(text.str(), &expected_keys);
    EXPECT_TRUE(SameTree(expected, got));
    EXPECT_EQ(keys, expected_keys);
    EXPECT_FALSE(keys.empty());
    ++files;
  }
  if (files == 0) GTEST_SKIP() << "no model in " << dir;
}

TEST(JsonReader, EdgeCasesReadAsNlohmann) {
  const char* cases[] = {
      R"("plain")", R"("é ü 😀 \u00e9 \u20AC \uD83D\uDE00 \udbff\udfff")",
      R"("\" \\ \/ \b \f \n \r \t")", R"("\u0000 inside")", "\"\x7f\"", R"("")",
      "-0", "0", "-0.0", "0.0", "1e-400", "-1e-400", "4e-320", "2.4703282292062328e-324",
      "18446744073709551615", "18446744073709551616", "-9223372036854775808", "-9223372036854775809",
      "9223372036854775808", "1.5E-3", "1.5e+3", "1E2", "0.1", "123456789012345678901234567890",
      "1.7976931348623157e308", "0e999999999999", "true", "false", "null",
      "{}", "[]", "{ }", "[ ]", " \t\r\n{ \"a\" : [ 1 , 2 ] } \n", "[[[[[]]]]]",
      R"({"a":1,"a":2})", R"({"a":{"x":1},"b":2,"a":[3]})", R"({"b":1,"a":2,"c":{"z":1,"y":2}})",
      R"([{"a":1},{"a":2}])", "\xEF\xBB\xBF{\"bom\":1}",
  };
  for (const char* text : cases) EXPECT_TRUE(ReadsAsNlohmann(text)) << text;
  RawNode out;
  ASSERT_TRUE(ReadJson("[-0, 0, -1, 1.0, 18446744073709551616]", &out, nullptr));
  EXPECT_TRUE(out[0].is_number_integer() && !out[0].is_number_unsigned());
  EXPECT_TRUE(out[1].is_number_unsigned());
  EXPECT_TRUE(out[2].is_number_integer() && !out[2].is_number_unsigned());
  EXPECT_TRUE(out[3].is_number_float());
  EXPECT_TRUE(out[4].is_number_float());
  ASSERT_TRUE(ReadJson(R"({"a":1,"a":"last"})", &out, nullptr));
  EXPECT_EQ(out["a"], "last");
  ASSERT_TRUE(ReadJson(R"("\ud83d\ude00")", &out, nullptr));
  EXPECT_EQ(out, "\xF0\x9F\x98\x80");
}

// Strings are scanned eight bytes at a time: each kind of byte that stops the scan, at each offset.
TEST(JsonReader, StringScanStopsAtEveryOffset) {
  const std::string stops[] = {"\\n", "\\u00e9", "\xC3\xA9", "\xF0\x9F\x98\x80", "\x01", "\x1f", "\xC3", "\"", "\\"};
  for (const std::string& stop : stops) {
    for (size_t before = 0; before < 20; ++before) {
      for (size_t after : {0, 3, 9}) {
        const std::string text = "[\"" + std::string(before, 'a') + stop + std::string(after, '~') + "\"]";
        EXPECT_TRUE(ReadsAsNlohmann(text)) << before << " " << after;
      }
    }
  }
}

TEST(JsonReader, MalformedRefusedByBoth) {
  const std::string cases[] = {
      "", " ", R"({"a":})", "[1,]", R"({"a":1,})", "01", "-01", "1.", ".5", "+1", "-", "1e", "1e+", "0x10",
      "\"\x01\"", "\"a\nb\"", R"({"a":1} x)", "[1] [2]", "\"unterminated", R"(["a)", R"("\ud800")",
      R"("\udc00")", R"("\ud800\u0041")", R"("\ud800x")", R"("\u12")", R"("\x41")", R"("\U0041")",
      "\"\xC3\"", "\"\xC0\xAF\"", "\"\xE0\x80\xAF\"", "\"\xF0\x80\x80\xAF\"", "\"\xE2\x82\"",
      "\"\xED\xA0\x80\"", "\"\xF4\x90\x80\x80\"", "\"\xFF\"", "\"\x80\"",
      "1e400", "-1e400", "1" + std::string(400, '0'), "tru", "nul", "True", "[true false]", "{a:1}",
      "{'a':1}", R"({"a" 1})", R"({"a":1 "b":2})", "// c\n{}", "[1,2", "{", "[", "]", "}", "\xEF\xBB{}",
      " \xEF\xBB\xBF{}", std::string("\0{}", 3), std::string("[1\0]", 4), "NaN", "Infinity", "é",
  };
  for (const auto& text : cases) {
    EXPECT_FALSE(Accepted(text)) << text;
    EXPECT_TRUE(NlohmannParse(text, nullptr).is_discarded()) << text;
  }
}

TEST(JsonReader, NulByteEndsInputAsInNlohmann) {
  const std::string text("{\"a\":1} \0 garbage", 17);
  EXPECT_TRUE(Accepted(text));
  EXPECT_TRUE(ReadsAsNlohmann(text));
}

TEST(JsonReader, DepthLimit) {
  const auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_TRUE(Accepted(nested(kMaxJsonDepth)));
  EXPECT_FALSE(Accepted(nested(kMaxJsonDepth + 1)));
  EXPECT_FALSE(Accepted(std::string(100000, '[')));
}

TEST(JsonReader, TopLevelKeysInTextOrder) {
  std::vector<std::string> keys{"kept"};
  RawNode out;
  ASSERT_TRUE(ReadJson(R"({"z":{"inner":1},"a":[{"deep":2}],"m":3,"a":4})", &out, &keys));
  EXPECT_EQ(keys, (std::vector<std::string>{"kept", "z", "a", "m", "a"}));
  EXPECT_EQ(out["a"], 4);
  keys.clear();
  ASSERT_TRUE(ReadJson(R"([{"a":1}])", &out, &keys));
  EXPECT_TRUE(keys.empty());
  EXPECT_TRUE(ReadsAsNlohmann(R"({"z":{"inner":1},"a":[{"deep":2}],"m":3,"a":4})"));
}

class RandomJson {
 public:
  explicit RandomJson(uint32_t seed) : rng_(seed) {}

  // A container at the top, scalars only below depth 4.
  RawNode Value(int depth) {
    switch (depth == 0 ? 7 + Below(2) : Below(depth > 3 ? 7 : 9)) {
      case 0: return nullptr;
      case 1: return Below(2) == 0;
      case 2: return static_cast<uint64_t>(rng_()) >> Below(64);
      case 3: return -static_cast<int64_t>(static_cast<uint64_t>(rng_()) >> (1 + Below(63))) - 1;
      case 4: return Double();
      case 5:
      case 6: return String();
      case 7: {
        RawNode arr = RawNode::array();
        for (int n = Below(5); n > 0; --n) arr.push_back(Value(depth + 1));
        return arr;
      }
      default: {
        RawNode obj = RawNode::object();
        for (int n = Below(6); n > 0; --n) obj[String()] = Value(depth + 1);
        return obj;
      }
    }
  }

  int Below(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }

 private:
  double Double() {
    if (Below(3) == 0) return (static_cast<double>(Below(2000000)) - 1e6) / 1000.0;
    for (;;) {
      const uint64_t bits = rng_();
      double d;
      std::memcpy(&d, &bits, sizeof d);
      if (std::isfinite(d)) return d;
    }
  }

  std::string String() {
    std::string s;
    for (int n = Below(12); n > 0; --n) {
      const int kind = Below(6);
      uint32_t cp = kind == 0   ? static_cast<uint32_t>(Below(0x20))
                    : kind == 1 ? static_cast<uint32_t>(0x80 + Below(0x780))
                    : kind == 2 ? static_cast<uint32_t>(0x800 + Below(0xF800))
                    : kind == 3 ? static_cast<uint32_t>(0x10000 + Below(0x100000))
                                : static_cast<uint32_t>(0x20 + Below(0x60));
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = '"';
      RawNode::string_t encoded;
      if (cp < 0x80) {
        encoded.push_back(static_cast<char>(cp));
      } else if (cp < 0x800) {
        encoded = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
      } else if (cp < 0x10000) {
        encoded = {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                   static_cast<char>(0x80 | (cp & 0x3F))};
      } else {
        encoded = {static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
                   static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
      }
      s += encoded;
    }
    return s;
  }

  std::mt19937_64 rng_;
};

TEST(JsonReader, RandomDocumentsRoundTrip) {
  RandomJson gen(20261207);
  for (int trial = 0; trial < 2000; ++trial) {
    const RawNode value = gen.Value(0);
    // Compact, indented, and with every non-ASCII character as \u escapes (surrogate pairs included).
    for (const std::string& text : {value.dump(), value.dump(2), value.dump(-1, ' ', true)}) {
      RawNode got;
      ASSERT_TRUE(ReadJson(text, &got, nullptr)) << text;
      ASSERT_TRUE(SameTree(value, got)) << text;
      ASSERT_TRUE(ReadsAsNlohmann(text));
    }
  }
}

// Corrupted documents (a byte changed, inserted, removed, or the text cut short): both readers
// refuse the same ones and read the others alike.
TEST(JsonReader, RandomCorruptionsAsNlohmann) {
  RandomJson gen(7);
  const char kBytes[] = "{}[]\",:\\-+.eE0123456789tfnu \n\x01\x7f\xC3\xA9\xED\xF0\xFF";
  for (int trial = 0; trial < 5000; ++trial) {
    std::string text = gen.Value(0).dump(trial % 2 == 0 ? -1 : 1, ' ', trial % 3 == 0);
    for (int edits = 1 + gen.Below(2); edits > 0; --edits) {
      const size_t at = static_cast<size_t>(gen.Below(static_cast<int>(text.size()) + 1));
      const char byte = kBytes[gen.Below(sizeof kBytes - 1)];
      const int kind = gen.Below(4);
      if (kind == 0 && at < text.size()) text[at] = byte;
      if (kind == 1) text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), byte);
      if (kind == 2 && at < text.size()) text.erase(at, 1);
      if (kind == 3) text.resize(at);
    }
    ASSERT_TRUE(ReadsAsNlohmann(text)) << trial;
  }
}

}  // namespace
}  // namespace parcours::rules::detail
