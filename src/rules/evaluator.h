// Evaluation of a compiled model for one situation (reference: the evaluation
// functions registered by each mechanism, evaluateRule.ts, contexte.ts, inversion.ts).
//
// An EvalState holds the situation overrides of the "X . $SITUATION" slots, the memo
// cache (one result per node id and per rule id), and the bookkeeping the reference
// engine keeps in `cache._meta` (rule stack for cycle detection, sub-engines of
// `contexte`). Results live in a store of kept chunks (ResultStore), so references stay
// valid while evaluating.
// Errors raised by the reference (division by zero, bad condition...) are thrown as
// EvalError inside this module and turned into a Status at the Engine boundary.
// Not thread-safe.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model.h"

namespace parcours::rules::detail {

struct MissingEntry {
  int rule;
  double score;
};

struct MissingMerge;

// The missing variables of a result, in the reference's key order. Either a flat, immutable
// list in a MissingArena that outlives every result pointing to it, or the merge of two such
// handles (the reference's mergeMissing, kept unevaluated: an evaluation merges about 600 lists
// of 20 entries on average, and reads the entries of one, its result). Results copy handles
// for free. A condition's bonus (every score + 1) is a count kept beside the handle, not a copy:
// on a merge, it goes to each rule of the merged list once, not to each list merged into it.
// An evaluation that does not track missing variables (MissingArena::SetTracking) gives the
// "unknown" list instead of every non-empty one: one entry of rule -1.
class Missing {
 public:
  class Iterator {
   public:
    Iterator(const MissingEntry* at, double bonus) : at_(at), bonus_(bonus) {}
    MissingEntry operator*() const { return {at_->rule, at_->score + bonus_}; }
    Iterator& operator++() {
      ++at_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return at_ != o.at_; }

   private:
    const MissingEntry* at_;
    double bonus_;
  };
  Missing() = default;
  Missing(const MissingEntry* data, uint32_t size, uint32_t bonus = 0) : data_(data), size_(size), bonus_(bonus) {}
  explicit Missing(const MissingMerge* merge) : data_(merge), size_(kMerged) {}
  bool empty() const { return size_ == 0; }
  // A merge's entries are read through MissingArena::Flatten; a flat list's directly.
  bool flat() const { return size_ != kMerged; }
  size_t size() const { return size_; }  // flat lists
  Iterator begin() const { return {entries(), static_cast<double>(bonus_)}; }
  Iterator end() const { return {entries() + size_, 0}; }
  // The stored entries of a flat list; their scores are `bonus()` short of the real ones.
  const MissingEntry* entries() const { return static_cast<const MissingEntry*>(data_); }
  const MissingMerge* merge() const { return static_cast<const MissingMerge*>(data_); }
  uint32_t bonus() const { return bonus_; }
  Missing WithBonus(uint32_t more = 1) const {
    Missing m = *this;
    m.bonus_ += more;
    return m;
  }
  static Missing Unknown() { return {&kUnknownEntry, 1}; }
  // Not empty, but which variables are missing was not tracked.
  bool unknown() const { return data_ == &kUnknownEntry; }

 private:
  static constexpr uint32_t kMerged = UINT32_MAX;
  static constexpr MissingEntry kUnknownEntry{-1, 0};
  const void* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t bonus_ = 0;
};

// Two non-empty lists merged (`a`'s entries, then `b`'s new ones; the scores of entries in both
// add up), with the scratch MissingArena::Flatten uses and its flat list once flattened.
struct MissingMerge {
  Missing a, b;
  Missing flat;    // empty until flattened
  uint64_t stamp;  // the Flatten that last reached it
  double paths;    // the ways it is reached from the list being flattened
  double bonus;    // the bonuses of those ways, each times its number of ways
  uint32_t edges;  // the sides reaching it whose ways are not handed down yet
  uint32_t index;  // in that Flatten's order
};

// Bump allocator of missing-variable lists, and their operations (the reference's
// mergeMissing and bonus). Lists are never freed one by one: the arena goes with the
// engine's situation (or with the model, for folded results). Not thread-safe.
// Without tracking, every list that would be non-empty is Missing::Unknown() (nothing is
// allocated or merged): an evaluation of values only.
class MissingArena {
 public:
  void SetTracking(bool on) { tracking_ = on; }
  // Merges are flattened at once (the model's fold cache: its results are read by engines of
  // any thread, and Flatten writes into the merges it walks).
  void SetFlat(bool on) { flat_ = on; }
  // a's entries, then b's new ones; scores of entries in both add up. Most merges have an
  // empty side: those return the other list without a call.
  Missing Merge(const Missing& a, const Missing& b) {
    if (b.empty()) return a;
    if (a.empty()) return b;
    if (!tracking_) return Missing::Unknown();
    return MergeLists(a, b);
  }
  // Every score + 1 (a condition's missing variables weigh more).
  static Missing Bonus(const Missing& a) { return a.empty() ? a : a.WithBonus(); }
  Missing One(int rule, double score);
  // The same entries, each with `score`.
  Missing WithScore(const Missing& a, double score);
  // The entries of `a` whose rule is not in `rules`.
  Missing Without(const Missing& a, const std::vector<int>& rules);
  // The flat list of `a` (itself when flat), linear in the merges it holds.
  Missing Flatten(const Missing& a);

 private:
  // Two tracked lists (a tracking arena never sees an unknown one: the engine evaluates afresh
  // when tracking is turned on).
  Missing MergeLists(const Missing& a, const Missing& b);
  void* Allocate(size_t bytes) {
    if (bytes > left_) NextChunk(bytes);
    void* out = next_;
    next_ += bytes;
    left_ -= bytes;
    return out;
  }
  void NextChunk(size_t bytes);
  bool tracking_ = true;
  bool flat_ = false;
  std::vector<std::unique_ptr<std::byte[]>> chunks_;
  std::byte* next_ = nullptr;
  size_t left_ = 0;
};

// A text inside the evaluator: the address of a string that outlives every result holding it
// (a node's constant, in the model or the situation's overlay, or EvalShared::texts), so that
// results are copied without counting references. Trivial (a member of Val's union, which
// starts it null).
class TextRef {
 public:
  TextRef() = default;
  explicit TextRef(const std::string* text) : text_(text) {}
  const std::string& str() const { return text_ != nullptr ? *text_ : ValueString::Empty(); }
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  bool empty() const { return str().empty(); }
  size_t size() const { return str().size(); }
  friend bool operator==(TextRef a, TextRef b) { return a.text_ == b.text_ || a.str() == b.str(); }
  friend bool operator==(TextRef a, const std::string& b) { return a.str() == b; }

 private:
  const std::string* text_;
};

// A Publicodes value inside the evaluator (parcours::rules::Value outside): trivially copyable.
struct Val {
  Value::Kind kind = Value::Kind::kUndefined;
  bool boolean = false;
  // A number or a text, never both (a result of 40 bytes, not 48).
  union {
    double number = 0;
    TextRef string;
  };

  bool is_undefined() const { return kind == Value::Kind::kUndefined; }
  bool is_null() const { return kind == Value::Kind::kNull; }
  bool is_number() const { return kind == Value::Kind::kNumber; }
  bool is_boolean() const { return kind == Value::Kind::kBoolean; }
  bool is_string() const { return kind == Value::Kind::kString; }
};
// A node's constant as an evaluator value: its text is the constant's (which must outlive it).
Val ToVal(const Value& v);
// The value handed out of the evaluator, with a text of its own.
Value ToValue(const Val& v);

struct Res {
  Val value;
  UnitId unit = kNoUnit;
  Missing missing;
};

class EvalError : public std::runtime_error {
 public:
  EvalError(std::string reason, std::string rule, const std::string& message)
      : std::runtime_error(message), reason(std::move(reason)), rule(std::move(rule)) {}
  std::string reason;
  std::string rule;
};

// Thrown by an evaluation that does not track missing variables when a value depends on them
// (an inversion's candidate given in the situation by an expression reading other rules): the
// engine evaluates again with tracking.
struct MissingNeeded {};

// One situation value: a node of the engine overlay, or a fixed result (inversion
// attempts, contexte values evaluated in the enclosing situation).
struct Override {
  int node = -1;
  bool fixed = false;
  // A contexte's value: its result is fixed in the contexte's state as the reference caches it
  // there, but a state that starts from an empty cache (a fork without the cache, any reset)
  // evaluates `node`, the replacement expression, afresh, as the reference does.
  bool contexte = false;
  Res result;
  NodeType type;
};

// A warning raised by an evaluation, as recorded: its text is written only when asked
// (Evaluation::warnings), which few callers do, while a net salary raises about a dozen.
struct Warning {
  int rule = -1;           // the rule it is about ("Règle « … » : "), -1 when none
  std::vector<int> cycle;  // a cycle cut short: its rules, the one cut last
  std::string message;     // any other warning: its text
};
// The text of `w`, in French (rule names from `graph`).
std::string WarningText(const Graph& graph, const Warning& w);

struct EvalShared {
  MissingArena missing;  // of every result of the states sharing this
  std::deque<std::string> texts;  // texts computed by the evaluation (Keep)
  TextRef Keep(std::string text) { return TextRef(&texts.emplace_back(std::move(text))); }
  std::vector<Warning> warnings;
  bool inversion_fail = false;
  // The fold state's evaluation read "est non applicable" of a rule whose answer depends on
  // whether that rule was evaluated before (EvalState::CheckHistory): not to be folded.
  bool history_dependent = false;
  long budget = 0;  // remaining node evaluations before giving up (runaway guard)
};

class FoldCache;

// What an engine that has evaluated nothing yet evaluates to compute a folded result (FoldCache
// cones): the rules whose value it computes and the nodes of several parents it evaluates, as bit
// positions in StateBuffers::cone_bits (a rule's id; a node's id + 64 * FoldCache::ConeNodeWord()).
// The reference keeps them in its cache, where an engine reading the result has not.
using FoldCone = std::vector<uint32_t>;

// Results of a state at stable addresses, in chunks that are kept (and reused) when cleared.
// Results are trivially copyable: adding one is a copy, clearing drops nothing.
class ResultStore {
 public:
  ResultStore() = default;
  ResultStore(ResultStore&& o) noexcept { *this = std::move(o); }
  ResultStore& operator=(ResultStore&& o) noexcept {  // `o` is left empty
    chunks_ = std::move(o.chunks_);
    used_ = std::exchange(o.used_, 0);
    next_ = std::exchange(o.next_, nullptr);
    end_ = std::exchange(o.end_, nullptr);
    o.chunks_.clear();
    return *this;
  }
  const Res& Add(const Res& r) {
    Res* slot = Allocate();
    *slot = r;
    return *slot;
  }
  // A slot for a result constructed in place (results have no destructor).
  [[gnu::always_inline]] Res* Allocate() {
    if (next_ == end_) NextChunk();
    return next_++;
  }
  // Forgets the results; the chunks stay for the next ones.
  void Clear() {
    used_ = 0;
    next_ = end_ = nullptr;
  }

 private:
  static constexpr size_t kChunk = 256;
  void NextChunk() {
    if (used_ == chunks_.size()) chunks_.push_back(std::make_unique_for_overwrite<Res[]>(kChunk));
    next_ = chunks_[used_++].get();
    end_ = next_ + kChunk;
  }
  std::vector<std::unique_ptr<Res[]>> chunks_;
  size_t used_ = 0;  // chunks in use; the last one is being filled
  Res* next_ = nullptr;
  Res* end_ = nullptr;
};
static_assert(std::is_trivially_copyable_v<Res>);
static_assert(sizeof(Res) == 40, "a number and a text share their storage (Val)");

// Per-node and per-rule buffers of a state, with the entries set since the last reset.
// EvalState reads them as `buffers_.x` (a reference member to them would cost a load per use).
struct StateBuffers {
  ResultStore results;
  std::vector<const Res*> node_cache;
  std::vector<const Res*> rule_cache;
  std::vector<unsigned char> in_progress;  // per rule: occurrences on the rule stack
  std::vector<unsigned char> suppressed;   // per rule: on the parent-check stack
  std::vector<int> touched_nodes;
  std::vector<int> touched_rules;
  std::vector<int> flagged_rules;  // rules whose in_progress or suppressed count left 0
  // Cycle detection, pooled with the rest so that a state does not grow them from nothing: the
  // stack of (rule, kind), kind 0 = value, 1 = applicability, and the rules whose parent is
  // being checked, in order (cycle warnings).
  std::vector<std::pair<int, int>> rule_stack;
  std::vector<int> parent_stack;
  // What the folded results read have in their cones (EvalState::MarkFoldCone): a bit per model
  // rule, then a bit per model node from word `cone_node_word` on; and the words set, to clear.
  std::vector<uint64_t> cone_bits;
  std::vector<uint32_t> cone_words;
};

class EvalState {
 public:
  // With `pool`, the per-node buffers are borrowed from the model's pool and given back.
  EvalState(const Graph* graph, const CompiledModel* model, EvalShared* shared, FoldCache* pool = nullptr);
  ~EvalState();

  void SetOverride(int slot_rule, Override o);
  void ReserveOverrides(size_t n) {
    overrides_.reserve(n);
    override_index_.reserve(n);
  }
  // The slot evaluates as if the situation did not set it (a value dropped with a warning).
  void ClearOverride(int slot_rule);
  const Override* GetOverride(int slot_rule) const {
    auto it = std::lower_bound(override_index_.begin(), override_index_.end(), std::make_pair(slot_rule, -1));
    return it != override_index_.end() && it->first == slot_rule ? &overrides_[it->second] : nullptr;
  }
  void ResetCache();
  // Starts a top-level evaluation: cycle bookkeeping is per evaluation, as in the reference.
  void BeginEvaluation() {
    ClearStackCounts();
    buffers_.rule_stack.clear();
    depth_ = 0;
    // Nodes and rules compiled since the last reset (an expression) get their entries: the
    // evaluation indexes them without bounds tests.
    if (buffers_.node_cache.size() < static_cast<size_t>(g_->node_count())) {
      buffers_.node_cache.resize(g_->node_count(), nullptr);
    }
    GrowRuleSlots(g_->rule_count());
  }

  // Memoised: a result already in the cache is returned without a call.
  // `id` is a node of the graph (its cache entry exists since BeginEvaluation or ResetCache).
  const Res& EvalNode(int id) {
    const Res* c = buffers_.node_cache[id];
    return c != nullptr ? *c : ComputeNode(id);
  }
  const Res& EvalRule(int rule) {
    const Res* c = buffers_.rule_cache[rule];
    return c != nullptr ? *c : ComputeAndStoreRule(rule);
  }
  const Res* Cached(int id) const {
    return id >= 0 && id < static_cast<int>(buffers_.node_cache.size()) ? buffers_.node_cache[id] : nullptr;
  }
  const Res* CachedRule(int rule) const {
    return rule >= 0 && rule < static_cast<int>(buffers_.rule_cache.size()) ? buffers_.rule_cache[rule] : nullptr;
  }
  const Graph& graph() const { return *g_; }
  // The hot copies of nodes and rules (Graph::hot, hot_rule), the model's read without going
  // through the graph: a load or two less at every node.
  const HotNode& Hot(int id) const { return id < base_nodes_ ? base_hot_[id] : g_->hot(id); }
  const HotRule& HotRuleOf(int rule) const { return rule < base_rules_ ? base_hot_rules_[rule] : g_->hot_rule(rule); }
  // Reads the model's folded results (fold.h) for the rules `dirty` (a bit per model rule's
  // value and applicability, set = reaches a slot this situation sets) leaves clean.
  // `dirty` must outlive the state. Forks fold too, their dirty set adding the slots they set.
  void EnableFolding(FoldCache* fold, const std::vector<uint64_t>* dirty);
  // True when the cached value of `rule` is the model's folded one.
  bool IsFolded(int rule) const;
  // True when the cached result of node `id` is the model's folded one (FoldCache::Node).
  bool IsFoldedNode(int id) const;
  EvalShared* shared() { return shared_; }
  // Missing-variable lists, in the arena of the shared state.
  Missing MergeMissing(const Missing& a, const Missing& b) { return shared_->missing.Merge(a, b); }
  Missing Bonus(const Missing& a) { return shared_->missing.Bonus(a); }
  Missing OneMissing(int rule, double score) { return shared_->missing.One(rule, score); }
  // The first rule on the stack that is neither a situation slot nor internal (-1, "" when none).
  int CurrentRule() const;
  const std::string& CurrentRuleName() const;

 private:
  friend class Mechanisms;
  friend class FoldCache;
  // Journal of the results stored since BeginJournal, dropped again by RollbackJournal.
  void BeginJournal() {
    journal_nodes_ = buffers_.touched_nodes.size();
    journal_rules_ = buffers_.touched_rules.size();
  }
  void RollbackJournal();
  // Contexte values inherited or set here are evaluated afresh from now on (empty cache).
  void ForgetContexteResults();
  void ClearTouched();
  // Zeroes the in_progress and suppressed counts (only those that were raised), and empties
  // the parent-check stack they count.
  void ClearStackCounts() {
    for (int rule : buffers_.flagged_rules) buffers_.in_progress[rule] = buffers_.suppressed[rule] = 0;
    buffers_.flagged_rules.clear();
    buffers_.parent_stack.clear();
  }
  static void Raise(std::vector<unsigned char>& counts, int rule, std::vector<int>& flagged) {
    if (counts[rule]++ == 0) flagged.push_back(rule);
  }
  bool StacksEmpty() const { return buffers_.rule_stack.empty() && depth_ == 0; }
  // Marks the rules and nodes of a folded result's cone (FoldCache::ValueCone...) as evaluated:
  // the reference has evaluated them where this state read the result instead.
  void MarkFoldCone(const FoldCone* cone) {
    if (cone == nullptr) return;
    for (uint32_t bit : *cone) {
      uint64_t& word = buffers_.cone_bits[bit >> 6];
      if (word == 0) buffers_.cone_words.push_back(bit >> 6);
      word |= uint64_t{1} << (bit & 63);
    }
  }
  // True when an engine of the reference would have evaluated the value of `rule` (node `id`) by
  // now, though this state has not (in a cone MarkFoldCone marked).
  bool RuleInFoldCone(int rule) const {
    return !buffers_.cone_words.empty() && rule < fold_rules_ && ConeBit(static_cast<size_t>(rule));
  }
  bool NodeInFoldCone(int id) const {
    return !buffers_.cone_words.empty() && id < fold_nodes_ && ConeBit(64 * cone_node_word_ + static_cast<size_t>(id));
  }
  bool ConeBit(size_t i) const { return (buffers_.cone_bits[i >> 6] >> (i & 63)) & 1; }
  [[gnu::always_inline]] inline const Res* FoldedRule(int rule);
  [[gnu::always_inline]] inline const Res* FoldedApplicability(int rule);  // applicability_eval.cc
  const Res& Store(int id, const Res& r);
  // Caches the result of node `id` at `stored` (in the store).
  const Res& Cache(int id, const Res* stored) {
    buffers_.node_cache[id] = stored;
    buffers_.touched_nodes.push_back(id);
    return *stored;
  }
  // The same for the result of `rule`.
  const Res& CacheRule(int rule, const Res* stored) {
    buffers_.rule_cache[rule] = stored;
    buffers_.touched_rules.push_back(rule);
    return *stored;
  }
  const Res& ComputeNode(int id);
  const Res& ComputeAndStoreRule(int rule);
  [[gnu::always_inline]] inline Res Compute(int id, const HotNode& h);
  [[gnu::always_inline]] inline Res ComputeRule(int rule);
  Res RuleApplicability(int rule);
  void GrowRuleSlots(int rules);  // gives the per-rule buffers at least `rules` entries
  // True when `rule` is on the evaluation stack, ignoring the most recent entry.
  bool OnStackBelowTop(int rule) const {
    for (size_t i = 0; i + 1 < buffers_.rule_stack.size(); ++i) {
      if (buffers_.rule_stack[i].first == rule) return true;
    }
    return false;
  }
  bool OnStack(int rule) const {
    for (const auto& e : buffers_.rule_stack) {
      if (e.first == rule) return true;
    }
    return false;
  }
  // Applicability (applicability_eval.cc): "est non applicable" of node `id`, the history check,
  // the parent check; RuleApplicability and SlotType above.
  Res NotApplicable(int id);
  // The fold state (track_warned_path_): flags the evaluation when `answer`, what "est non
  // applicable" gave from what this state had evaluated before, differs from what an engine that
  // has evaluated nothing yet answers: "est non applicable" of `node`, or (node -1) the nullness
  // and missing variables of rule `value_of`'s value. Engines differ in what they evaluated
  // before, so such an answer is theirs to compute.
  void CheckHistory(const Res& answer, int node, int value_of = -1);
  // The fold state's state of the same situation with nothing evaluated, emptied (created on
  // first use): where CheckHistory and the fold's fresh evaluations (FoldCache::CheckFresh) run.
  EvalState& FreshProbe();
  // Same value, unit and missing variables (scores and order included).
  bool SameResult(const Res& a, const Res& b);
  struct Disabling {
    bool disabled = false;
    Missing missing;
  };
  Disabling DisablingParent(int rule);
  NodeType SlotType(int rule) const;
  // Sub-state of the same situation (`shallowCopy`); inversions keep the rule stacks.
  std::unique_ptr<EvalState> Fork(bool copy_cache, bool copy_stacks = true) const;
  [[noreturn]] void Throw(const std::string& reason, const std::string& message) const;
  // The depth guard's error (depth_ back to 0 for the next evaluation).
  [[noreturn, gnu::cold, gnu::noinline]] void ThrowTooDeep();
  // The same for fixed texts: the hot paths that may throw build no string (cold, out of line).
  [[noreturn, gnu::cold, gnu::noinline]] void Throw(const char* reason, const char* message) const;
  void Warn(std::string message);
  // The cycle warning of `rule`, cut short: the stack from its last entry, then the rule.
  void WarnCycle(int rule);
  // Records `w` (the first 200 of an evaluation), and the rules on the stack for the fold.
  void AddWarning(Warning w);

  // Mechanism evaluations (mechanisms_eval.cc, tranches_eval.cc, solve_eval.cc).
  Res Operation(const HotNode& n);
  // A condition's value, or (kNotApplicable) whether it is not applicable: one instantiation
  // each, so that the value's keeps no "est non applicable" results.
  template <bool kNotApplicable>
  Res ConditionWith(const HotNode& n);
  Res Variations(int id, const HotNode& n);
  Res Tranches(const Node& n);
  Res Bareme(const Node& n, const Res& assiette, const Res& mult);
  Res Grille(const Node& n, const Res& assiette, const Res& mult);
  Res TauxProgressif(const Node& n, const Res& assiette, const Res& mult);
  Res Duree(const Node& n);
  Res Texte(const Node& n);
  Res Arrondi(const Node& n);
  Res Unite(const Node& n);
  Res SimplifierUnite(const Node& n);
  Res Contexte(int id, const Node& n);
  Res Inversion(const Node& n);
  Res Resoudre(const Node& n);
  Res Possibilities(const Node& n);

  // Nested node evaluations before rules.too_deep (the stack's bound).
  static constexpr int kMaxDepth = 2500;
  const Graph* g_;
  const CompiledModel* model_;
  const HotNode* base_hot_ = nullptr;  // the model's (Hot), when the graph has one
  const HotRule* base_hot_rules_ = nullptr;
  int base_nodes_ = 0;
  int base_rules_ = 0;
  EvalShared* shared_;
  std::vector<Override> overrides_;
  // (slot rule, index in overrides_), sorted: a situation sets a few dozen slots of thousands,
  // and forks copy this.
  std::vector<std::pair<int, int>> override_index_;
  FoldCache* pool_ = nullptr;
  StateBuffers buffers_;
  // Per contexte node: its state (a few per evaluation, found by a linear search).
  std::vector<std::pair<int, std::unique_ptr<EvalState>>> sub_states_;
  std::vector<std::pair<int, int>> contexte_situation_;
  bool has_contexte_situation_ = false;
  int depth_ = 0;
  FoldCache* fold_ = nullptr;
  // The fold's node states (FoldCache::node_states) and their number (0 without a fold): most
  // nodes are never folded, which ComputeNode tells from them before asking the fold.
  const std::atomic<unsigned char>* fold_node_states_ = nullptr;
  int fold_nodes_ = 0;
  const std::vector<uint64_t>* dirty_ = nullptr;  // the engine's, the parent's or own_dirty_
  std::vector<uint64_t> own_dirty_;  // a fork's, once it sets a slot its parent does not
  bool track_warned_path_ = false;  // fold state: remember the rules on the stack at each warning
  std::vector<int> warned_path_;
  std::unique_ptr<EvalState> fresh_probe_;  // FreshProbe
  std::unordered_map<int, Res> fresh_answers_;  // CheckHistory: by node, or -1 - rule for a value
  int fold_rules_ = 0;  // the fold's rules (0 without a fold)
  size_t cone_node_word_ = 0;  // StateBuffers::cone_bits: where the nodes' bits start
  size_t journal_nodes_ = 0;
  size_t journal_rules_ = 0;
};

// Helpers shared by the mechanism files.
bool JsTruthy(const Val& v);
double JsNumber(const Val& v);  // undefined -> NaN, null -> 0
bool JsStrictEqual(const Val& a, const Val& b);
// Inline: a value returned from another function goes through memory, and copying it out of
// the narrow stores that built it stalls.
inline Val NumberValue(double d) {
  Val v;
  v.kind = Value::Kind::kNumber;
  v.number = d;
  return v;
}
inline Val BoolValue(bool b) {
  Val v;
  v.kind = Value::Kind::kBoolean;
  v.boolean = b;
  return v;
}
inline Val NullValue() {
  Val v;
  v.kind = Value::Kind::kNull;
  return v;
}
// "est non applicable" answered from a value already evaluated, as the reference does once it
// holds one: not applicable when the value is null, with the value's missing variables.
inline Res NotApplicableFromValue(const Res& value) {
  Res r;
  r.value = BoolValue(value.value.is_null());
  r.missing = value.missing;
  return r;
}
std::string FormatResult(const Res& r);

}  // namespace parcours::rules::detail
