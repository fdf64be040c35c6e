// barème, grille, taux progressif (reference: trancheUtils.ts and the three mechanisms).
#include <cmath>
#include <functional>
#include <limits>

#include "evaluator.h"

namespace parcours::rules::detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// One tranche after `evaluatePlafondUntilActiveTranche`. Values use NaN for undefined.
struct Tranche {
  bool evaluated = false;       // false: after the active tranche, not evaluated
  Res plafond;                  // evaluated plafond node
  double plafond_value = NAN;   // plafond * multiplicateur, in the assiette unit
  double plancher_value = NAN;
  int is_active = -1;           // -1 undefined, 0 false, 1 true
  int is_after_active = -1;
  Missing missing;
  bool has_value = false;       // nodeValue set
  Val value;
  UnitId unit = kNoUnit;
  Res amount;                   // taux or montant evaluation
  bool amount_done = false;
};

bool Defined(const Val& v) { return !v.is_undefined(); }

}  // namespace

Res EvalState::Tranches(const Node& n) {
  Res assiette = EvalNode(n.a);
  Res mult;
  if (n.b >= 0) {
    mult = EvalNode(n.b);
  } else {
    mult.value = NumberValue(1);
  }
  if (mult.value.is_number() && mult.value.number == 0) {
    if (n.kind == NodeKind::kTauxProgressif) Throw("rules.division_by_zero", "Division by zero");
    Throw("rules.invalid_multiplicateur", "Le multiplicateur ne peut pas être nul");
  }
  if (n.kind == NodeKind::kBareme) return Bareme(n, assiette, mult);
  if (n.kind == NodeKind::kGrille) return Grille(n, assiette, mult);
  return TauxProgressif(n, assiette, mult);
}

namespace {

std::vector<Tranche> PlafondsUntilActive(EvalState* s, const Node& n, const Res& assiette, const Res& mult,
                                         const std::function<void(const std::string&)>& warn,
                                         const std::function<void(const std::string&)>& fail) {
  std::vector<Tranche> out;
  out.reserve(n.kids.size() / 2);
  bool active_found = false;
  for (size_t i = 0; i + 1 < n.kids.size(); i += 2) {
    Tranche t;
    if (active_found) {
      t.is_after_active = 1;
      out.push_back(std::move(t));
      continue;
    }
    t.evaluated = true;
    if (n.kids[i + 1] < 0) {
      t.plafond.value = NumberValue(kInf);
    } else {
      t.plafond = s->EvalNode(n.kids[i + 1]);
    }
    const Tranche* prev = out.empty() ? nullptr : &out.back();
    Res plancher;
    if (prev != nullptr) {
      plancher = prev->plafond;
    } else {
      plancher.value = NumberValue(0);
    }
    double plafond_value = (!Defined(t.plafond.value) || !Defined(mult.value))
                               ? NAN
                               : JsNumber(t.plafond.value) * JsNumber(mult.value);
    if (!(plafond_value == kInf || plafond_value == 0) && !std::isnan(plafond_value)) {
      UnitId from = MultiplyUnits(t.plafond.unit, mult.unit);
      auto c = ConvertUnit(from, assiette.unit, plafond_value);
      if (c) {
        plafond_value = *c;
      } else {
        warn("l'unité du plafond de la tranche n°" + std::to_string(i / 2 + 1) +
             " n'est pas compatible avec celle de l'assiette");
      }
    }
    t.plafond_value = plafond_value;
    t.plancher_value = prev != nullptr ? prev->plafond_value : 0;
    double assiette_value = JsNumber(assiette.value);
    t.is_after_active = (std::isnan(t.plancher_value) || !Defined(assiette.value))
                            ? -1
                            : (t.plancher_value > assiette_value ? 1 : 0);
    if (!Defined(t.plafond.value) || !Defined(assiette.value) || !Defined(mult.value) || !Defined(plancher.value)) {
      t.missing = s->MergeMissing(s->MergeMissing(s->MergeMissing(t.plafond.missing, assiette.missing), mult.missing),
                                  plancher.missing);
      t.has_value = true;
      t.is_active = -1;
      out.push_back(std::move(t));
      continue;
    }
    if (prev != nullptr && t.plancher_value != 0 && !std::isnan(t.plancher_value) &&
        t.plafond_value <= t.plancher_value) {
      fail("Le plafond de la tranche n°" + std::to_string(i / 2 + 1) +
           " a une valeur inférieure à celui de la tranche précédente");
    }
    t.is_active = assiette_value >= t.plancher_value && assiette_value < t.plafond_value ? 1 : 0;
    active_found = t.is_active == 1;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

Res EvalState::Bareme(const Node& n, const Res& assiette, const Res& mult) {
  Res r;
  r.value = assiette.value;
  r.unit = assiette.unit;
  Missing missing = MergeMissing(assiette.missing, mult.missing);
  bool skip = assiette.value.is_undefined() || assiette.value.is_null() ||
              (assiette.value.is_number() && assiette.value.number == 0);
  if (!skip) {
    auto tranches = PlafondsUntilActive(
        this, n, assiette, mult, [&](const std::string& m) { Warn(m); },
        [&](const std::string& m) { Throw("rules.invalid_tranches", m); });
    double total = 0;
    bool undefined = false;
    for (size_t i = 0; i < tranches.size(); ++i) {
      Tranche& t = tranches[i];
      double value;
      bool value_undefined = false;
      if (t.is_after_active == 1) {
        value = 0;
      } else {
        const Res& taux = EvalNode(n.kids[2 * i]);
        t.missing = MergeMissing(taux.missing, t.missing);
        if (!Defined(assiette.value) || !Defined(taux.value) || std::isnan(t.plafond_value) ||
            std::isnan(t.plancher_value)) {
          value_undefined = true;
          value = NAN;
        } else {
          double rate = JsNumber(taux.value);
          auto c = ConvertUnit(taux.unit, kEmptyUnit, rate);
          if (c) rate = *c;
          value = (std::min(JsNumber(assiette.value), t.plafond_value) - t.plancher_value) * rate;
        }
      }
      missing = MergeMissing(missing, t.missing);
      // reduce((v, t) => t == undefined ? undefined : v + t, 0)
      if (value_undefined) {
        undefined = true;
        total = NAN;
      } else if (undefined) {
        undefined = false;
        total = NAN;  // undefined + number
      } else {
        total += value;
      }
    }
    r.value = undefined ? Val() : NumberValue(total);
  }
  r.missing = std::move(missing);
  return r;
}

Res EvalState::Grille(const Node& n, const Res& assiette, const Res& mult) {
  auto tranches = PlafondsUntilActive(
      this, n, assiette, mult, [&](const std::string& m) { Warn(m); },
      [&](const std::string& m) { Throw("rules.invalid_tranches", m); });
  for (size_t i = 0; i < tranches.size(); ++i) {
    Tranche& t = tranches[i];
    if (t.is_active == 0) continue;
    const Res& montant = EvalNode(n.kids[2 * i]);
    t.amount = montant;
    t.amount_done = true;
    t.value = montant.value;
    t.unit = montant.unit;
    t.missing = MergeMissing(montant.missing, t.missing);
  }
  Res r;
  r.missing = MergeMissing(assiette.missing, mult.missing);
  const Tranche* active = nullptr;
  for (const auto& t : tranches) {
    if (t.is_active == 1) {
      active = &t;
      break;
    }
  }
  bool any_undefined = false;
  for (const auto& t : tranches) any_undefined |= t.evaluated && t.is_active == -1;
  if (active != nullptr) {
    r.value = active->value;
    r.unit = active->unit;
    r.missing = MergeMissing(r.missing, active->missing);
  } else if (!any_undefined && !tranches.empty() && tranches.back().is_after_active == 0) {
    r.value = BoolValue(false);
  } else {
    bool first = true;
    for (const auto& t : tranches) {
      if (t.is_active != -1) continue;
      if (first) {
        r.value = Val();
        r.unit = t.unit;
        first = false;
      }
      r.missing = MergeMissing(r.missing, t.missing);
    }
    if (first) r.value = BoolValue(false);
  }
  return r;
}

Res EvalState::TauxProgressif(const Node& n, const Res& assiette, const Res& mult) {
  static const UnitId percent = *ParseUnit("%");
  auto tranches = PlafondsUntilActive(
      this, n, assiette, mult, [&](const std::string& m) { Warn(m); },
      [&](const std::string& m) { Throw("rules.invalid_tranches", m); });
  Res r;
  r.unit = percent;
  auto as_percent = [&](int node) {
    Res t = EvalNode(node);
    if (t.value.is_number() && t.unit != kNoUnit) {
      auto c = ConvertUnit(t.unit, percent, t.value.number);
      if (c) t.value.number = *c;
    }
    t.unit = percent;
    return t;
  };
  if (tranches.empty()) return r;
  const Tranche& last = tranches.back();
  bool all_inactive = true, none_active = true;
  for (const auto& t : tranches) {
    all_inactive &= t.is_active == 0;
    none_active &= t.is_active != 1;
  }
  bool last_infinite = last.plafond.value.is_number() && last.plafond.value.number == kInf;
  if (all_inactive || (last.is_active == 1 && last_infinite)) {
    Res taux = as_percent(n.kids[2 * (tranches.size() - 1)]);
    r.value = taux.value;
    r.missing = taux.missing;
    return r;
  }
  if (none_active || !assiette.value.is_number()) {
    for (const auto& t : tranches) r.missing = MergeMissing(r.missing, t.missing);
    return r;
  }
  size_t active = 0;
  while (tranches[active].is_active != 1) ++active;
  Res upper = as_percent(n.kids[2 * active]);
  Res lower = active > 0 ? as_percent(n.kids[2 * (active - 1)]) : upper;
  if (!Defined(lower.value) || !Defined(upper.value)) {
    r.missing = MergeMissing(lower.missing, upper.missing);
    return r;
  }
  double plancher = tranches[active].plancher_value, plafond = tranches[active].plafond_value;
  double coeff = (JsNumber(upper.value) - JsNumber(lower.value)) / (plafond - plancher);
  r.value = NumberValue(JsNumber(lower.value) + (assiette.value.number - plancher) * coeff);
  return r;
}

}  // namespace parcours::rules::detail
