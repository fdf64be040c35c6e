// `durée` between two dates (reference: durée.ts and date.ts; dates at UTC midnight).
#include <cmath>
#include <ctime>

#include "evaluator.h"

namespace parcours::rules::detail {
namespace {

struct Ymd {
  int d = 1, m = 1, y = 1970;
};

bool ParseDate(const std::string& s, Ymd* out) {
  std::string norm;
  if (!NormalizeDate(s, &norm)) return false;
  out->d = std::stoi(norm.substr(0, 2));
  out->m = std::stoi(norm.substr(3, 2));
  out->y = std::stoi(norm.substr(6));
  return true;
}

double Days(const Ymd& date) {
  int y = date.y - (date.m <= 2);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (date.m + (date.m > 2 ? -3 : 9)) + 2) / 5 + date.d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097.0 + static_cast<double>(doe) - 719468;
}

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

double DifferenceInDays(const Ymd& from, const Ymd& to) { return Days(to) - Days(from); }

double DifferenceInMonths(const Ymd& from, const Ymd& to) {
  double full = (to.m - from.m) + 12.0 * (to.y - from.y);
  double prorata_from = (from.d - 1) / static_cast<double>(DaysInMonth(from.y, from.m));
  double prorata_to = to.d / static_cast<double>(DaysInMonth(to.y, to.m));
  return full - prorata_from + prorata_to;
}

double DifferenceInYears(const Ymd& from, const Ymd& to) {
  double days = DifferenceInDays(from, to);
  bool after_march = from.m >= 3;
  int from_year = from.y + (after_march ? 1 : 0);
  int to_year = to.y + (after_march ? 0 : -1);
  int leap = 0;
  for (int y = from_year; y <= to_year; ++y) leap += IsLeap(y);
  return (days - leap) / 365;
}

Ymd TrimestreCivil(const Ymd& d) { return Ymd{1, 3 * ((d.m - 1) / 3) + 1, d.y}; }

std::string Today() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
  return buf;
}

}  // namespace

Res EvalState::Duree(const Node& n) {
  auto side = [&](int id) {
    if (id >= 0) return EvalNode(id);
    Res today;
    today.value.kind = Value::Kind::kString;
    today.value.string = shared_->Keep(Today());
    return today;
  };
  Res from = side(n.a);
  Res to = side(n.b);
  Res r;
  r.unit = n.unit;
  r.missing = MergeMissing(from.missing, to.missing);
  if (from.value.is_null() || to.value.is_null()) {
    r.value = NullValue();
    return r;
  }
  if (from.value.is_undefined() || to.value.is_undefined()) return r;
  Ymd a, b;
  if (!from.value.is_string() || !to.value.is_string() || !ParseDate(from.value.string, &a) ||
      !ParseDate(to.value.string, &b)) {
    Throw("rules.invalid_date", "La durée attend deux dates au format JJ/MM/AAAA");
  }
  double value = 0;
  switch (n.duree_unit) {
    case DureeUnit::kJour: value = DifferenceInDays(a, b); break;
    case DureeUnit::kMois: value = DifferenceInMonths(a, b); break;
    case DureeUnit::kAn: value = DifferenceInYears(a, b); break;
    case DureeUnit::kTrimestre: value = DifferenceInMonths(a, b) / 3; break;
    case DureeUnit::kTrimestreCivil:
      value = std::floor(DifferenceInMonths(TrimestreCivil(a), TrimestreCivil(b)) / 3) + 1;
      break;
    case DureeUnit::kAnneeCivile:
      value = std::floor(DifferenceInYears(Ymd{1, 1, a.y}, Ymd{1, 1, b.y})) + 1;
      break;
  }
  r.value = NumberValue(std::max(0.0, value));
  return r;
}

}  // namespace parcours::rules::detail
