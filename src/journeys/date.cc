#include "parcours/journeys/date.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace parcours::journeys {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
}

}  // namespace

std::optional<CivilDate> CivilDate::Parse(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len, int* v) {
    auto [ptr, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, *v);
    return ec == std::errc() && ptr == s.data() + pos + len;
  };
  CivilDate d;
  if (!num(0, 4, &d.year) || !num(5, 2, &d.month) || !num(8, 2, &d.day)) return std::nullopt;
  if (d.year < 1900 || d.year > 2200 || d.month < 1 || d.month > 12 || d.day < 1) return std::nullopt;
  if (d.day > DaysInMonth(d.year, d.month)) return std::nullopt;
  return d;
}

CivilDate CivilDate::FromTimePoint(TimePoint t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  return FromDaysSinceEpoch(static_cast<int>(days.time_since_epoch().count()));
}

std::string CivilDate::ToIso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year % 10000, month % 100, day % 100);
  return buf;
}

std::string CivilDate::ToFrench() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", day % 100, month % 100, year % 10000);
  return buf;
}

std::string CivilDate::ToDisplay(std::string_view lang) const {
  static constexpr std::array<const char*, 12> kFr = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                                      "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
  static constexpr std::array<const char*, 12> kEn = {"January", "February", "March",     "April",   "May",      "June",
                                                      "July",    "August",   "September", "October", "November", "December"};
  const char* name = (lang == "en" ? kEn : kFr)[month - 1];
  return std::to_string(day) + (lang != "en" && day == 1 ? "er " : " ") + name + " " + std::to_string(year);
}

// Howard Hinnant's days_from_civil / civil_from_days.
int CivilDate::DaysSinceEpoch() const {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilDate::FromDaysSinceEpoch(int z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  CivilDate d;
  d.day = doy - (153 * mp + 2) / 5 + 1;
  d.month = mp + (mp < 10 ? 3 : -9);
  d.year = yoe + era * 400 + (d.month <= 2 ? 1 : 0);
  return d;
}

CivilDate CivilDate::AddDays(int days) const { return FromDaysSinceEpoch(DaysSinceEpoch() + days); }

CivilDate CivilDate::AddMonths(int months) const {
  int total = year * 12 + (month - 1) + months;
  CivilDate d;
  d.year = total / 12;
  d.month = total % 12 + 1;
  d.day = std::min(day, DaysInMonth(d.year, d.month));
  return d;
}

}  // namespace parcours::journeys
