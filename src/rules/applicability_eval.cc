// Applicability in the evaluator: "est non applicable" of a node, a rule's applicability, the
// parent check that disables a rule's branch (reference: evaluateDisablingParent in
// evaluateRule.ts, est-non-applicable.ts), and the fold's history check.
#include <algorithm>
#include <cmath>
#include <vector>

#include "evaluator.h"
#include "fold.h"

namespace parcours::rules::detail {

inline const Res* EvalState::FoldedApplicability(int rule) {
  if (fold_ == nullptr || rule >= fold_->rule_count() || FoldCache::IsDirty(*dirty_, 2 * rule + 1)) return nullptr;
  return fold_->Applicability(rule);
}

NodeType EvalState::SlotType(int rule) const {
  int slot = HotRuleOf(rule).situation_rule;
  if (slot < 0) return {};
  if (const Override* o = GetOverride(slot)) return o->type;
  return HotRuleOf(slot).type;
}

EvalState::Disabling EvalState::DisablingParent(int rule_id) {
  const HotRule& rule = HotRuleOf(rule_id);
  Disabling d;
  const int parent = rule.check_parent;
  if (parent < 0) return d;
  const HotNode& link = Hot(parent);
  const NodeType t = link.type;
  const Res* p = buffers_.node_cache[parent];
  // A parent rule evaluated through another link answers alike ("est non applicable" of a
  // reference to a rule already evaluated reads its value), save in the fold's state, which
  // checks that answer against the rule's applicability (CheckHistory).
  if (p == nullptr && link.kind == NodeKind::kReference && !track_warned_path_) {
    p = buffers_.rule_cache[link.rule];
    // Evaluated in the cone of a folded result read before: as if this state had.
    if (p == nullptr && RuleInFoldCone(link.rule)) p = &EvalRule(link.rule);
  }
  // A rule already on the parent stack is not checked again (a boolean parent's value still
  // counts, below).
  const bool checked = buffers_.suppressed[rule_id] == 0;
  if (checked && p != nullptr) {
    // The parent was read before: its answers come from that result and evaluate nothing, so
    // the parent stack needs no entry.
    const bool null = p->value.is_null(), is_false = p->value.is_boolean() && !p->value.boolean;
    if (track_warned_path_ && t.nullable == Tri::kTrue) CheckHistory(NotApplicableFromValue(*p), parent);
    if ((t.nullable == Tri::kTrue && null) || (t.type == VType::kBoolean && (null || is_false))) {
      d.disabled = true;
      d.missing = p->missing;
      return d;
    }
  } else if (checked) {
    Raise(buffers_.suppressed, rule_id, buffers_.flagged_rules);
    buffers_.parent_stack.push_back(rule_id);
    // The parent is not applicable, or a condition whose value is false or null (defined).
    bool not_applicable = false;
    Missing missing;
    if (t.nullable == Tri::kTrue) {
      const Res na = NotApplicable(parent);
      not_applicable = na.value.is_boolean() && na.value.boolean;
      missing = na.missing;
    }
    if (!not_applicable && t.type == VType::kBoolean) {
      const Res& value = EvalNode(parent);
      not_applicable = value.value.is_null() || (value.value.is_boolean() && !value.value.boolean);
      missing = value.missing;
    }
    --buffers_.suppressed[rule_id];
    if (!buffers_.parent_stack.empty()) buffers_.parent_stack.pop_back();
    if (not_applicable) {
      d.disabled = true;
      d.missing = missing;
      return d;
    }
  }
  if (t.type == VType::kBoolean) {
    if (p == nullptr) p = &EvalNode(parent);
    d.missing = p->missing;
    d.disabled = p->value.is_boolean() && !p->value.boolean;
  }
  return d;
}

Res EvalState::RuleApplicability(int rule_id) {
  Res r;
  Disabling d = DisablingParent(rule_id);
  if (d.disabled) {
    r.value = BoolValue(true);
    r.missing = std::move(d.missing);
    return r;
  }
  const HotRule& rule = HotRuleOf(rule_id);
  const Override* o = rule.is_situation_slot ? GetOverride(rule_id) : nullptr;
  auto fixed = [](const Override& f) {
    Res na;
    na.value = f.result.value.is_undefined() ? Val() : BoolValue(f.result.value.is_null());
    na.missing = f.result.missing;
    return na;
  };
  // Initialised, not assigned: built in place (see Operation).
  const Res na = o != nullptr && o->fixed ? fixed(*o) : NotApplicable(o != nullptr ? o->node : rule.value);
  r.value = na.value;
  r.missing = MergeMissing(d.missing, na.missing);
  if (na.value.is_boolean() && !na.value.boolean && SlotType(rule_id).nullable == Tri::kTrue && na.missing.empty()) {
    r.missing = OneMissing(rule_id, 1);
  }
  return r;
}

EvalState& EvalState::FreshProbe() {
  if (!fresh_probe_) fresh_probe_ = Fork(/*copy_cache=*/false, /*copy_stacks=*/false);
  fresh_probe_->ResetCache();
  fresh_probe_->BeginEvaluation();
  return *fresh_probe_;
}

bool EvalState::SameResult(const Res& a, const Res& b) {
  const bool both_nan =
      a.value.is_number() && b.value.is_number() && std::isnan(a.value.number) && std::isnan(b.value.number);
  if ((!JsStrictEqual(a.value, b.value) && !both_nan) || a.unit != b.unit) return false;
  auto entries = [&](const Missing& m) {
    std::vector<MissingEntry> out;
    for (const MissingEntry e : shared_->missing.Flatten(m)) out.push_back(e);
    return out;
  };
  const auto x = entries(a.missing), y = entries(b.missing);
  return std::equal(x.begin(), x.end(), y.begin(), y.end(),
                    [](const MissingEntry& e, const MissingEntry& f) {
                      return e.rule == f.rule && e.score == f.score;
                    });
}

void EvalState::CheckHistory(const Res& answer, int node, int value_of) {
  if (shared_->history_dependent) return;
  // The other answer as an engine that has evaluated nothing yet gives it: asked here, what this
  // state holds would answer in its place (a rule's value node, once evaluated, answers its
  // applicability from its value), and it would leave results that such an engine has not.
  // Asked in a state that has evaluated nothing, the question has one answer: kept.
  const int key = node >= 0 ? node : -1 - value_of;
  auto known = fresh_answers_.find(key);
  if (known == fresh_answers_.end()) {
    EvalState& probe = FreshProbe();
    Res other;
    if (node >= 0) {
      other = probe.NotApplicable(node);
    } else {
      other = NotApplicableFromValue(probe.EvalRule(value_of));
    }
    known = fresh_answers_.emplace(key, other).first;
  }
  shared_->history_dependent = !SameResult(answer, known->second);
}

Res EvalState::NotApplicable(int id) {
  const HotNode& n = Hot(id);
  Res r;
  // Static shortcut of the reference; references always go through the rule's
  // applicability, which accounts for parents that disable the branch.
  if (n.type.nullable == Tri::kFalse && n.kind != NodeKind::kReference) {
    r.value = BoolValue(false);
    return r;
  }
  const Res* c = buffers_.node_cache[id];
  // Evaluated in the cone of a folded result read before (a node of several rules): as if this
  // state had.
  if (c == nullptr && n.kind != NodeKind::kReference && NodeInFoldCone(id)) c = &EvalNode(id);
  if (c != nullptr) {
    r = NotApplicableFromValue(*c);
    if (track_warned_path_ && (n.kind == NodeKind::kReference || n.kind == NodeKind::kCondition)) CheckHistory(r, id);
    return r;
  }
  if (++depth_ > kMaxDepth) ThrowTooDeep();
  if (n.kind == NodeKind::kReference) {
    const Res* value = buffers_.rule_cache[n.rule];
    // Evaluated in the cone of a folded result read before: as if this state had.
    if (value == nullptr && RuleInFoldCone(n.rule)) value = &EvalRule(n.rule);
    if (value != nullptr) {
      // As the reference: a rule already evaluated is not applicable when its value is null.
      r = NotApplicableFromValue(*value);
      if (track_warned_path_) CheckHistory(r, id);
    } else if (const Res* folded = FoldedApplicability(n.rule)) {
      r = *folded;
      MarkFoldCone(fold_->ApplicabilityCone(n.rule));
    } else {
      r = RuleApplicability(n.rule);
      if (track_warned_path_) CheckHistory(r, -1, n.rule);
    }
  } else if (n.kind == NodeKind::kCondition) {
    r = ConditionWith<true>(n);
  } else {
    const Res& v = EvalNode(id);
    r.value = v.value.is_undefined() ? Val() : BoolValue(v.value.is_null());
    r.missing = v.missing;
  }
  --depth_;
  return r;
}

}  // namespace parcours::rules::detail
