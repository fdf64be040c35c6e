// Civil (calendar) dates for event dates and deadlines: no time zone, no time of day.
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parcours/base/clock.h"

namespace parcours::journeys {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31

  // Parses "YYYY-MM-DD"; nullopt for a malformed or impossible date (2025-02-30).
  static std::optional<CivilDate> Parse(std::string_view text);
  // The UTC calendar day of `t`.
  static CivilDate FromTimePoint(TimePoint t);

  std::string ToIso() const;      // "2026-03-12"
  std::string ToFrench() const;   // "12/03/2026" (also the Publicodes date literal)
  // "12 mars 2026" / "12 March 2026".
  std::string ToDisplay(std::string_view lang) const;

  int DaysSinceEpoch() const;  // 1970-01-01 = 0
  static CivilDate FromDaysSinceEpoch(int days);
  CivilDate AddDays(int days) const;
  // Adds months, clamping the day to the end of the target month (31 Jan + 1 month = 28/29 Feb).
  CivilDate AddMonths(int months) const;

  friend bool operator==(const CivilDate&, const CivilDate&) = default;
  friend auto operator<=>(const CivilDate& a, const CivilDate& b) { return a.DaysSinceEpoch() <=> b.DaysSinceEpoch(); }
};

}  // namespace parcours::journeys
