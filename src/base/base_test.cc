#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "parcours/base/clock.h"
#include "parcours/base/file.h"
#include "parcours/base/id.h"
#include "parcours/base/json.h"
#include "parcours/base/paris_time.h"
#include "parcours/base/status.h"
#include "parcours/base/utf8.h"

namespace parcours {
namespace {

Result<int> Half(int x) {
  if (x % 2) return InvalidArgument("test.odd", "Nombre impair");
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  RETURN_IF_ERROR(Half(x));
  return Status::Ok();
}

TEST(StatusTest, ResultCarriesValueOrStatus) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().reason(), "test.odd");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(3).reason(), "test.odd");
}

TEST(StatusTest, FieldErrorsAndToString) {
  Status s = InvalidArgument("form.invalid", "Formulaire invalide").WithField("date", "Date impossible");
  ASSERT_EQ(s.field_errors().size(), 1u);
  EXPECT_EQ(s.ToString(), "invalid_argument: form.invalid: Formulaire invalide [date: Date impossible]");
}

TEST(IdTest, UuidV7IsValidUniqueAndSorted) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5000; ++i) ids.push_back(NewId());
  std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), ids.size());
  for (size_t i = 1; i < ids.size(); ++i) ASSERT_LT(ids[i - 1], ids[i]);
  EXPECT_TRUE(IsValidId(ids[0]));
  EXPECT_EQ(ids[0][14], '7');
  EXPECT_FALSE(IsValidId("not-an-id"));
  EXPECT_FALSE(IsValidId("0190F1E2-0000-7000-8000-000000000000"));
}

TEST(IdTest, UsesGivenClock) {
  TimePoint t;
  ASSERT_TRUE(ParseRfc3339("2030-01-01T00:00:00Z", &t));
  ManualClock clock(t);
  std::string id = NewId(&clock);
  // 2030-01-01 = 1893456000000 ms = 0x01b8dac5b400
  EXPECT_EQ(id.substr(0, 13), "01b8dac5-b400");
}

TEST(ClockTest, Rfc3339RoundTripAndOffsets) {
  TimePoint t;
  ASSERT_TRUE(ParseRfc3339("2026-11-28T13:15:56.123Z", &t));
  EXPECT_EQ(FormatRfc3339(t), "2026-11-28T13:15:56.123Z");
  ASSERT_TRUE(ParseRfc3339("2026-11-28T14:15:56+01:00", &t));
  EXPECT_EQ(FormatRfc3339(t), "2026-11-28T13:15:56.000Z");
  EXPECT_FALSE(ParseRfc3339("2026-13-28T14:15:56Z", &t));
  EXPECT_FALSE(ParseRfc3339("yesterday", &t));
  ManualClock clock(t);
  clock.Advance(std::chrono::seconds(2));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2026-11-28T13:15:58.000Z");
}

TEST(JsonTest, ParseErrorsAreStatuses) {
  auto ok = ParseJson(R"({"a": [1, 2]})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["a"][1], 2);
  auto bad = ParseJson("{\"a\": ");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().reason(), "json.malformed");
  std::string deep(1000, '[');
  EXPECT_EQ(ParseJson(deep).status().reason(), "json.too_deep");
}

TEST(Utf8Test, ExcerptsCutBetweenCharacters) {
  EXPECT_EQ(Excerpt("salaire net", 11), "salaire net");
  EXPECT_EQ(Excerpt("salaire net", 7), "salaire…");
  EXPECT_EQ(Excerpt("durée", 4), "dur…");  // "é" is two bytes: not cut in half
  EXPECT_EQ(Excerpt("dur\xC3\xA9" "e", 5), "dur\xC3\xA9" "…");
  EXPECT_EQ(Excerpt(std::string(100000, 'x')).size(), 160u + std::string("…").size());
  EXPECT_EQ(Excerpt("", 0), "");
}

TEST(Utf8Test, FindsTheFirstMalformedByte) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("salaire net à payer, 1 000 €, \xF0\x9F\x98\x80, \xEF\xBF\xBF, \xF4\x8F\xBF\xBF"));
  EXPECT_EQ(InvalidUtf8At("ab\x9F"), 2u);                  // stray continuation byte
  EXPECT_EQ(InvalidUtf8At("a\xC3"), 1u);                   // truncated sequence
  EXPECT_EQ(InvalidUtf8At("a\xE2\x82"), 1u);
  EXPECT_EQ(InvalidUtf8At("\xC3\xA9\xC3("), 2u);          // second byte not a continuation
  EXPECT_EQ(InvalidUtf8At("\xC0\xAF"), 0u);               // overlong forms
  EXPECT_EQ(InvalidUtf8At("\xE0\x80\xAF"), 0u);
  EXPECT_EQ(InvalidUtf8At("\xF0\x80\x80\xAF"), 0u);
  EXPECT_EQ(InvalidUtf8At("x\xED\xA0\x80"), 1u);          // UTF-16 surrogate
  EXPECT_EQ(InvalidUtf8At("\xF4\x90\x80\x80"), 0u);      // past U+10FFFF
  EXPECT_EQ(InvalidUtf8At("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(InvalidUtf8At("\xE2\x82\xAC\xFF"), 3u);
}

TEST(FileTest, ReadsWholeFilesAndRefusesWhatIsNotOne) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("parcours-file-" + NewId());
  std::filesystem::create_directories(dir);
  std::string bytes(100000, 'x');
  bytes[5] = '\0';  // binary content is kept as it is
  std::ofstream(dir / "data", std::ios::binary) << bytes;
  EXPECT_EQ(ReadWholeFile(dir / "data"), bytes);
  std::ofstream(dir / "empty").close();
  EXPECT_EQ(ReadWholeFile(dir / "empty"), "");
  EXPECT_EQ(ReadWholeFile(dir / "absent"), std::nullopt);
  EXPECT_EQ(ReadWholeFile(dir), std::nullopt);  // a directory
  const std::filesystem::path fifo = dir / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo) << "a: 1\n"; });
  EXPECT_EQ(ReadWholeFile(fifo), "a: 1\n");  // a pipe: read to its end, no size known
  writer.join();
  std::filesystem::remove_all(dir);
}

TEST(ParisTimeTest, DaysAsReadInParisAcrossSummerTime) {
  // 2027-01-05 23:30 UTC is the 6th in Paris (UTC+1); 2026-07-01 22:30 UTC the 2nd (UTC+2).
  EXPECT_EQ(ParisDate(1799191800000), "06/01/2027");
  EXPECT_EQ(ParisDate(1782945000000), "02/07/2026");
  EXPECT_EQ(ParisDate(1782941400000), "01/07/2026");  // 21:30 UTC: 23:30 in Paris
  // The change: 2026-03-29 01:00 UTC (02:00 -> 03:00 in Paris).
  EXPECT_EQ(ParisTime(1774745940000).tm_hour, 1);  // 00:59 UTC: 01:59 in Paris, winter time
  EXPECT_EQ(ParisTime(1774746000000).tm_hour, 3);  // 01:00 UTC: 03:00 in Paris, summer time
}

}  // namespace
}  // namespace parcours
