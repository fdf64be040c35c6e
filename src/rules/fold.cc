// Folding of the situation-independent part of a model (see fold.h).
#include "fold.h"

#include <algorithm>

#include "cycles.h"

namespace parcours::rules::detail {
namespace {

// Dependencies of a rule's value (vertex 2 * rule) and of its applicability (vertex
// 2 * rule + 1), following what EvalState evaluates for each (evaluator.cc).
class DependencyWalker {
 public:
  explicit DependencyWalker(const Overlay& core) : core_(core), seen_(core.nodes.size(), -1) {}

  // Value: the value tree, the possibilities and the parent check.
  void Value(int rule_id, std::vector<int>* deps, bool* volatile_vertex) {
    const Rule& rule = core_.rules[rule_id];
    Begin(deps, volatile_vertex);
    WalkValue(rule.value);
    WalkValue(rule.possibilities);
    Parent(rule);
  }

  // Applicability: the parent check and "est non applicable" of the value tree.
  void Applicability(int rule_id, std::vector<int>* deps, bool* volatile_vertex) {
    const Rule& rule = core_.rules[rule_id];
    Begin(deps, volatile_vertex);
    Parent(rule);
    WalkNotApplicable(rule.value);
  }

 private:
  void Begin(std::vector<int>* deps, bool* volatile_vertex) {
    deps_ = deps;
    volatile_ = volatile_vertex;
    ++stamp_;
  }

  // As EvalState::DisablingParent: slots check no parent; others the nearest parent that
  // may be non applicable (its applicability) or is a condition (its value).
  void Parent(const Rule& rule) {
    const int ref = rule.check_parent;
    if (ref < 0) return;
    const NodeType& t = core_.node_types[ref];
    const int parent = core_.nodes[ref].kind == NodeKind::kReference ? core_.nodes[ref].rule : -1;
    if (parent < 0) {
      WalkValue(ref);  // a replaced parent link: its whole tree
    } else {
      if (t.nullable == Tri::kTrue) deps_->push_back(2 * parent + 1);
      if (t.type == VType::kBoolean) deps_->push_back(2 * parent);
    }
  }

  void WalkValue(int root) {
    if (root < 0 || seen_[root] == stamp_) return;
    stack_.clear();
    seen_[root] = stamp_;
    stack_.push_back(root);
    while (!stack_.empty()) {
      const int id = stack_.back();
      stack_.pop_back();
      const Node& n = core_.nodes[id];
      switch (n.kind) {
        case NodeKind::kReference:
          if (n.rule >= 0) {
            deps_->push_back(2 * n.rule);
            deps_->push_back(2 * n.rule + 1);  // "est non applicable" of a reference
          }
          break;
        case NodeKind::kContexte:
        case NodeKind::kInversion:
        case NodeKind::kResoudre:
          *volatile_ = true;
          break;
        default:
          break;
      }
      for (int k : {n.a, n.b, n.c}) Push(k);
      for (int k : n.kids) Push(k);
      for (int k : n.rare->kids2) Push(k);
    }
  }

  // As EvalState::NotApplicable: statically applicable nodes are not evaluated; a
  // reference asks its rule's applicability, a condition evaluates its test.
  void WalkNotApplicable(int id) {
    if (id < 0) return;
    const Node& n = core_.nodes[id];
    if (core_.node_types[id].nullable == Tri::kFalse && n.kind != NodeKind::kReference) return;
    if (n.kind == NodeKind::kReference) {
      if (n.rule >= 0) deps_->push_back(2 * n.rule + 1);
    } else if (n.kind == NodeKind::kCondition) {
      WalkValue(n.a);
      WalkNotApplicable(n.b);
      WalkNotApplicable(n.c);
    } else {
      WalkValue(id);
    }
  }

  void Push(int id) {
    if (id >= 0 && seen_[id] != stamp_) {
      seen_[id] = stamp_;
      stack_.push_back(id);
    }
  }

  const Overlay& core_;
  std::vector<int> seen_;
  std::vector<int> stack_;
  int stamp_ = 0;
  std::vector<int>* deps_ = nullptr;
  bool* volatile_ = nullptr;
};

}  // namespace

FoldCache::FoldCache(const CompiledModel* model) : model_(model) {
  rule_count_ = static_cast<int>(model->core.rules.size());
  rule_state_ = std::make_unique<std::atomic<unsigned char>[]>(rule_count_);
  applicability_state_ = std::make_unique<std::atomic<unsigned char>[]>(rule_count_);
  for (int i = 0; i < rule_count_; ++i) {
    rule_state_[i].store(0, std::memory_order_relaxed);
    applicability_state_[i].store(0, std::memory_order_relaxed);
  }
  rule_results_.assign(rule_count_, nullptr);
  applicability_results_.assign(rule_count_, nullptr);
  value_cones_.assign(rule_count_, nullptr);
  applicability_cones_.assign(rule_count_, nullptr);
  node_count_ = static_cast<int>(model->core.nodes.size());
  node_fold_ = std::make_unique<NodeFold[]>(node_count_);
  node_state_ = std::make_unique<std::atomic<unsigned char>[]>(node_count_);
  // Nodes read from several places (a replacement's shared `variations`...): "est non
  // applicable" of one may be asked outside the folded result that evaluated it.
  std::vector<unsigned char> parents(node_count_, 0);
  std::vector<int> children;
  for (const auto& n : model->core.nodes) {
    children.clear();
    AppendChildren(n, &children);
    for (int c : children) {
      if (c >= 0 && c < node_count_ && parents[c] < 2) ++parents[c];
    }
  }
  rule_sensitive_.assign(rule_count_, -1);
  node_sensitive_.assign(node_count_, -1);
  shared_node_.resize(node_count_);
  for (int i = 0; i < node_count_; ++i) shared_node_[i] = parents[i] > 1;
}

void FoldCache::EnsureGraph() {
  std::call_once(graph_once_, [this] {
    BuildGraph();
    BuildNodeRefs();
  });
}

FoldCache::~FoldCache() = default;

void FoldCache::BuildGraph() {
  const Overlay& core = model_->core;
  const int n = 2 * rule_count_;
  std::vector<std::vector<int>> deps(n);
  volatile_.assign(n, 0);
  DependencyWalker walker(core);
  for (int r = 0; r < rule_count_; ++r) {
    for (int kind = 0; kind < 2; ++kind) {
      const int v = 2 * r + kind;
      bool is_volatile = false;
      if (kind == 0) {
        walker.Value(r, &deps[v], &is_volatile);
      } else {
        walker.Applicability(r, &deps[v], &is_volatile);
      }
      std::sort(deps[v].begin(), deps[v].end());
      deps[v].erase(std::unique(deps[v].begin(), deps[v].end()), deps[v].end());
      volatile_[v] = is_volatile ? 1 : 0;
    }
  }
  // Rules on a dependency cycle.
  const Components components = StronglyConnected(deps);
  for (int v = 0; v < n; ++v) volatile_[v] |= components.on_cycle[v];
  // Reverse edges, then volatility flows to every rule that reads a volatile one.
  closures_.assign(rule_count_, {});
  closure_state_ = std::make_unique<std::atomic<unsigned char>[]>(rule_count_);
  for (int r = 0; r < rule_count_; ++r) closure_state_[r].store(0, std::memory_order_relaxed);
  dependents_start_.assign(n + 1, 0);
  for (int r = 0; r < n; ++r) {
    for (int d : deps[r]) ++dependents_start_[d + 1];
  }
  for (int r = 0; r < n; ++r) dependents_start_[r + 1] += dependents_start_[r];
  dependents_.assign(dependents_start_[n], 0);
  std::vector<int> fill(dependents_start_.begin(), dependents_start_.end() - 1);
  for (int r = 0; r < n; ++r) {
    for (int d : deps[r]) dependents_[fill[d]++] = r;
  }
  std::vector<int> queue;
  for (int r = 0; r < n; ++r) {
    if (volatile_[r]) queue.push_back(r);
  }
  while (!queue.empty()) {
    const int r = queue.back();
    queue.pop_back();
    for (int i = dependents_start_[r]; i < dependents_start_[r + 1]; ++i) {
      const int d = dependents_[i];
      if (!volatile_[d]) {
        volatile_[d] = 1;
        queue.push_back(d);
      }
    }
  }
}

void FoldCache::BuildNodeRefs() {
  // Post-order over the node trees: a node reads its own reference's vertices and its
  // children's; it is foldable when none of them is volatile and it holds no mechanism that
  // forks the situation. References are folded as rules, so they are never nodes to fold.
  const Overlay& core = model_->core;
  std::vector<std::vector<int>> refs(node_count_);
  std::vector<unsigned char> foldable(node_count_, 1), visit(node_count_, 0);  // 1 = open, 2 = done
  std::vector<std::pair<int, bool>> stack;
  auto children = [&core](int id, auto&& each) {
    const detail::Node& n = core.nodes[id];
    for (int k : {n.a, n.b, n.c}) each(k);
    for (int k : n.kids) each(k);
    for (int k : n.rare->kids2) each(k);
  };
  for (int root = 0; root < node_count_; ++root) {
    if (visit[root] != 0) continue;
    stack.emplace_back(root, false);
    while (!stack.empty()) {
      auto [id, expanded] = stack.back();
      stack.pop_back();
      if (!expanded) {
        if (visit[id] != 0) continue;
        visit[id] = 1;
        stack.emplace_back(id, true);
        children(id, [&](int k) {
          if (k >= 0 && k < node_count_ && visit[k] == 0) stack.emplace_back(k, false);
        });
        continue;
      }
      const detail::Node& n = core.nodes[id];
      bool ok = n.kind != NodeKind::kContexte && n.kind != NodeKind::kInversion && n.kind != NodeKind::kResoudre;
      std::vector<int>& mine = refs[id];
      if (n.kind == NodeKind::kReference && n.rule >= 0) {
        mine = {2 * n.rule, 2 * n.rule + 1};
      }
      children(id, [&](int k) {
        if (k < 0) return;
        if (k >= node_count_ || visit[k] != 2 || !foldable[k]) {  // an open child: a node cycle
          ok = false;
          return;
        }
        mine.insert(mine.end(), refs[k].begin(), refs[k].end());
      });
      std::sort(mine.begin(), mine.end());
      mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
      for (int v : mine) ok = ok && v < 2 * rule_count_ && !volatile_[v];
      if (!ok) mine = {};
      foldable[id] = ok ? 1 : 0;
      visit[id] = 2;
    }
  }
  node_refs_.clear();
  for (int id = 0; id < node_count_; ++id) {
    // A subtree reads at most every vertex (two per rule); past 65,535 it is not folded.
    const bool fold = foldable[id] && core.nodes[id].kind != NodeKind::kReference && refs[id].size() <= UINT16_MAX;
    NodeFold& f = node_fold_[id];
    f.refs_start = static_cast<uint32_t>(node_refs_.size());
    f.ref_count = fold ? static_cast<uint16_t>(refs[id].size()) : 0;
    if (fold) node_refs_.insert(node_refs_.end(), refs[id].begin(), refs[id].end());
    node_state_[id].store(fold ? kFoldable : kNever, std::memory_order_relaxed);
  }
}

const FoldCache::SparseBits& FoldCache::Closure(int rule) {
  EnsureGraph();
  if (closure_state_[rule].load(std::memory_order_acquire) == 1) return closures_[rule];
  std::lock_guard<std::mutex> lock(closure_mutex_);
  if (closure_state_[rule].load(std::memory_order_relaxed) == 1) return closures_[rule];
  std::vector<uint64_t> bits((2 * static_cast<size_t>(rule_count_) + 63) / 64, 0);
  auto mark = [&bits](int v) {
    const bool seen = IsDirty(bits, v);
    bits[v >> 6] |= uint64_t{1} << (v & 63);
    return !seen;
  };
  std::vector<int> queue;
  for (int v : {2 * rule, 2 * rule + 1}) {
    if (mark(v)) queue.push_back(v);
  }
  while (!queue.empty()) {
    const int r = queue.back();
    queue.pop_back();
    for (int i = dependents_start_[r]; i < dependents_start_[r + 1]; ++i) {
      if (mark(dependents_[i])) queue.push_back(dependents_[i]);
    }
  }
  SparseBits sparse;
  for (size_t w = 0; w < bits.size(); ++w) {
    if (bits[w] != 0) sparse.emplace_back(static_cast<uint32_t>(w), bits[w]);
  }
  closures_[rule] = std::move(sparse);
  closure_state_[rule].store(1, std::memory_order_release);
  return closures_[rule];
}

void FoldCache::MarkDirty(const std::vector<int>& seeds, std::vector<uint64_t>* dirty) {
  EnsureGraph();  // before any state reads Node
  dirty->assign((2 * static_cast<size_t>(rule_count_) + 63) / 64, 0);
  for (int s : seeds) AddDirty(s, dirty);
}

void FoldCache::AddDirty(int slot, std::vector<uint64_t>* dirty) {
  if (slot < 0 || slot >= rule_count_ || Covers(*dirty, slot)) return;
  for (const auto& [word, bits] : Closure(slot)) (*dirty)[word] |= bits;
}

const Res* FoldCache::Rule(int rule) {
  const unsigned char s = rule_state_[rule].load(std::memory_order_acquire);
  if (s == 1) return rule_results_[rule];
  if (s == 2) return nullptr;
  return Compute(rule, false);
}

const Res* FoldCache::Applicability(int rule) {
  const unsigned char s = applicability_state_[rule].load(std::memory_order_acquire);
  if (s == 1) return applicability_results_[rule];
  if (s == 2) return nullptr;
  return Compute(rule, true);
}

template <typename Run>
bool FoldCache::EvaluateFolded(Run run) {
  if (!state_) {
    graph_ = std::make_unique<Graph>(model_, &overlay_);
    state_ = std::make_unique<EvalState>(graph_.get(), model_, &shared_);
    shared_.missing.SetFlat(true);  // engines of every thread read these results
    state_->track_warned_path_ = true;
  }
  // Every result kept in the model-level state was computed without error, warning or
  // rule left on the stack, in an evaluation that only read such results: reading it
  // instead of evaluating it again changes nothing but the time spent.
  shared_.warnings.clear();
  shared_.inversion_fail = false;
  shared_.history_dependent = false;
  shared_.budget = model_->options.max_node_evaluations;
  state_->BeginJournal();
  bool ok = true;
  try {
    run();
  } catch (const std::exception&) {
    ok = false;
  }
  ok = ok && shared_.warnings.empty() && !shared_.inversion_fail && !shared_.history_dependent && state_->StacksEmpty();
  if (!ok) {
    // The rules on the way to the error or warning are never folded either, so that a
    // long chain of them is not evaluated again from each of its links.
    for (int r : state_->warned_path_) Never(r);
    for (const auto& entry : state_->buffers_.rule_stack) Never(entry.first);
    state_->warned_path_.clear();
    state_->RollbackJournal();
    state_->BeginEvaluation();
  }
  return ok;
}

template <typename Probe>
bool FoldCache::ProbeQuietly(Probe probe) {
  const size_t warnings = shared_.warnings.size();
  bool answer = false;
  try {
    answer = probe() && shared_.warnings.size() == warnings;
  } catch (const std::exception&) {
  }
  shared_.warnings.resize(std::min(shared_.warnings.size(), warnings));
  return answer;
}

template <typename Run>
bool FoldCache::CheckFresh(Run run, const Res& kept, const FoldCone** cone) {
  EvalState& fresh = state_->FreshProbe();
  if (!ProbeQuietly([&] { return state_->SameResult(run(fresh), kept) && !shared_.inversion_fail; })) return false;
  auto sorted = [](std::vector<int> ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
  };
  const std::vector<int> rules = sorted(fresh.buffers_.touched_rules), nodes = sorted(fresh.buffers_.touched_nodes);
  // Only what "est non applicable" answers differently once evaluated matters.
  FoldCone found;
  for (int rule : rules) {
    if (rule < rule_count_ && HistorySensitive(rule, -1)) found.push_back(static_cast<uint32_t>(rule));
  }
  for (int id : nodes) {
    if (id < node_count_ && shared_node_[id] && HistorySensitive(-1, id)) {
      found.push_back(static_cast<uint32_t>(64 * ConeNodeWord() + id));
    }
  }
  *cone = found.empty() ? nullptr : &cones_.emplace_back(std::move(found));
  return true;
}

bool FoldCache::HistorySensitive(int rule, int node) {
  signed char& known = rule >= 0 ? rule_sensitive_[rule] : node_sensitive_[node];
  if (known >= 0) return known;
  // Insensitive when "est non applicable" answered from the value (as EvalState::NotApplicable
  // does once it is evaluated) is the fresh state's answer, without warning or error.
  const bool sensitive = !ProbeQuietly([&] {
    const Res from_value = NotApplicableFromValue(rule >= 0 ? state_->FreshProbe().EvalRule(rule)
                                                             : state_->FreshProbe().EvalNode(node));
    EvalState& fresh = state_->FreshProbe();
    return state_->SameResult(from_value, rule >= 0 ? fresh.RuleApplicability(rule) : fresh.NotApplicable(node));
  });
  known = sensitive ? 1 : 0;
  return sensitive;
}

const Res* FoldCache::Compute(int rule, bool applicability) {
  EnsureGraph();
  std::lock_guard<std::mutex> lock(mutex_);
  auto& states = applicability ? applicability_state_ : rule_state_;
  auto& results = applicability ? applicability_results_ : rule_results_;
  const unsigned char s = states[rule].load(std::memory_order_relaxed);
  if (s != 0) return s == 1 ? results[rule] : nullptr;
  if (volatile_[2 * rule + (applicability ? 1 : 0)]) {
    states[rule].store(2, std::memory_order_release);
    return nullptr;
  }
  const Res* out = nullptr;
  Res applicable;
  const bool ok = EvaluateFolded([&] {
    if (applicability) {
      applicable = state_->RuleApplicability(rule);
    } else {
      out = &state_->EvalRule(rule);
    }
  });
  const FoldCone* cone = nullptr;
  const bool fresh = ok && CheckFresh(
                               [&](EvalState& s) -> Res {
                                 if (applicability) return s.RuleApplicability(rule);
                                 return s.EvalRule(rule);
                               },
                               applicability ? applicable : *out, &cone);
  if (!fresh) {
    states[rule].store(2, std::memory_order_release);
    return nullptr;
  }
  if (applicability) {
    applicability_store_.push_back(std::move(applicable));
    out = &applicability_store_.back();
  }
  (applicability ? applicability_cones_ : value_cones_)[rule] = cone;
  results[rule] = out;
  states[rule].store(1, std::memory_order_release);
  return out;
}

const Res* FoldCache::ComputeNode(int id) {
  std::lock_guard<std::mutex> lock(mutex_);
  NodeFold& f = node_fold_[id];
  std::atomic<unsigned char>& state = node_state_[id];
  const unsigned char s = state.load(std::memory_order_relaxed);
  if (s != kFoldable) return s == kPublished ? f.result : nullptr;
  const Res* out = nullptr;
  // An undefined result is left to the engine: a rule records itself as missing on its
  // value's cached result when it is undefined (EvalState::ComputeRule).
  if (!EvaluateFolded([&] { out = &state_->EvalNode(id); }) || out->value.is_undefined() ||
      !CheckFresh([&](EvalState& s) -> Res { return s.EvalNode(id); }, *out, &f.cone)) {
    state.store(kNever, std::memory_order_release);
    return nullptr;
  }
  f.result = out;
  state.store(kPublished, std::memory_order_release);
  return out;
}

void FoldCache::Never(int rule) {
  if (rule < 0 || rule >= rule_count_) return;
  if (rule_state_[rule].load(std::memory_order_relaxed) == 0) rule_state_[rule].store(2, std::memory_order_release);
  if (applicability_state_[rule].load(std::memory_order_relaxed) == 0) {
    applicability_state_[rule].store(2, std::memory_order_release);
  }
}

void FoldCache::TakeBuffers(StateBuffers* out) {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  if (pool_.empty()) return;
  *out = std::move(pool_.back());
  pool_.pop_back();
}

void FoldCache::GiveBuffers(StateBuffers* in) {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  if (pool_.size() < 64) pool_.push_back(std::move(*in));
}

CompiledModel::CompiledModel() = default;
CompiledModel::~CompiledModel() = default;

FoldCache& CompiledModel::Fold() const {
  std::call_once(fold_once_, [this] { fold_ = std::make_unique<FoldCache>(this); });
  return *fold_;
}

}  // namespace parcours::rules::detail
