// Core of the evaluator: memo cache, nodes, rules, forks, warnings, cycles (applicability and
// parent checks: applicability_eval.cc).
#include "evaluator.h"

#include "fold.h"

#include <algorithm>
#include <cmath>

namespace parcours::rules::detail {
namespace {

// Warnings kept per evaluation (the reference keeps all; a net salary whose salary is given as a
// net amount raises up to 450 cycle warnings through its inversions).
constexpr size_t kMaxWarnings = 2000;

}  // namespace

bool JsTruthy(const Val& v) {
  switch (v.kind) {
    case Value::Kind::kNumber: return v.number != 0 && !std::isnan(v.number);
    case Value::Kind::kBoolean: return v.boolean;
    case Value::Kind::kString: return !v.string.empty();
    default: return false;
  }
}

double JsNumber(const Val& v) {
  switch (v.kind) {
    case Value::Kind::kNumber: return v.number;
    case Value::Kind::kBoolean: return v.boolean ? 1 : 0;
    case Value::Kind::kNull: return 0;
    default: return std::nan("");
  }
}

bool JsStrictEqual(const Val& a, const Val& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::kNumber: return a.number == b.number;
    case Value::Kind::kBoolean: return a.boolean == b.boolean;
    case Value::Kind::kString: return a.string == b.string;
    default: return true;
  }
}

Val ToVal(const Value& v) {
  Val out;
  out.kind = v.kind;
  out.boolean = v.boolean;
  out.number = v.number;
  if (v.is_string()) out.string = TextRef(&v.string.str());
  return out;
}

Value ToValue(const Val& v) {
  Value out;
  out.kind = v.kind;
  out.boolean = v.boolean;
  out.number = v.number;
  if (v.is_string()) out.string = v.string.str();
  return out;
}

EvalState::EvalState(const Graph* graph, const CompiledModel* model, EvalShared* shared, FoldCache* pool)
    : g_(graph), model_(model), shared_(shared), pool_(pool) {
  if (const CompiledModel* base = graph->base()) {
    base_hot_ = base->core.hot.data();
    base_hot_rules_ = base->core.hot_rules.data();
    base_nodes_ = static_cast<int>(base->core.hot.size());
    base_rules_ = static_cast<int>(base->core.hot_rules.size());
  }
  if (pool_ != nullptr) pool_->TakeBuffers(&buffers_);
  ResetCache();
}

EvalState::~EvalState() {
  if (pool_ == nullptr) return;
  ClearTouched();
  pool_->GiveBuffers(&buffers_);
}

void EvalState::ClearTouched() {
  for (int id : buffers_.touched_nodes) buffers_.node_cache[id] = nullptr;
  for (int rule : buffers_.touched_rules) buffers_.rule_cache[rule] = nullptr;
  buffers_.touched_nodes.clear();
  buffers_.touched_rules.clear();
  buffers_.results.Clear();
  for (uint32_t word : buffers_.cone_words) buffers_.cone_bits[word] = 0;
  buffers_.cone_words.clear();
  ClearStackCounts();
  buffers_.rule_stack.clear();
}

void EvalState::ResetCache() {
  // Only the entries set since the last reset are cleared: engines of a large model
  // evaluate a small part of it, and their buffers come back clean to the model's pool.
  ClearTouched();
  const size_t nodes = g_->node_count();
  if (buffers_.node_cache.size() < nodes) buffers_.node_cache.resize(nodes, nullptr);
  GrowRuleSlots(g_->rule_count());
  buffers_.rule_stack.clear();
  sub_states_.clear();
  ForgetContexteResults();
}

void EvalState::ForgetContexteResults() {
  for (Override& o : overrides_) o.fixed &= !o.contexte;
}

void EvalState::SetOverride(int slot_rule, Override o) {
  auto it = std::lower_bound(override_index_.begin(), override_index_.end(), std::make_pair(slot_rule, -1));
  if (it != override_index_.end() && it->first == slot_rule) {
    overrides_[it->second] = std::move(o);
  } else {
    override_index_.insert(it, {slot_rule, static_cast<int>(overrides_.size())});
    overrides_.push_back(std::move(o));
  }
  // Every rule reaching the slot now evaluates afresh. A parent's dirty set only grows while
  // its forks live (the engine's is replaced after ResetCache drops them): sharing it is safe.
  if (fold_ != nullptr && slot_rule < fold_->rule_count() && !FoldCache::Covers(*dirty_, slot_rule)) {
    if (dirty_ != &own_dirty_) {
      own_dirty_ = *dirty_;
      dirty_ = &own_dirty_;
    }
    fold_->AddDirty(slot_rule, &own_dirty_);
  }
}

void EvalState::ClearOverride(int slot_rule) {
  auto it = std::lower_bound(override_index_.begin(), override_index_.end(), std::make_pair(slot_rule, -1));
  if (it != override_index_.end() && it->first == slot_rule) override_index_.erase(it);  // its entry stays unused
}

std::unique_ptr<EvalState> EvalState::Fork(bool copy_cache, bool copy_stacks) const {
  // Forks borrow pooled buffers too (contexte and inversions fork often).
  auto fork = std::make_unique<EvalState>(g_, model_, shared_, pool_);
  fork->overrides_ = overrides_;
  fork->override_index_ = override_index_;
  if (!copy_cache) fork->ForgetContexteResults();
  fork->EnableFolding(fold_, dirty_);
  // Its evaluations nest in this one's: the depth guard counts on (a contexte reading itself
  // through another forks again and again).
  fork->depth_ = depth_;
  if (copy_stacks) {
    fork->buffers_.rule_stack = buffers_.rule_stack;
    fork->buffers_.parent_stack = buffers_.parent_stack;
    StateBuffers& b = fork->buffers_;  // clean, and sized for the graph's rules (ResetCache)
    for (int rule : buffers_.flagged_rules) {
      b.in_progress[rule] = buffers_.in_progress[rule];
      b.suppressed[rule] = buffers_.suppressed[rule];
    }
    b.flagged_rules = buffers_.flagged_rules;
  }
  if (copy_cache) {
    // Results are shared read-only: the parent outlives its forks. Only the entries set
    // in the parent are copied.
    StateBuffers& b = fork->buffers_;
    if (b.node_cache.size() < buffers_.node_cache.size()) b.node_cache.resize(buffers_.node_cache.size(), nullptr);
    if (b.rule_cache.size() < buffers_.rule_cache.size()) b.rule_cache.resize(buffers_.rule_cache.size(), nullptr);
    for (int id : buffers_.touched_nodes) b.node_cache[id] = buffers_.node_cache[id];
    for (int rule : buffers_.touched_rules) b.rule_cache[rule] = buffers_.rule_cache[rule];
    for (uint32_t word : buffers_.cone_words) b.cone_bits[word] = buffers_.cone_bits[word];
    b.cone_words = buffers_.cone_words;
    b.touched_nodes = buffers_.touched_nodes;
    b.touched_rules = buffers_.touched_rules;
  }
  return fork;
}

int EvalState::CurrentRule() const {
  for (const auto& [rule, kind] : buffers_.rule_stack) {
    const Rule& r = g_->rule(rule);
    if (!r.is_situation_slot && !r.is_internal) return rule;
  }
  return buffers_.rule_stack.empty() ? -1 : buffers_.rule_stack.back().first;
}

const std::string& EvalState::CurrentRuleName() const {
  static const std::string none;
  const int rule = CurrentRule();
  return rule < 0 ? none : g_->rule(rule).name;
}

void EvalState::ThrowTooDeep() {
  depth_ = 0;
  Throw("rules.too_deep", "Évaluation trop profonde (dépendances circulaires ou modèle trop imbriqué)");
}

void EvalState::Throw(const char* reason, const char* message) const {
  Throw(std::string(reason), std::string(message));
}

void EvalState::Throw(const std::string& reason, const std::string& message) const {
  const std::string& rule = CurrentRuleName();
  throw EvalError(reason, rule, (rule.empty() ? "" : "Règle « " + rule + " » : ") + message);
}

void EvalState::AddWarning(Warning w) {
  if (track_warned_path_) {
    for (const auto& entry : buffers_.rule_stack) warned_path_.push_back(entry.first);
  }
  if (shared_->warnings.size() >= kMaxWarnings) return;
  if (shared_->warnings.empty()) shared_->warnings.reserve(32);  // a net salary raises about 15
  shared_->warnings.push_back(std::move(w));
}

void EvalState::Warn(std::string message) { AddWarning({CurrentRule(), {}, std::move(message)}); }

void EvalState::WarnCycle(int rule) {
  const Rule& cut = g_->rule(rule);
  if (cut.is_situation_slot || cut.is_internal) return;
  const std::string& name = cut.name;
  // As the reference, a cycle met while only rules named under this one check their parent (a
  // parent summing its children, each checking it) is not reported.
  if (!buffers_.parent_stack.empty() && std::all_of(buffers_.parent_stack.begin(), buffers_.parent_stack.end(),
                                            [&](int r) { return g_->rule(r).name.starts_with(name); })) {
    return;
  }
  size_t from = buffers_.rule_stack.size();
  while (from > 0 && buffers_.rule_stack[from - 1].first != rule) --from;
  if (from > 0) --from;
  Warning w{CurrentRule(), {}, {}};
  w.cycle.reserve(buffers_.rule_stack.size() - from + 1);
  for (size_t i = from; i < buffers_.rule_stack.size(); ++i) w.cycle.push_back(buffers_.rule_stack[i].first);
  w.cycle.push_back(rule);
  AddWarning(std::move(w));
}

std::string WarningText(const Graph& graph, const Warning& w) {
  std::string text;
  if (w.rule >= 0) text.append("Règle « ").append(graph.rule(w.rule).name).append(" » : ");
  if (w.cycle.empty()) return text.append(w.message);
  text.append("un cycle a été détecté (");
  for (size_t i = 0; i < w.cycle.size(); ++i) text.append(i > 0 ? " → " : "").append(graph.rule(w.cycle[i]).name);
  return text.append(") ; la règle a été considérée comme non définie");
}

const Res& EvalState::Store(int id, const Res& r) {
  const Res* p = &buffers_.results.Add(r);
  return id >= 0 ? Cache(id, p) : *p;
}

void EvalState::RollbackJournal() {
  for (size_t i = journal_nodes_; i < buffers_.touched_nodes.size(); ++i) {
    buffers_.node_cache[buffers_.touched_nodes[i]] = nullptr;
  }
  for (size_t i = journal_rules_; i < buffers_.touched_rules.size(); ++i) {
    buffers_.rule_cache[buffers_.touched_rules[i]] = nullptr;
  }
  buffers_.touched_nodes.resize(journal_nodes_);
  buffers_.touched_rules.resize(journal_rules_);
}

inline const Res* EvalState::FoldedRule(int rule) {
  if (fold_ == nullptr || rule >= fold_->rule_count() || FoldCache::IsDirty(*dirty_, 2 * rule)) return nullptr;
  const Res* folded = fold_->Rule(rule);
  if (folded != nullptr) MarkFoldCone(fold_->ValueCone(rule));
  return folded;
}

void EvalState::EnableFolding(FoldCache* fold, const std::vector<uint64_t>* dirty) {
  fold_ = fold;
  dirty_ = dirty;
  fold_node_states_ = fold != nullptr ? fold->node_states() : nullptr;
  fold_nodes_ = fold != nullptr ? fold->node_count() : 0;
  fold_rules_ = fold != nullptr ? fold->rule_count() : 0;
  cone_node_word_ = fold != nullptr ? fold->ConeNodeWord() : 0;
  const size_t words = cone_node_word_ + (static_cast<size_t>(fold_nodes_) + 63) / 64;
  if (buffers_.cone_bits.size() < words) buffers_.cone_bits.resize(words, 0);
}

bool EvalState::IsFolded(int rule) const {
  const Res* cached = CachedRule(rule);
  if (cached == nullptr || fold_ == nullptr || rule >= fold_->rule_count() || FoldCache::IsDirty(*dirty_, 2 * rule)) {
    return false;
  }
  return fold_->Published(rule) == cached;
}

bool EvalState::IsFoldedNode(int id) const {
  const Res* cached = Cached(id);
  return cached != nullptr && fold_ != nullptr && fold_->PublishedNode(id) == cached;
}

inline Res EvalState::Compute(int id, const HotNode& h) {
  switch (h.kind) {
    case NodeKind::kConstant: {
      Res r;
      r.value = ToVal(g_->node(id).value);
      r.unit = h.unit;
      return r;
    }
    case NodeKind::kReference:
      return EvalRule(h.rule);
    case NodeKind::kOperation:
      return Operation(h);
    case NodeKind::kCondition:
      return ConditionWith<false>(h);
    case NodeKind::kVariations:
      return Variations(id, h);
    case NodeKind::kEstNonDefini: {
      const Res& v = EvalNode(h.a);
      Res r;
      r.value = BoolValue(v.value.is_undefined());
      r.missing = v.missing;
      return r;
    }
    case NodeKind::kEstNonApplicable:
      return NotApplicable(h.a);
    case NodeKind::kBareme:
    case NodeKind::kGrille:
    case NodeKind::kTauxProgressif:
      return Tranches(g_->node(id));
    case NodeKind::kDuree:
      return Duree(g_->node(id));
    case NodeKind::kTexte:
      return Texte(g_->node(id));
    case NodeKind::kArrondi:
      return Arrondi(g_->node(id));
    case NodeKind::kUnite:
      return Unite(g_->node(id));
    case NodeKind::kSimplifierUnite:
      return SimplifierUnite(g_->node(id));
    case NodeKind::kContexte:
      return Contexte(id, g_->node(id));
    case NodeKind::kInversion:
      return Inversion(g_->node(id));
    case NodeKind::kResoudre:
      return Resoudre(g_->node(id));
    case NodeKind::kLogarithme: {
      const Res& v = EvalNode(h.a);
      Res r;
      r.missing = v.missing;
      if (v.value.is_null() || v.value.is_undefined()) {
        r.value = v.value;
        return r;
      }
      if (!v.value.is_number()) Throw("rules.invalid_logarithme", "Le logarithme attend un nombre");
      r.value = NumberValue(std::log(v.value.number));
      r.unit = kEmptyUnit;
      return r;
    }
    case NodeKind::kVariableManquante: {
      const Res& v = EvalNode(h.a);
      double max_score = 0;
      for (const auto& [rule, score] : shared_->missing.Flatten(v.missing)) max_score = std::max(max_score, score);
      Res r;
      r.value = v.value;
      r.unit = v.unit;
      r.missing = v.missing;
      if (h.rule >= 0) r.missing = MergeMissing(v.missing, OneMissing(h.rule, max_score + 1));
      return r;
    }
    case NodeKind::kUnePossibilite:
      return Possibilities(g_->node(id));
  }
  return Res();
}

const Res& EvalState::ComputeNode(int id) {
  const HotNode& n = Hot(id);
  if (id < fold_nodes_ && n.kind != NodeKind::kReference && !FoldCache::NeverFolded(fold_node_states_[id])) {
    const FoldCone* cone;
    if (const Res* folded = fold_->Node(id, *dirty_, &cone)) {
      MarkFoldCone(cone);
      return Cache(id, folded);
    }
  }
  if (++depth_ > kMaxDepth) ThrowTooDeep();
  if (--shared_->budget < 0) {
    Throw("rules.evaluation_budget", "Évaluation trop longue : le calcul a été interrompu");
  }
  if (n.kind == NodeKind::kReference) {
    // A reference's result is its rule's: cached by address rather than copied.
    const Res& r = EvalRule(n.rule);
    --depth_;
    return Cache(id, &r);
  }
  // Computed in its slot of the store (the slot stays unused if the evaluation throws).
  Res* slot = buffers_.results.Allocate();
  ::new (static_cast<void*>(slot)) Res(Compute(id, n));
  --depth_;
  return Cache(id, slot);
}

// Reference semantics (publicodes 1.10): the parents are checked first; a rule already
// twice on the evaluation stack is a cycle and evaluates to undefined.
inline Res EvalState::ComputeRule(int rule_id) {
  Res r;  // one result, returned everywhere: built in place (see Operation)
  Disabling disabling = DisablingParent(rule_id);
  if (disabling.disabled) {
    r.value = NullValue();
    r.missing = std::move(disabling.missing);
    return r;
  }
  if (buffers_.in_progress[rule_id] > 1) {
    WarnCycle(rule_id);
    r.missing = std::move(disabling.missing);
    return r;
  }
  const HotRule& rule = HotRuleOf(rule_id);
  buffers_.rule_stack.emplace_back(rule_id, 0);
  Raise(buffers_.in_progress, rule_id, buffers_.flagged_rules);
  const Res* possibilities = nullptr;
  if (rule.possibilities >= 0) {
    possibilities = &EvalNode(rule.possibilities);
    if (!possibilities->value.is_undefined()) {
      // As the reference, the rule stays on the stack on this early return.
      r.value = possibilities->value;
      r.unit = possibilities->unit;
      r.missing = MergeMissing(possibilities->missing, disabling.missing);
      return r;
    }
  }
  const Res* value;
  int value_node = -1;
  if (rule.is_situation_slot) {
    const Override* o = GetOverride(rule_id);
    if (o != nullptr && o->fixed) {
      value = &o->result;
    } else {
      value_node = o != nullptr ? o->node : rule.value;
      value = &EvalNode(value_node);
    }
  } else {
    value_node = rule.value;
    value = &EvalNode(value_node);
  }
  if (!buffers_.rule_stack.empty()) buffers_.rule_stack.pop_back();
  if (buffers_.in_progress[rule_id] > 0) --buffers_.in_progress[rule_id];
  if (rule.root_accessible && value->value.is_undefined() && value->missing.empty()) {
    // The reference records the rule itself as missing on the cached value evaluation.
    if (value_node >= 0 && g_->node(value_node).kind == NodeKind::kReference) {
      // That node's result is another rule's (EvalNode): it gets a copy of its own.
      Res own = *value;
      own.missing = OneMissing(rule_id, 1);
      value = &Store(value_node, own);
    } else {
      const_cast<Res*>(value)->missing = OneMissing(rule_id, 1);
    }
  }
  r.value = value->value;
  r.unit = possibilities != nullptr && possibilities->unit != kNoUnit ? possibilities->unit : value->unit;
  r.missing = MergeMissing(MergeMissing(possibilities != nullptr ? possibilities->missing : Missing{}, value->missing),
                           disabling.missing);
  return r;
}

const Res& EvalState::ComputeAndStoreRule(int rule) {
  if (const Res* folded = FoldedRule(rule)) return CacheRule(rule, folded);
  Res* stored = buffers_.results.Allocate();
  ::new (static_cast<void*>(stored)) Res(ComputeRule(rule));
  return CacheRule(rule, stored);
}

void EvalState::GrowRuleSlots(int rules) {
  const size_t n = rules;
  if (buffers_.rule_cache.size() < n) buffers_.rule_cache.resize(n, nullptr);
  if (buffers_.in_progress.size() < n) buffers_.in_progress.resize(n, 0);
  if (buffers_.suppressed.size() < n) buffers_.suppressed.resize(n, 0);
}

}  // namespace parcours::rules::detail
