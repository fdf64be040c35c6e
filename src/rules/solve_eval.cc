// Mechanisms that evaluate in a derived situation: contexte, inversion numérique,
// résoudre la référence circulaire (reference: contexte.ts, inversion.ts,
// résoudre-référence-circulaire.ts, uniroot.ts).
#include <cmath>
#include <functional>
#include <optional>

#include "evaluator.h"

namespace parcours::rules::detail {
namespace {

// Brent's method, as the reference's uniroot (zeroin): NaN behaves like JS undefined.
std::optional<double> Uniroot(const std::function<double(double)>& func, double lower, double upper,
                              double error_tol, int max_iter, double acceptable_error_tol) {
  double a = lower, b = upper, c = a, fa = func(a), fb = func(b), fc = fa;
  std::optional<double> fallback;
  while (max_iter-- > 0) {
    double prev_step = b - a;
    if (std::fabs(fc) < std::fabs(fb)) {
      a = b, b = c, c = a;
      fa = fb, fb = fc, fc = fa;
    }
    double tol = 1e-15 * std::fabs(b) + error_tol / 2;
    double new_step = (c - b) / 2;
    if (std::fabs(new_step) <= tol || fb == 0) return b;
    if (std::fabs(prev_step) >= tol && std::fabs(fa) > std::fabs(fb)) {
      double p, q, t1, t2;
      double cb = c - b;
      if (a == c) {
        t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        q = fa / fc, t1 = fb / fc, t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1));
        q = (q - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) {
        q = -q;
      } else {
        p = -p;
      }
      if (p < 0.75 * cb * q - std::fabs(tol * q) / 2 && p < std::fabs((prev_step * q) / 2)) new_step = p / q;
    }
    if (std::fabs(new_step) < tol) new_step = new_step > 0 ? tol : -tol;
    a = b, fa = fb;
    b += new_step, fb = func(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) c = a, fc = fa;
    if (std::fabs(fb) < error_tol) return b;
    if (std::fabs(fb) < acceptable_error_tol) fallback = b;
  }
  return fallback;
}

// The reference compares serialized units ("none" for no unit); interned ids that are equal
// serialize alike.
bool SameUnit(UnitId a, UnitId b) {
  if (a == b) return true;
  return a != kNoUnit && b != kNoUnit && SerializeUnit(a) == SerializeUnit(b);
}

double ToJs(const Val& v) { return v.is_undefined() ? NAN : JsNumber(v); }

}  // namespace

Res EvalState::Contexte(int id, const Node& n) {
  std::vector<std::pair<int, int>> key;
  std::vector<std::pair<int, Res>> amended;
  // The rules it sets are not missing in its result, unless their replacement is undefined.
  std::vector<int> set_rules;
  for (size_t i = 0; i + 1 < n.kids.size(); i += 2) {
    int ref = n.kids[i], replacement = n.kids[i + 1];
    const Res& origin = EvalNode(ref);
    const Res& value = EvalNode(replacement);
    if (!value.value.is_undefined()) set_rules.push_back(g_->node(ref).rule);
    bool same = JsStrictEqual(origin.value, value.value) && SameUnit(origin.unit, value.unit);
    if (same) continue;
    key.emplace_back(g_->node(ref).rule, replacement);
    amended.emplace_back(replacement, value);
  }
  if (has_contexte_situation_ && contexte_situation_ == key) {
    Res r;
    r.value = NullValue();
    return r;
  }
  EvalState* sub = nullptr;
  for (const auto& [node, state] : sub_states_) {
    if (node == id) sub = state.get();
  }
  if (sub == nullptr) {
    sub = sub_states_.emplace_back(id, Fork(amended.empty(), /*copy_stacks=*/false)).second.get();
    for (size_t i = 0; i < amended.size(); ++i) {
      int rule = key[i].first;
      int slot = g_->rule(rule).situation_rule;
      if (slot < 0) Throw("rules.invalid_contexte", "La règle « " + g_->rule(rule).name + " » ne peut pas être modifiée par un contexte");
      Override o;
      o.node = amended[i].first;
      o.fixed = true;
      o.contexte = true;
      o.result = amended[i].second;
      o.type = g_->type(amended[i].first);
      sub->SetOverride(slot, std::move(o));
    }
  }
  sub->contexte_situation_ = key;
  sub->has_contexte_situation_ = true;
  sub->depth_ = depth_;  // as a fork's (Fork): nested in this evaluation
  const Res& ev = sub->EvalNode(n.a);
  Res r;
  r.value = ev.value;
  r.unit = ev.unit;
  r.missing = shared_->missing.Without(ev.missing, set_rules);
  return r;
}

Res EvalState::Inversion(const Node& n) {
  if (OnStackBelowTop(n.rule)) return Res();
  auto inv = Fork(true);
  int goal = -1;
  for (int candidate : n.kids) {
    int rule = g_->node(candidate).rule;
    if (OnStack(rule)) continue;
    int slot = g_->rule(rule).situation_rule;
    if (slot < 0) continue;
    const Res& ev = inv->EvalRule(slot);
    // Whether the goal is its own missing variable decides: not knowing it, start again.
    if (ev.missing.unknown() && ev.value.is_number()) throw MissingNeeded();
    bool listed = false;
    for (const auto& [m, score] : shared_->missing.Flatten(ev.missing)) listed |= m == rule;
    if (ev.value.is_number() && !listed) {
      goal = candidate;
      break;
    }
  }
  if (goal < 0) {
    Res r;
    for (int candidate : n.kids) r.missing = MergeMissing(r.missing, OneMissing(g_->node(candidate).rule, 0));
    r.missing = MergeMissing(r.missing, OneMissing(n.rule, 0));
    r.missing = shared_->missing.WithScore(r.missing, 1);
    return r;
  }
  const int to_invert_slot = g_->rule(n.rule).situation_rule;
  if (to_invert_slot < 0) Throw("rules.invalid_inversion", "Une règle privée ne peut pas être inversée");
  Res goal_eval = inv->EvalNode(goal);
  Override cleared;
  cleared.fixed = true;
  cleared.type = {Tri::kFalse, VType::kNumber};
  inv->SetOverride(g_->rule(g_->node(goal).rule).situation_rule, cleared);
  inv->ResetCache();
  Res last;
  auto evaluate_with = [&](double x) {
    Override o;
    o.fixed = true;
    o.result.value = NumberValue(x);
    o.result.unit = goal_eval.unit;
    o.type = {Tri::kFalse, VType::kNumber};
    inv->SetOverride(to_invert_slot, std::move(o));
    inv->ResetCache();
    last = inv->EvalNode(goal);
    return last;
  };
  const double target = ToJs(goal_eval.value);
  const double x1 = target;
  const Res y1_node = evaluate_with(x1);
  const bool y1_defined = !y1_node.value.is_undefined();
  const double y1 = ToJs(y1_node.value);
  const double coeff = y1 > target ? 0.9 : 1.2;
  const double x2 = y1_defined ? (x1 * target * coeff) / y1 : 2000;
  const Res y2_node = evaluate_with(x2);
  const bool y2_defined = !y2_node.value.is_undefined();
  const double y2 = ToJs(y2_node.value);
  std::optional<double> value;
  if (y1_defined || y2_defined) {
    auto test = [&](double x) {
      double y = x == x1 ? y1 : x == x2 ? y2 : ToJs(evaluate_with(x).value);
      return y - target;
    };
    double below = y2_defined && y2 < target && (y2 > y1 || y1 > target)   ? x2
                   : y1_defined && y1 < target && (y1 > y2 || y2 > target) ? x1
                                                                          : n.rare->min;
    double above = y2_defined && y2 > target && (y2 < y1 || y1 < target)   ? x2
                   : y1_defined && y1 > target && (y1 < y2 || y2 < target) ? x1
                                                                          : n.rare->max;
    value = Uniroot(test, below, above, 0.1, 10, 1);
  }
  if (!value) shared_->inversion_fail = true;
  Res r;
  if (value) r.value = NumberValue(*value);
  r.unit = goal_eval.unit;
  r.missing = last.missing;
  return r;
}

Res EvalState::Resoudre(const Node& n) {
  if (OnStackBelowTop(n.rule)) return Res();
  const int slot = g_->rule(n.rule).situation_rule;
  if (slot < 0) Throw("rules.invalid_circular", "Une règle privée ne peut pas résoudre de référence circulaire");
  auto calc = Fork(false);
  auto evaluate_with = [&](double x) {
    Override o;
    o.fixed = true;
    o.result.value = NumberValue(x);
    o.type = {Tri::kFalse, VType::kNumber};
    calc->SetOverride(slot, std::move(o));
    calc->ResetCache();
    return calc->EvalNode(n.a);
  };
  const double x0 = 1;
  Res valeur = evaluate_with(x0);
  const bool y0_defined = !valeur.value.is_undefined();
  const double y0 = ToJs(valeur.value);
  const UnitId unit = valeur.unit;
  bool failed = true;
  std::optional<double> value;
  if (y0_defined) {
    auto test = [&](double x) {
      if (x == x0) return y0 - x0;
      valeur = evaluate_with(x);
      return ToJs(valeur.value) - x;
    };
    value = Uniroot(test, -1000000, 100000000, 0.5, 25, 2);
    failed = false;
  }
  if (failed || !value) shared_->inversion_fail = true;
  if (value) valeur = evaluate_with(*value);
  Res r;
  if (value) r.value = NumberValue(*value);
  r.unit = unit;
  r.missing = valeur.missing;
  return r;
}

}  // namespace parcours::rules::detail
