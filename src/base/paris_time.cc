#include "parcours/base/paris_time.h"

namespace parcours {
namespace {

// Unix seconds of the last Sunday of `month` (1-12) of `year`, at 01:00 UTC (EU rule).
int64_t LastSundayOneUtc(int year, int month) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;  // the first day of the next month...
  tm.tm_mday = 1;
  tm.tm_hour = 1;
  int64_t t = timegm(&tm) - 86400;  // ...minus one day: the last day of `month`
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm last{};
  gmtime_r(&tt, &last);
  return t - int64_t{last.tm_wday} * 86400;
}

}  // namespace

std::tm ParisTime(int64_t ms) {
  int64_t secs = ms / 1000;
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm utc{};
  gmtime_r(&tt, &utc);
  const int year = utc.tm_year + 1900;
  const bool summer = secs >= LastSundayOneUtc(year, 3) && secs < LastSundayOneUtc(year, 10);
  tt = static_cast<std::time_t>(secs + (summer ? 7200 : 3600));
  std::tm local{};
  gmtime_r(&tt, &local);
  return local;
}

std::string ParisDate(int64_t ms) {
  std::tm tm = ParisTime(ms);
  char buf[32];
  std::strftime(buf, sizeof buf, "%d/%m/%Y", &tm);
  return buf;
}

}  // namespace parcours
