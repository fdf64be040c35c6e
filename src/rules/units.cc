// Unit algebra mirroring the reference engine's `units.ts`, on interned unit ids.
#include "units.h"

#include <cmath>
#include <cstdio>
#include <algorithm>
#include <array>
#include <charconv>
#include <cctype>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace parcours::rules {
namespace {

using Symbols = std::vector<std::string>;

struct ConversionEntry {
  bool convertible = false;
  double factor_to = 1, factor_from = 1, f1 = 1, f2 = 1;
};

struct PairHash {
  size_t operator()(const std::pair<int, int>& p) const {
    return std::hash<long long>()((static_cast<long long>(p.first) << 32) ^ (p.second + 1));
  }
};

class UnitTable {
 public:
  UnitTable() { Intern({}); }

  UnitId Intern(UnitParts parts) {
    std::string key = Key(parts);
    auto it = ids_.find(key);
    if (it != ids_.end()) return it->second;
    UnitId id = static_cast<UnitId>(units_.size());
    units_.push_back(std::move(parts));
    ids_.emplace(std::move(key), id);
    return id;
  }
  const UnitParts& Get(UnitId id) const { return units_[id]; }

  std::mutex mu;
  std::unordered_map<std::pair<int, int>, UnitId, PairHash> mul_cache;
  std::unordered_map<int, UnitId> simplify_cache;
  std::unordered_map<int, std::string> serialize_cache;
  std::unordered_map<std::pair<int, int>, ConversionEntry, PairHash> conversion_cache;

 private:
  static std::string Key(const UnitParts& p) {
    std::string k;
    for (const auto& n : p.numerators) k += n + "\x1f";
    k += "/";
    for (const auto& d : p.denominators) k += d + "\x1f";
    return k;
  }
  std::deque<UnitParts> units_;
  std::unordered_map<std::string, UnitId> ids_;
};

UnitTable& Table() {
  static UnitTable* table = new UnitTable();
  return *table;
}

// Per-thread, direct-mapped memo of the unit algebra on pairs of ids: evaluation asks for the
// same few products, quotients and conversions at every operation, and this answers them
// without the table's mutex and hash maps. A miss (or a collision) takes the locked path.
template <typename V>
class PairMemo {
 public:
  const V* Find(UnitId a, UnitId b) const {
    const Slot& s = slots_[Index(a, b)];
    return s.a == a && s.b == b ? &s.value : nullptr;
  }
  void Put(UnitId a, UnitId b, const V& value) { slots_[Index(a, b)] = {a, b, value}; }

 private:
  static constexpr size_t kSize = 1024;
  static size_t Index(UnitId a, UnitId b) {
    return (static_cast<size_t>(a + 1) * 131 + static_cast<size_t>(b + 1)) & (kSize - 1);
  }
  struct Slot {
    UnitId a = kNoUnit - 1, b = kNoUnit - 1;  // no unit id: empty
    V value{};
  };
  std::array<Slot, kSize> slots_;
};

// Per-thread flags of single units, by id: 0 = not computed yet.
class UnitFlags {
 public:
  static constexpr unsigned char kKnown = 1, kPercent = 2, kPercentNumerator = 4;
  unsigned char Get(UnitId id) const { return static_cast<size_t>(id) < flags_.size() ? flags_[id] : 0; }
  void Put(UnitId id, unsigned char f) {
    if (static_cast<size_t>(id) >= flags_.size()) flags_.resize(id + 1, 0);
    flags_[id] = f;
  }

 private:
  std::vector<unsigned char> flags_;
};

struct ThreadMemo {
  PairMemo<UnitId> multiply, divide;
  PairMemo<ConversionEntry> conversion;
  UnitFlags flags;
};

ThreadMemo& Memo() {
  thread_local ThreadMemo memo;
  return memo;
}

// Conversion table of the reference engine: value of `key` = how many `a` in one `b`
// for key "a/b".
const std::map<std::pair<std::string, std::string>, double>& ConvertTable() {
  static const auto* table = new std::map<std::pair<std::string, std::string>, double>{
      {{"mois", "an"}, 12},
      {{"jour", "an"}, 365},
      {{"jour", "mois"}, 365.0 / 12},
      {{"trimestre", "an"}, 4},
      {{"mois", "trimestre"}, 3},
      {{"jour", "trimestre"}, (365.0 / 12) * 3},
      {{"€", "k€"}, 1000},
      {{"g", "kg"}, 1000},
      {{"mg", "g"}, 1000},
      {{"mg", "kg"}, 1000000},
      {{"m", "km"}, 1000},
      {{"cm", "m"}, 100},
      {{"mm", "cm"}, 10},
      {{"mm", "m"}, 1000},
      {{"cm", "km"}, 100000},
      {{"mm", "km"}, 1000000},
  };
  return *table;
}

int UnitClass(const std::string& unit) {
  static const std::map<std::string, int> classes = {
      {"mois", 0}, {"an", 0},  {"jour", 0}, {"trimestre", 0}, {"€", 1},  {"k€", 1},
      {"g", 2},    {"kg", 2},  {"mg", 2},   {"m", 3},         {"km", 3}, {"cm", 3},
      {"mm", 3}};
  auto it = classes.find(unit);
  return it == classes.end() ? -1 : it->second;
}

bool SameClass(const std::string& a, const std::string& b) {
  if (a == b) return true;
  int ca = UnitClass(a);
  return ca >= 0 && ca == UnitClass(b);
}

double SingleFactor(const std::string& from, const std::string& to) {
  const auto& t = ConvertTable();
  auto it = t.find({to, from});
  if (it != t.end()) return it->second;
  auto inv = t.find({from, to});
  if (inv != t.end()) return 1 / inv->second;
  return 0;
}

double UnitsConversionFactor(const Symbols& from, const Symbols& to) {
  int pct_to = 0, pct_from = 0;
  for (const auto& u : to) pct_to += u == "%";
  for (const auto& u : from) pct_from += u == "%";
  double factor = std::pow(100.0, pct_to - pct_from);
  for (const auto& f : from) {
    double single = 0;
    for (const auto& t : to) {
      single = SingleFactor(f, t);
      if (single != 0) break;
    }
    factor *= single != 0 ? single : 1;
  }
  return factor;
}

template <typename Eq>
UnitParts Simplify(UnitParts unit, Eq eq) {
  std::vector<std::string> all = unit.numerators;
  all.insert(all.end(), unit.denominators.begin(), unit.denominators.end());
  for (const auto& next : all) {
    auto in_num = std::find_if(unit.numerators.begin(), unit.numerators.end(),
                               [&](const std::string& u) { return eq(next, u); });
    auto in_den = std::find_if(unit.denominators.begin(), unit.denominators.end(),
                               [&](const std::string& u) { return eq(next, u); });
    if (in_num != unit.numerators.end() && in_den != unit.denominators.end()) {
      unit.numerators.erase(in_num);
      unit.denominators.erase(in_den);
    }
  }
  return unit;
}

bool Equal(const std::string& a, const std::string& b) { return a == b; }

UnitParts RemovePercentages(UnitParts u) {
  std::erase(u.numerators, "%");
  std::erase(u.denominators, "%");
  return u;
}

// Splits the trailing power of a base unit: "m2" -> ("m", 2); "kgCO2e" -> (itself, 1).
std::pair<std::string, int> SplitPower(const std::string& unit) {
  size_t end = unit.size();
  size_t start = end;
  // The last run of digits not followed by an ASCII letter anywhere after it.
  for (size_t i = unit.size(); i > 0; --i) {
    char c = unit[i - 1];
    if (std::isalpha(static_cast<unsigned char>(c)) && (c & 0x80) == 0) break;
    if (std::isdigit(static_cast<unsigned char>(c))) {
      end = i;
      start = i - 1;
      while (start > 0 && std::isdigit(static_cast<unsigned char>(unit[start - 1]))) --start;
      break;
    }
  }
  if (start == end || start == unit.size()) return {unit, 1};
  std::string power = unit.substr(start, end - start);
  std::string primary = unit.substr(0, unit.find(power));
  return {primary, std::atoi(power.c_str())};
}

std::vector<std::pair<std::string, int>> CountUnits(const Symbols& units) {
  std::vector<std::pair<std::string, int>> counts;
  for (const auto& u : units) {
    const std::pair<std::string, int> split = SplitPower(u);
    auto it = std::find_if(counts.begin(), counts.end(),
                           [&](const auto& c) { return c.first == split.first; });
    if (it == counts.end()) {
      counts.push_back(split);
    } else {
      it->second += split.second;
    }
  }
  return counts;
}

Symbols DecomposePower(const Symbols& units) {
  Symbols out;
  for (const auto& [primary, power] : CountUnits(units)) {
    for (int i = 0; i < power && i < 64; ++i) out.push_back(primary);
  }
  return out;
}

std::string PrintUnits(const Symbols& units) {
  std::string out;
  for (const auto& [primary, power] : CountUnits(units)) {
    if (!out.empty()) out += ".";
    out += primary;
    if (power > 1) out += std::to_string(power);
  }
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

Symbols SplitUnit(std::string_view part) {
  Symbols out;
  std::string trimmed = Trim(part);
  size_t start = 0;
  while (start <= trimmed.size()) {
    size_t dot = trimmed.find('.', start);
    if (dot == std::string::npos) dot = trimmed.size();
    if (dot > start) out.push_back(trimmed.substr(start, dot - start));
    start = dot + 1;
  }
  return DecomposePower(out);
}

// Unit classes balance on both sides (percentages aside). Uncached: see Conversion().
bool ComputeConvertible(UnitId from, UnitId to) {
  if (from == kNoUnit || to == kNoUnit) return true;
  const UnitParts a = GetUnitParts(from);
  const UnitParts b = GetUnitParts(to);
  std::map<std::string, int> balance_a, balance_b;
  auto key = [](const std::string& u) {
    int c = UnitClass(u);
    return c < 0 ? u : "\x01" + std::to_string(c);
  };
  for (const auto& u : a.numerators) balance_a[key(u)]++;
  for (const auto& u : a.denominators) balance_a[key(u)]--;
  for (const auto& u : b.numerators) balance_b[key(u)]++;
  for (const auto& u : b.denominators) balance_b[key(u)]--;
  for (const auto* m : {&balance_a, &balance_b}) {
    for (const auto& [k, _] : *m) {
      if (k == "%") continue;
      int va = balance_a.count(k) ? balance_a[k] : 0;
      int vb = balance_b.count(k) ? balance_b[k] : 0;
      if (va != vb) return false;
    }
  }
  return true;
}

ConversionEntry ComputeConversion(UnitId from, UnitId to) {
  ConversionEntry e;
  std::string sf = from == kNoUnit ? "" : SerializeUnit(from);
  std::string st = to == kNoUnit ? "" : SerializeUnit(to);
  bool equivalent = !sf.empty() && !st.empty() &&
                    (sf == st || (sf == "kW.h" && st == "kWh") || (sf == "kWh" && st == "kW.h") ||
                     (sf == "mn/h" && st == "noeud") || (sf == "noeud" && st == "mn/h"));
  e.convertible = equivalent || ComputeConvertible(from, to);
  if (!e.convertible || from == kNoUnit) return e;
  UnitParts f = GetUnitParts(from);
  UnitParts t = to == kNoUnit ? UnitParts{} : GetUnitParts(to);
  e.factor_to = RoundTo16(UnitsConversionFactor(f.numerators, f.denominators));
  e.factor_from = RoundTo16(UnitsConversionFactor(t.numerators, t.denominators));
  UnitParts fs = Simplify(RemovePercentages(f), SameClass);
  UnitParts ts = Simplify(RemovePercentages(t), SameClass);
  e.f1 = UnitsConversionFactor(fs.numerators, ts.numerators);
  e.f2 = UnitsConversionFactor(ts.denominators, fs.denominators);
  return e;
}

}  // namespace

UnitId InternUnit(UnitParts parts) {
  auto& t = Table();
  std::lock_guard lock(t.mu);
  return t.Intern(std::move(parts));
}

const UnitParts& GetUnitParts(UnitId id) {
  auto& t = Table();
  std::lock_guard lock(t.mu);
  return t.Get(id);
}

Result<UnitId> ParseUnit(std::string_view text) {
  if (text.find("/ ") != std::string_view::npos) {
    return InvalidArgument("rules.unit_malformed",
                           "L'unité \"" + std::string(text) + "\" ne doit pas contenir d'espace après \"/\"");
  }
  UnitParts parts;
  size_t slash = text.find('/');
  parts.numerators = SplitUnit(text.substr(0, slash));
  while (slash != std::string_view::npos) {
    size_t next = text.find('/', slash + 1);
    auto den = SplitUnit(text.substr(slash + 1, next == std::string_view::npos ? next : next - slash - 1));
    parts.denominators.insert(parts.denominators.end(), den.begin(), den.end());
    slash = next;
  }
  return InternUnit(std::move(parts));
}

std::string SerializeUnit(UnitId id) {
  if (id == kNoUnit) return "";
  auto& t = Table();
  {
    std::lock_guard lock(t.mu);
    auto it = t.serialize_cache.find(id);
    if (it != t.serialize_cache.end()) return it->second;
  }
  UnitParts u = Simplify(GetUnitParts(id), Equal);
  std::string s;
  bool n = !u.numerators.empty(), d = !u.denominators.empty();
  if (n && !d) s = PrintUnits(u.numerators);
  if (!n && d) s = "/" + PrintUnits(u.denominators);
  if (n && d) s = PrintUnits(u.numerators) + "/" + PrintUnits(u.denominators);
  std::lock_guard lock(t.mu);
  t.serialize_cache.emplace(id, s);
  return s;
}

UnitId MultiplyUnits(UnitId a, UnitId b) {
  if (a == kNoUnit) return b;
  if (b == kNoUnit) return a;
  PairMemo<UnitId>& memo = Memo().multiply;
  if (const UnitId* known = memo.Find(a, b)) return *known;
  auto& t = Table();
  {
    std::lock_guard lock(t.mu);
    auto it = t.mul_cache.find({a, b});
    if (it != t.mul_cache.end()) {
      memo.Put(a, b, it->second);
      return it->second;
    }
  }
  UnitParts pa = GetUnitParts(a), pb = GetUnitParts(b);
  UnitParts r;
  r.numerators = pa.numerators;
  r.numerators.insert(r.numerators.end(), pb.numerators.begin(), pb.numerators.end());
  r.denominators = pa.denominators;
  r.denominators.insert(r.denominators.end(), pb.denominators.begin(), pb.denominators.end());
  UnitId id = InternUnit(Simplify(std::move(r), Equal));
  std::lock_guard lock(t.mu);
  t.mul_cache.emplace(std::make_pair(a, b), id);
  memo.Put(a, b, id);
  return id;
}

UnitId DivideUnits(UnitId a, UnitId b) {
  PairMemo<UnitId>& memo = Memo().divide;
  if (const UnitId* known = memo.Find(a, b)) return *known;
  UnitId left = a == kNoUnit ? kEmptyUnit : a;
  UnitParts inv;
  if (b != kNoUnit) {
    const UnitParts& pb = GetUnitParts(b);
    inv.numerators = pb.denominators;
    inv.denominators = pb.numerators;
  }
  const UnitId quotient = MultiplyUnits(left, InternUnit(std::move(inv)));
  memo.Put(a, b, quotient);
  return quotient;
}

UnitId DropPercent(UnitId id) {
  static const UnitId per_percent = InternUnit(UnitParts{{}, {"%"}});
  return MultiplyUnits(id, per_percent);
}

UnitId SimplifyUnit(UnitId id) {
  if (id == kNoUnit) return id;
  auto& t = Table();
  {
    std::lock_guard lock(t.mu);
    auto it = t.simplify_cache.find(id);
    if (it != t.simplify_cache.end()) return it->second;
  }
  UnitParts u = Simplify(GetUnitParts(id), SameClass);
  bool all_percent = !u.numerators.empty() &&
                     std::all_of(u.numerators.begin(), u.numerators.end(),
                                 [](const std::string& s) { return s == "%"; });
  if (all_percent) {
    u.numerators = {"%"};
  } else {
    u = RemovePercentages(std::move(u));
  }
  UnitId r = InternUnit(std::move(u));
  std::lock_guard lock(t.mu);
  t.simplify_cache.emplace(id, r);
  return r;
}

namespace {

// The memoised conversion between two units (evaluation asks for the same few pairs).
ConversionEntry Conversion(UnitId from, UnitId to) {
  PairMemo<ConversionEntry>& memo = Memo().conversion;
  if (const ConversionEntry* known = memo.Find(from, to)) return *known;
  auto& t = Table();
  {
    std::lock_guard lock(t.mu);
    auto it = t.conversion_cache.find({from, to});
    if (it != t.conversion_cache.end()) {
      memo.Put(from, to, it->second);
      return it->second;
    }
  }
  ConversionEntry e = ComputeConversion(from, to);
  std::lock_guard lock(t.mu);
  t.conversion_cache.emplace(std::make_pair(from, to), e);
  memo.Put(from, to, e);
  return e;
}

}  // namespace

bool AreUnitsConvertible(UnitId from, UnitId to) {
  if (from == kNoUnit || to == kNoUnit) return true;
  return Conversion(from, to).convertible;
}

std::optional<double> ConvertUnit(UnitId from, UnitId to, double value) {
  const ConversionEntry e = Conversion(from, to);
  if (!e.convertible) return std::nullopt;
  if (value == 0 || std::isnan(value) || from == kNoUnit) return value;
  return RoundTo16(((value * e.factor_to) / e.factor_from) * e.f1 * e.f2);
}

namespace {

unsigned char Flags(UnitId id) {
  UnitFlags& flags = Memo().flags;
  unsigned char f = flags.Get(id);
  if (f != 0) return f;
  f = UnitFlags::kKnown;
  if (SerializeUnit(id) == "%") f |= UnitFlags::kPercent;
  const UnitParts& parts = GetUnitParts(id);
  if (std::find(parts.numerators.begin(), parts.numerators.end(), "%") != parts.numerators.end()) {
    f |= UnitFlags::kPercentNumerator;
  }
  flags.Put(id, f);
  return f;
}

}  // namespace

bool IsPercentUnit(UnitId id) { return id != kNoUnit && (Flags(id) & UnitFlags::kPercent) != 0; }

bool HasPercentNumerator(UnitId id) { return id != kNoUnit && (Flags(id) & UnitFlags::kPercentNumerator) != 0; }

double RoundTo16(double value) {
  // At 1 and above, 16 fraction digits are at least 17 significant digits: exact.
  if (!std::isfinite(value) || std::fabs(value) >= 1) return value;
  // As printf("%.16f") then strtod, without the locale and stream machinery.
  char buf[64];
  const auto printed = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 16);
  double rounded = value;
  std::from_chars(buf, printed.ptr, rounded);
  return rounded;
}

}  // namespace parcours::rules
