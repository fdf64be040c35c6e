// Evaluation of operations, conditions, variations, units, texte and possibilities.
#include <cmath>

#include "evaluator.h"

namespace parcours::rules::detail {
namespace {

bool IsDateString(const Val& v) {
  if (!v.is_string() || v.string.size() != 10) return false;
  const std::string& s = v.string;
  for (int i : {0, 1, 3, 4, 6, 7, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return s[2] == '/' && s[5] == '/';
}

double DateDays(const std::string& s) {
  int d = std::stoi(s.substr(0, 2)), m = std::stoi(s.substr(3, 2)), y = std::stoi(s.substr(6));
  // Days from civil (Howard Hinnant), UTC midnight.
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097.0 + static_cast<double>(doe) - 719468;
}

// One test of a bit mask.
template <Op... ops>
bool IsOneOf(Op op) {
  constexpr uint32_t mask = ((uint32_t{1} << static_cast<unsigned>(ops)) | ...);
  return ((uint32_t{1} << static_cast<unsigned>(op)) & mask) != 0;
}

Val JsAnd(const Val& a, const Val& b) {
  Val left = a.is_null() ? BoolValue(false) : a;
  Val right = b.is_null() ? BoolValue(false) : b;
  return JsTruthy(left) ? right : left;
}
Val JsOr(const Val& a, const Val& b) {
  Val left = a.is_null() ? BoolValue(false) : a;
  Val right = b.is_null() ? BoolValue(false) : b;
  return JsTruthy(left) ? left : right;
}

// `shared` keeps the text of a concatenation.
// Inlined into Operation (see NumberValue).
[[gnu::always_inline]] inline Val Apply(Op op, const Val& a, const Val& b, EvalShared& shared) {
  if (op == Op::kEq || op == Op::kNe) {
    Val left = a.is_null() ? BoolValue(false) : a;
    Val right = b.is_null() ? BoolValue(false) : b;
    bool eq = JsStrictEqual(left, right);
    return BoolValue(op == Op::kEq ? eq : !eq);
  }
  if (op == Op::kAnd) return JsAnd(a, b);
  if (op == Op::kOr) return JsOr(a, b);
  if (a.is_string() && b.is_string() && IsOneOf<Op::kLt, Op::kLe, Op::kGt, Op::kGe>(op)) {
    int c = a.string.str().compare(b.string.str());
    switch (op) {
      case Op::kLt: return BoolValue(c < 0);
      case Op::kLe: return BoolValue(c <= 0);
      case Op::kGt: return BoolValue(c > 0);
      default: return BoolValue(c >= 0);
    }
  }
  if (op == Op::kAdd && (a.is_string() || b.is_string())) {
    Val v;
    v.kind = Value::Kind::kString;
    Res left, right;
    left.value = a;
    right.value = b;
    v.string = shared.Keep(FormatResult(left) + FormatResult(right));
    return v;
  }
  double x = JsNumber(a), y = JsNumber(b);
  switch (op) {
    case Op::kAdd: return NumberValue(x + y);
    case Op::kSub: return NumberValue(x - y);
    case Op::kMul: return NumberValue(x * y);
    case Op::kDiv: return NumberValue(x / y);
    case Op::kIntDiv: return NumberValue((x - std::fmod(x, y)) / y);
    case Op::kPow: return NumberValue(std::pow(x, y));
    case Op::kLt: return BoolValue(x < y);
    case Op::kLe: return BoolValue(x <= y);
    case Op::kGt: return BoolValue(x > y);
    case Op::kGe: return BoolValue(x >= y);
    default: return Val();
  }
}

bool IsZero(const Val& v) { return v.is_number() && v.number == 0; }
bool IsTrue(const Val& v) { return v.is_boolean() && v.boolean; }
bool IsFalse(const Val& v) { return v.is_boolean() && !v.boolean; }

}  // namespace

Res EvalState::Operation(const HotNode& n) {
  const Op op = n.op;
  // Operands are read in place; only their value and unit are copied (converted below).
  struct Operand {
    Val value;
    UnitId unit;
  };
  // One result, returned everywhere: built in place (a result built on the stack and copied
  // stalls on the copy's wide loads of the narrow stores that built it).
  Res r;
  const Res& e1 = EvalNode(n.a);
  Operand n1{e1.value, e1.unit};
  if ((n1.value.is_null() &&
       IsOneOf<Op::kLt, Op::kGt, Op::kLe, Op::kGe, Op::kDiv, Op::kMul, Op::kIntDiv, Op::kSub, Op::kAnd>(op)) ||
      (IsZero(n1.value) && IsOneOf<Op::kDiv, Op::kMul>(op)) || (IsFalse(n1.value) && op == Op::kAnd) ||
      (IsTrue(n1.value) && op == Op::kOr)) {
    r.value = op == Op::kAnd ? BoolValue(false) : n1.value;
    r.missing = e1.missing;
    return r;
  }
  const Res& e2 = EvalNode(n.b);
  Operand n2{e2.value, e2.unit};
  if (op == Op::kDiv && IsZero(n2.value)) Throw("rules.division_by_zero", "Division by zero");
  if ((n2.value.is_null() && IsOneOf<Op::kLt, Op::kGt, Op::kLe, Op::kGe, Op::kDiv, Op::kMul, Op::kIntDiv, Op::kAnd>(op)) ||
      (IsZero(n2.value) && op == Op::kMul) || (IsFalse(n2.value) && op == Op::kAnd) ||
      (IsTrue(n2.value) && op == Op::kOr)) {
    r.value = op == Op::kAnd ? BoolValue(false) : n2.value;
    r.missing = e2.missing;
    return r;
  }
  r.missing = MergeMissing(e1.missing, e2.missing);
  bool undefined = n1.value.is_undefined() || n2.value.is_undefined();
  // Units of both sides alike (most operations): neither is a percentage added to the other.
  bool pct = IsOneOf<Op::kAdd, Op::kSub>(op) && n1.unit != n2.unit && IsPercentUnit(n2.unit) && !IsPercentUnit(n1.unit);
  if (!undefined && !IsOneOf<Op::kDiv, Op::kMul, Op::kIntDiv>(op) && !pct) {
    if (n1.unit != kNoUnit && n2.unit != kNoUnit) {
      if (n2.value.is_number()) {
        auto c = ConvertUnit(n2.unit, n1.unit, n2.value.number);
        if (c) {
          n2.value.number = *c;
          n2.unit = n1.unit;
        } else {
          Warn("dans l'expression, la partie gauche (unité: " + SerializeUnit(n1.unit) +
               ") n'est pas compatible avec la partie droite (unité: " + SerializeUnit(n2.unit) + ")");
        }
      } else if (AreUnitsConvertible(n2.unit, n1.unit)) {
        n2.unit = n1.unit;
      }
    } else if (n2.unit != kNoUnit) {
      if (n1.value.is_number() && n1.unit != kNoUnit) {
        auto c = ConvertUnit(n1.unit, n2.unit, n1.value.number);
        if (c) n1.value.number = *c;
      }
      n1.unit = n2.unit;
    }
  }
  if (undefined) {
    r.value = Val();
  } else if (IsOneOf<Op::kLt, Op::kGt, Op::kLe, Op::kGe, Op::kMul, Op::kDiv, Op::kIntDiv>(op) && n2.value.is_null()) {
    r.value = NullValue();
  } else if (n1.value.is_string() && n2.value.is_string() && IsDateString(n1.value) && IsDateString(n2.value)) {
    r.value = Apply(op, NumberValue(DateDays(n1.value.string)), NumberValue(DateDays(n2.value.string)), *shared_);
  } else {
    r.value = Apply(op, n1.value, n2.value, *shared_);
  }
  if (op == Op::kMul) {
    const UnitId product = MultiplyUnits(n1.unit, n2.unit);
    if (HasPercentNumerator(product)) {
      if (r.value.is_number()) r.value.number /= 100;
      r.unit = DropPercent(product);
    } else {
      r.unit = product;
    }
    return r;
  }
  if (pct) {
    if (n1.value.is_number() && n2.value.is_number()) {
      r.value = NumberValue(n1.value.number * (1 + (n2.value.number / 100) * (op == Op::kSub ? -1 : 1)));
    }
    r.unit = DropPercent(MultiplyUnits(n1.unit, n2.unit));
    return r;
  }
  switch (op) {
    case Op::kDiv: r.unit = DivideUnits(n1.unit, n2.unit); break;
    case Op::kIntDiv:
      r.unit = n1.unit == kNoUnit ? n2.unit : n2.unit == kNoUnit ? n1.unit : kNoUnit;
      break;
    case Op::kAdd:
    case Op::kSub:
      r.unit = n1.unit != kNoUnit ? n1.unit : n2.unit;
      break;
    default: break;
  }
  return r;
}


// `condition`; with `not_applicable`, the branches are replaced by "est non applicable"
// of themselves (reference: est-non-applicable.ts, case 'condition').
template <bool kNotApplicable>
Res EvalState::ConditionWith(const HotNode& n) {
  const Res& si = EvalNode(n.a);
  if (si.unit != kNoUnit && !kNotApplicable) Throw("rules.invalid_condition", "La condition doit être de type booléen");
  // Branch results are read in place (memoised); "est non applicable" results are kept here.
  struct NoStorage {};
  using Storage = std::conditional_t<kNotApplicable, Res, NoStorage>;
  [[maybe_unused]] Storage alors_storage, sinon_storage;
  auto branch = [&](int id, [[maybe_unused]] Storage* storage) -> const Res* {
    if constexpr (kNotApplicable) {
      ::new (static_cast<void*>(storage)) Res(NotApplicable(id));  // built in place (see Operation)
      return storage;
    } else {
      return &EvalNode(id);
    }
  };
  const Res* evaluation = nullptr;
  const Res* alors_eval = nullptr;
  Missing undecided;  // both branches' missing variables, when the condition is not known
  if (IsTrue(si.value)) {
    alors_eval = branch(n.b, &alors_storage);
    evaluation = alors_eval;
  } else if (IsFalse(si.value)) {
    evaluation = branch(n.c, &sinon_storage);
  } else if (si.value.is_null()) {
    evaluation = &si;
  } else if (si.value.is_undefined()) {
    const Res* sinon = branch(n.c, &sinon_storage);
    alors_eval = branch(n.b, &alors_storage);
    undecided = MergeMissing(sinon->missing, alors_eval->missing);
  } else {
    Throw("rules.invalid_condition", "La condition doit être de type booléen");
  }
  Res r;
  if (evaluation == nullptr) {  // undecided: the value is undefined
    r.missing = MergeMissing(Bonus(si.missing), undecided);
    if (!kNotApplicable) r.unit = alors_eval->unit;
    return r;
  }
  r.value = evaluation->value;
  if (!kNotApplicable) {
    r.unit = evaluation->unit;
    if (r.unit == kNoUnit) {
      if (alors_eval != nullptr) {
        r.unit = alors_eval->unit;
      } else if (const HotNode& alors = Hot(n.b); alors.kind == NodeKind::kConstant ||
                 alors.kind == NodeKind::kUnite || alors.kind == NodeKind::kDuree) {
        r.unit = alors.unit;
      }
    }
  }
  r.missing = MergeMissing(Bonus(si.missing), evaluation->missing);
  return r;
}
template Res EvalState::ConditionWith<false>(const HotNode& n);
template Res EvalState::ConditionWith<true>(const HotNode& n);

Res EvalState::Variations(int id, const HotNode& n) {
  Res r;
  r.value = NullValue();
  UnitId unit = kNoUnit;
  // previous: 0 = false, 1 = true, 2 = undefined
  int previous = 0;
  // The missing variables go straight into the result (see Operation).
  const int* kids = g_->kids(id, n);
  for (size_t i = 0; i + 1 < n.kid_count; i += 2) {
    if (previous == 1) break;
    const Res& cond = EvalNode(kids[i]);
    int current;
    if (previous == 2 || cond.value.is_undefined()) {
      current = 2;
    } else {
      current = !IsFalse(cond.value) && !cond.value.is_null() ? 1 : 0;
    }
    Missing branch = Bonus(cond.missing);
    if (current == 0) {
      r.missing = MergeMissing(r.missing, branch);
      continue;
    }
    Res consequence;
    bool evaluated = false;
    if (!IsFalse(cond.value) && !cond.value.is_null()) {
      consequence = EvalNode(kids[i + 1]);
      evaluated = true;
      if (unit != kNoUnit && consequence.value.is_number() && consequence.unit != kNoUnit) {
        auto c = ConvertUnit(consequence.unit, unit, consequence.value.number);
        if (c) {
          consequence.value.number = *c;
          consequence.unit = unit;
        } else {
          Warn("l'unité de la branche n° " + std::to_string(i / 2 + 1) +
               " du mécanisme 'variations' n'est pas compatible avec celle d'une branche précédente");
        }
      } else if (unit != kNoUnit && AreUnitsConvertible(consequence.unit, unit)) {
        consequence.unit = unit;
      }
      branch = MergeMissing(branch, consequence.missing);
    }
    r.value = current == 1 && evaluated ? consequence.value : Val();
    if (unit == kNoUnit && evaluated) unit = consequence.unit;
    previous = previous == 0 ? current : previous;
    r.missing = MergeMissing(r.missing, branch);
  }
  r.unit = unit;
  return r;
}

Res EvalState::Arrondi(const Node& n) {
  Res valeur = EvalNode(n.a);
  if (valeur.unit != kNoUnit) {
    UnitId simplified = SimplifyUnit(valeur.unit);
    if (valeur.value.is_number()) {
      auto c = ConvertUnit(valeur.unit, simplified, valeur.value.number);
      if (c) valeur.value.number = *c;
    }
    valeur.unit = simplified;
  }
  Res r;
  r.unit = valeur.unit;
  if (IsFalse(valeur.value)) {
    r.value = valeur.value;
    r.missing = valeur.missing;
    return r;
  }
  const Res& arrondi = EvalNode(n.b);
  if (arrondi.value.is_number()) {
    std::string u = SerializeUnit(arrondi.unit);
    if (u.find("décimale") == std::string::npos) {
      Throw("rules.invalid_arrondi", "L'unité " + u + " de l'arrondi est inconnue. Vous devez utiliser l'unité « décimales »");
    }
  }
  auto round = [](double x, double digits) {
    double p = std::pow(10.0, digits);
    return std::floor((x + 2.220446049250313e-16) * p + 0.5) / p;
  };
  if (!valeur.value.is_number()) {
    r.value = valeur.value;
  } else if (arrondi.value.is_number()) {
    r.value = NumberValue(round(valeur.value.number, arrondi.value.number));
  } else if (IsTrue(arrondi.value)) {
    r.value = NumberValue(round(valeur.value.number, 0));
  } else if (arrondi.value.is_undefined()) {
    r.value = Val();
  } else {
    r.value = valeur.value;
  }
  r.missing = MergeMissing(valeur.missing, arrondi.missing);
  return r;
}

Res EvalState::Unite(const Node& n) {
  const Res& v = EvalNode(n.a);
  Res r;
  r.value = v.value;
  r.missing = v.missing;
  r.unit = n.unit;
  if (!v.value.is_null()) {
    if (!AreUnitsConvertible(v.unit, n.unit) && SerializeUnit(v.unit) != SerializeUnit(n.unit)) {
      Warn("erreur lors de la conversion d'unité explicite : impossible de convertir '" + SerializeUnit(v.unit) +
           "' en '" + SerializeUnit(n.unit) + "'");
    } else if (v.value.is_number()) {
      auto c = ConvertUnit(v.unit, n.unit, v.value.number);
      if (c) r.value.number = *c;
    }
  }
  return r;
}

Res EvalState::SimplifierUnite(const Node& n) {
  Res v = EvalNode(n.a);
  if (v.value.is_null() || v.value.is_undefined() || v.unit == kNoUnit) return v;
  UnitId unit = SimplifyUnit(v.unit);
  if (v.value.is_number()) {
    auto c = ConvertUnit(v.unit, unit, v.value.number);
    if (c) v.value.number = *c;
  }
  v.unit = unit;
  return v;
}

Res EvalState::Texte(const Node& n) {
  Res r;
  std::string text;
  for (size_t i = 0; i < n.kids.size(); ++i) {
    text += n.rare->texts[i];
    const Res& part = EvalNode(n.kids[i]);
    text += FormatResult(part);
    r.missing = MergeMissing(r.missing, part.missing);
  }
  text += n.rare->texts.back();
  r.value.kind = Value::Kind::kString;
  r.value.string = shared_->Keep(std::move(text));
  return r;
}

Res EvalState::Possibilities(const Node& n) {
  Res r;
  r.unit = n.unit;
  if (n.name != "reference") return r;
  // The applicable options: how many, and the first. Without the flag every option counts as
  // applicable (a single option is still chosen).
  size_t applicable = 0;
  int first = -1;
  const bool filter = model_->options.filter_not_applicable_possibilities;
  for (size_t i = 0; i < n.kids.size(); ++i) {
    if (filter) {
      const Res& na = EvalNode(n.rare->kids2[i]);
      r.missing = MergeMissing(r.missing, na.missing);
      if (IsTrue(na.value)) continue;
    }
    if (applicable++ == 0) first = n.kids[i];
  }
  if (applicable == 0) {
    r.value = NullValue();
  } else if (applicable == 1) {
    r.value = ToVal(g_->node(first).value);
  }
  return r;
}

}  // namespace parcours::rules::detail
