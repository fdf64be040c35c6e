// French formatting of values, as the reference's formatValue (Intl.NumberFormat 'fr').
#include <cmath>
#include <cstdio>

#include "evaluator.h"

namespace parcours::rules {
namespace {

constexpr char kNarrowNbsp[] = "\u202F";
constexpr char kNbsp[] = "\u00A0";

// Rounds |value| half away from zero to `max_digits` decimals and formats it with
// `min_digits`..`max_digits` fraction digits, French separators.
std::string FrenchNumber(double value, int max_digits, int min_digits) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "∞" : "-∞";
  bool negative = value < 0;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.25f", std::fabs(value));
  std::string s = buf;
  size_t dot = s.find('.');
  std::string integer = s.substr(0, dot);
  std::string fraction = s.substr(dot + 1);
  bool round_up = fraction[max_digits] >= '5';
  fraction = fraction.substr(0, max_digits);
  if (round_up) {
    int i = max_digits - 1;
    bool carry = true;
    for (; i >= 0 && carry; --i) {
      if (fraction[i] == '9') {
        fraction[i] = '0';
      } else {
        ++fraction[i];
        carry = false;
      }
    }
    if (carry) {
      int j = static_cast<int>(integer.size()) - 1;
      for (; j >= 0 && carry; --j) {
        if (integer[j] == '9') {
          integer[j] = '0';
        } else {
          ++integer[j];
          carry = false;
        }
      }
      if (carry) integer = "1" + integer;
    }
  }
  while (static_cast<int>(fraction.size()) > min_digits && !fraction.empty() && fraction.back() == '0') {
    fraction.pop_back();
  }
  std::string grouped;
  int count = 0;
  for (int i = static_cast<int>(integer.size()) - 1; i >= 0; --i) {
    grouped.insert(0, 1, integer[i]);
    if (++count % 3 == 0 && i > 0) grouped.insert(0, kNarrowNbsp);
  }
  bool zero = grouped == "0" && fraction.find_first_not_of('0') == std::string::npos;
  std::string out = (negative && !zero ? "-" : "") + grouped;
  if (!fraction.empty()) out += "," + fraction;
  return out;
}

std::string Trim(std::string s) {
  auto is_space = [](const std::string& str, size_t pos, size_t* len) {
    if (str.compare(pos, 2, kNbsp) == 0) {
      *len = 2;
      return true;
    }
    if (str.compare(pos, 3, kNarrowNbsp) == 0) {
      *len = 3;
      return true;
    }
    *len = 1;
    return str[pos] == ' ' || str[pos] == '\t' || str[pos] == '\n';
  };
  size_t len;
  while (!s.empty() && is_space(s, 0, &len)) s.erase(0, len);
  for (;;) {
    if (s.size() >= 2 && s.compare(s.size() - 2, 2, kNbsp) == 0) {
      s.resize(s.size() - 2);
    } else if (!s.empty() && (s.back() == ' ' || s.back() == '\n')) {
      s.pop_back();
    } else {
      break;
    }
  }
  return s;
}

std::string FormatNumberWithUnit(double value, UnitId unit) {
  if (unit != kNoUnit) {
    UnitId simplified = SimplifyUnit(unit);
    auto c = ConvertUnit(unit, simplified, value);
    if (c) value = *c;
    unit = simplified;
  }
  if (unit == kNoUnit) return Trim(FrenchNumber(value, 2, 0));
  std::string u = SerializeUnit(unit);
  if (u == "€") {
    bool integer = std::floor(value) == value;
    return Trim(FrenchNumber(value, 2, integer ? 0 : 2) + kNbsp + "€");
  }
  if (u == "%") return Trim(FrenchNumber(value, 2, 0) + kNbsp + "%");
  return Trim(FrenchNumber(value, 2, 0) + kNbsp + u);
}

}  // namespace

namespace detail {

std::string FormatResult(const Res& r) {
  const detail::Val& v = r.value;
  switch (v.kind) {
    case Value::Kind::kUndefined: return "Pas encore défini";
    case Value::Kind::kNull: return "Non applicable";
    case Value::Kind::kBoolean: return v.boolean ? "oui" : "non";
    case Value::Kind::kString: {
      std::string s = v.string;
      size_t p = s.find("\\n");
      if (p != std::string::npos) s.replace(p, 2, "\n");
      return s;
    }
    case Value::Kind::kNumber:
      if (std::isnan(v.number)) return "Erreur dans le calcul du nombre";
      return FormatNumberWithUnit(v.number, r.unit);
  }
  return "";
}

}  // namespace detail

std::string FormatValue(const Value& value, std::string_view unit) {
  detail::Res r;
  r.value = detail::ToVal(value);  // `value` outlives `r`
  if (!unit.empty()) {
    auto parsed = ParseUnit(unit);
    if (parsed.ok()) r.unit = *parsed;
  }
  return detail::FormatResult(r);
}

}  // namespace parcours::rules
