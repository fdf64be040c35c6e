// Folding of the situation-independent part of a model (one per model, shared by engines).
//
// Most of a large model (modele-social: barèmes, plafonds, taux, whole namespaces nobody
// answered) does not depend on the few rules a situation sets. A rule's value and
// applicability are functions of the slots ("X . $SITUATION") it reaches through its
// value, possibilities and parents; when a situation sets none of them, the rule evaluates
// exactly as in the empty situation. The fold cache evaluates such rules once, in a
// model-level state over the empty situation, and engines read those results instead of
// recomputing them. Each engine marks "dirty" every rule that reaches a slot its situation
// sets (reverse dependency walk from the set slots) and evaluates those afresh.
//
// Results that would depend on the evaluation path are never folded: rules in a dependency
// cycle (parents included), rules using `contexte`, `inversion numérique` or `résoudre la
// référence circulaire`, and everything that depends on them. A rule whose evaluation
// raises an error or a warning is not folded either (the engine raises it again), nor one
// whose evaluation met "est non applicable" answered from what the model-level state had
// evaluated before, where an engine that has evaluated nothing answers otherwise (the reference
// answers it from the value of a rule or node already evaluated, else from its applicability),
// nor one that such a fresh engine evaluates to a different result: the model-level state's
// history would then decide it. Each published result keeps its cone, what a fresh evaluation of
// it evaluates whose "est non applicable" that history changes; an engine reading the result
// marks its cone as evaluated, and answers from those values as the reference does, which
// evaluated them. Folded and direct evaluations thus give the same values, units, warnings and
// missing variables (docs/RULES.md).
//
// Thread-safety: Rule/Applicability may be called concurrently; the model-level state is
// evaluated under a mutex and results are published once, read lock-free afterwards.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "evaluator.h"

namespace parcours::rules::detail {

class FoldCache {
 public:
  explicit FoldCache(const CompiledModel* model);
  ~FoldCache();

  // Values and applicabilities reverse-reachable from `seeds` (set slots): what to
  // evaluate afresh. `dirty` gets a bit per vertex (IsDirty): 2 * rule for a rule's value,
  // 2 * rule + 1 for its applicability. Each seed's closure is walked once per model and
  // kept, so a situation ORs a few bitsets.
  void MarkDirty(const std::vector<int>& seeds, std::vector<uint64_t>* dirty);
  // Adds to `dirty` the closure of one more set slot (a fork's: contexte, inversion).
  void AddDirty(int slot, std::vector<uint64_t>* dirty);
  static bool IsDirty(const std::vector<uint64_t>& dirty, int vertex) {
    return (dirty[vertex >> 6] >> (vertex & 63)) & 1;
  }
  // True when `dirty` already holds the closure of `slot`: a dirty set is closed under
  // dependents, so it does once it holds the slot's two vertices.
  static bool Covers(const std::vector<uint64_t>& dirty, int slot) {
    return IsDirty(dirty, 2 * slot) && IsDirty(dirty, 2 * slot + 1);
  }

  // The empty-situation value of a clean rule, or nullptr when it must not be folded.
  const Res* Rule(int rule);
  // The cone of a published result (FoldCone; nullptr when empty): an engine reading the result
  // has not evaluated what it holds, where the reference has, and answers "est non applicable" of
  // them from their value as the reference does (EvalState::MarkFoldCone). Read once published.
  const FoldCone* ValueCone(int rule) const { return value_cones_[rule]; }
  const FoldCone* ApplicabilityCone(int rule) const { return applicability_cones_[rule]; }
  // Where the nodes' bits start in a cone (FoldCone), in words of 64.
  size_t ConeNodeWord() const { return (static_cast<size_t>(rule_count_) + 63) / 64; }
  // The published value of `rule`, without computing it (nullptr when not published).
  const Res* Published(int rule) const {
    return rule_state_[rule].load(std::memory_order_acquire) == 1 ? rule_results_[rule] : nullptr;
  }
  // The empty-situation applicability ("est non applicable") of a clean rule, or nullptr.
  const Res* Applicability(int rule);

  // Node folding: inside a rule evaluated afresh, a subtree whose references all read clean,
  // foldable vertices (and that holds no contexte, inversion or circular resolution) is a pure
  // function of folded results, constants included: its empty-situation result, or nullptr
  // when `dirty` marks a vertex it reads or it must not be folded. References are left to
  // Rule/Applicability. `dirty` comes from MarkDirty, which builds the graph this reads.
  // `cone` gets the result's cone (as ValueCone).
  const Res* Node(int id, const std::vector<uint64_t>& dirty, const FoldCone** cone) {
    if (id >= node_count_) return nullptr;
    const unsigned char s = node_state_[id].load(std::memory_order_acquire);
    if (s == kNever) return nullptr;
    const NodeFold& f = node_fold_[id];
    const int* refs = node_refs_.data() + f.refs_start;
    for (uint32_t i = 0; i < f.ref_count; ++i) {
      if (IsDirty(dirty, refs[i])) return nullptr;
    }
    const Res* result = s == kPublished ? f.result : ComputeNode(id);
    *cone = f.cone;
    return result;
  }
  // Node states, for a state's test before Node (NeverFolded): its array and size.
  const std::atomic<unsigned char>* node_states() const { return node_state_.get(); }
  int node_count() const { return node_count_; }
  static bool NeverFolded(const std::atomic<unsigned char>& state) {
    return state.load(std::memory_order_relaxed) == kNever;
  }
  // The published result of node `id`, without computing it (nullptr when not published).
  const Res* PublishedNode(int id) const {
    if (id >= node_count_) return nullptr;
    return node_state_[id].load(std::memory_order_acquire) == kPublished ? node_fold_[id].result : nullptr;
  }

  // The model-level state (for explanations of folded rules); lock `mutex()` to read it.
  const EvalState& state() const { return *state_; }
  std::mutex& mutex() { return mutex_; }
  int rule_count() const { return rule_count_; }

  // Pool of state buffers (StateBuffers come back with every entry cleared).
  void TakeBuffers(StateBuffers* out);
  void GiveBuffers(StateBuffers* in);

 private:
  // Node states (rules use 0 = unknown, 1 = published, 2 = never).
  static constexpr unsigned char kPublished = 1, kNever = 2, kFoldable = 3;
  void EnsureGraph();
  void BuildGraph();
  void BuildNodeRefs();
  const Res* Compute(int rule, bool applicability);
  const Res* ComputeNode(int id);
  // Evaluates `run` in the model-level state (under mutex_): false, with the state rolled
  // back and the rules on the way marked never, when it failed, warned or left a rule on
  // the stack.
  template <typename Run>
  bool EvaluateFolded(Run run);
  // After a successful EvaluateFolded of `run` (evaluating in the state it is given): evaluates it
  // again in a state that has evaluated nothing yet, which must give the same result as `kept`
  // (else the model-level state's history decided it: false), and sets `cone` to what that
  // evaluation evaluated. Under mutex_.
  template <typename Run>
  bool CheckFresh(Run run, const Res& kept, const FoldCone** cone);
  // Runs `probe` (a question to the fresh state) without keeping the warnings it records: true
  // when it returned true and recorded none; false when it threw. Under mutex_.
  template <typename Probe>
  bool ProbeQuietly(Probe probe);
  void Never(int rule);  // under mutex_

  const CompiledModel* model_;
  int rule_count_ = 0;
  std::once_flag graph_once_;
  // Reverse dependencies between vertices (2 * rule: value, 2 * rule + 1: applicability):
  // vertex -> vertices whose evaluation may read it, CSR form.
  std::vector<int> dependents_start_;
  std::vector<int> dependents_;
  // Per rule: the vertices reverse-reachable from its value and applicability, as the
  // non-zero words of a bitset (index, bits): most reach a small part of the model. Computed on
  // first use (closure_state_: 0 = not yet, 1 = published; under closure_mutex_).
  using SparseBits = std::vector<std::pair<uint32_t, uint64_t>>;
  std::vector<SparseBits> closures_;
  std::unique_ptr<std::atomic<unsigned char>[]> closure_state_;
  std::mutex closure_mutex_;
  const SparseBits& Closure(int rule);
  std::vector<unsigned char> volatile_;  // never folded

  std::mutex mutex_;
  Overlay overlay_;
  std::unique_ptr<Graph> graph_;
  EvalShared shared_;
  std::unique_ptr<EvalState> state_;
  std::deque<Res> applicability_store_;
  // 0 = unknown, 1 = published, 2 = never.
  std::unique_ptr<std::atomic<unsigned char>[]> rule_state_;
  std::unique_ptr<std::atomic<unsigned char>[]> applicability_state_;
  std::vector<const Res*> rule_results_;
  std::vector<const Res*> applicability_results_;
  std::vector<const FoldCone*> value_cones_, applicability_cones_;  // per rule (ValueCone)
  std::deque<FoldCone> cones_;  // stable addresses
  std::vector<unsigned char> shared_node_;  // per model node: it has several parents (cones keep those)
  // Whether "est non applicable" of a rule (rule >= 0) or a node answers differently once its
  // value is evaluated than before (against a fresh state): what a cone must hold. Under mutex_.
  bool HistorySensitive(int rule, int node);
  std::vector<signed char> rule_sensitive_, node_sensitive_;  // -1 = not known yet

  // Per model node: its state, apart (one byte, read for every node an engine computes: dense,
  // and most are never folded), then its published result and where the vertices its subtree
  // reads are in node_refs_.
  struct NodeFold {
    const Res* result = nullptr;  // written before the node's state is published
    const FoldCone* cone = nullptr;  // likewise
    uint32_t refs_start = 0;
    uint16_t ref_count = 0;
  };
  int node_count_ = 0;
  std::unique_ptr<std::atomic<unsigned char>[]> node_state_;
  std::unique_ptr<NodeFold[]> node_fold_;
  std::vector<int> node_refs_;

  std::mutex pool_mutex_;
  std::vector<StateBuffers> pool_;
};

}  // namespace parcours::rules::detail
