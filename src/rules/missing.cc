// Missing-variable lists of results: the reference's mergeMissing and bonus (see evaluator.h,
// MissingArena).
#include <algorithm>
#include <atomic>
#include <bit>
#include <new>

#include "evaluator.h"

namespace parcours::rules::detail {
namespace {

// Flatten's stamps, unique across threads: a merge keeps the stamp of the last Flatten that
// reached it, and an engine may be used from one thread, then another.
std::atomic<uint64_t> flatten_stamp{0};

// Flatten's work space, one per thread: where each rule sits in the list being built (stamped
// per call, so that nothing is cleared between calls), the walks' stacks and the merges' rules.
struct FlattenScratch {
  struct Position {
    uint64_t stamp = 0;
    uint32_t index = 0;
  };
  std::vector<Position> position;
  std::vector<const Missing*> sides;  // the walk's stack
  std::vector<MissingMerge*> walk;    // merges whose ways are all counted
  std::vector<MissingMerge*> order;   // merges in the order their ways were handed down
  std::vector<uint64_t> bits;         // per merge of `order`: the rules it holds
  std::vector<MissingEntry> out;
};
thread_local FlattenScratch scratch;

}  // namespace

void MissingArena::NextChunk(size_t bytes) {
  // Entries and merges share the chunks: both are allocated in multiples of their alignment.
  static_assert(alignof(MissingMerge) == alignof(MissingEntry) && sizeof(MissingMerge) % alignof(MissingEntry) == 0);
  constexpr size_t kChunk = 64 * 1024;
  const size_t size = std::max(bytes, kChunk);
  chunks_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
  next_ = chunks_.back().get();
  left_ = size;
}

Missing MissingArena::MergeLists(const Missing& a, const Missing& b) {
  if (!flat_) return Missing(::new (Allocate(sizeof(MissingMerge))) MissingMerge{a, b, {}, 0, 0, 0, 0, 0});
  MissingMerge merge{a, b, {}, 0, 0, 0, 0, 0};
  return Flatten(Missing(&merge));
}

// The reference's order is the first appearance of each rule in a walk of the merge tree, left
// side first; its score, the sum over every way the tree reaches an entry of the entry's score,
// plus, for every way reaching a list with a bonus, the bonus, once per rule of that list (a
// bonus adds to each rule of the merged list, however many of its lists hold the rule). Merges
// are shared (a rule's result is read by every node referring to it), so the tree is a DAG: a
// depth-first walk, left side first, visits each merge once, gives the order and counts the
// edges into each merge; then each merge, once every merge above it has handed it its ways,
// hands them and their bonuses down to its sides; last, from the bottom up, each merge learns
// which rules it holds (a bit per rule of the result) and gives them its bonuses. A merge
// already flattened is read as its flat list, and the merge flattened here keeps its own
// (inversions ask again and again for lists that share most of their merges).
Missing MissingArena::Flatten(const Missing& a) {
  if (a.flat()) return a;
  if (!a.merge()->flat.empty()) return a.merge()->flat.WithBonus(a.bonus());
  const uint64_t stamp = flatten_stamp.fetch_add(1, std::memory_order_relaxed) + 1;
  FlattenScratch& s = scratch;
  s.out.clear();
  // A merge's side as it is read: its flat list once flattened.
  auto list = [](const Missing& side) -> const Missing& {
    return side.flat() || side.merge()->flat.empty() ? side : side.merge()->flat;
  };
  auto* root = const_cast<MissingMerge*>(a.merge());
  root->stamp = stamp;
  root->paths = 1;
  root->bonus = 0;
  root->edges = 0;
  s.order.clear();
  s.sides.assign({&root->b, &root->a});  // `a` on top: walked first
  while (!s.sides.empty()) {
    const Missing& m = list(*s.sides.back());
    s.sides.pop_back();
    if (m.empty()) continue;
    if (m.unknown()) return Missing::Unknown();
    if (m.flat()) {
      for (const MissingEntry* e = m.entries(); e != m.entries() + m.size(); ++e) {
        const size_t rule = static_cast<size_t>(e->rule);
        if (rule >= s.position.size()) s.position.resize(rule + 1);
        if (s.position[rule].stamp != stamp) {
          s.position[rule] = {stamp, static_cast<uint32_t>(s.out.size())};
          s.out.push_back({e->rule, 0});
        }
      }
      continue;
    }
    auto* below = const_cast<MissingMerge*>(m.merge());
    if (below->stamp != stamp) {
      below->stamp = stamp;
      below->paths = 0;
      below->bonus = 0;
      below->edges = 0;
      s.sides.push_back(&below->b);
      s.sides.push_back(&below->a);
    }
    ++below->edges;
  }
  s.walk.assign(1, root);
  bool bonuses = false;
  while (!s.walk.empty()) {
    MissingMerge* merge = s.walk.back();
    s.walk.pop_back();
    merge->index = static_cast<uint32_t>(s.order.size());
    s.order.push_back(merge);
    for (const Missing* side : {&merge->a, &merge->b}) {
      const Missing& m = list(*side);
      if (m.empty()) continue;
      const double paths = merge->paths;
      if (m.flat()) {  // its rules are distinct: its bonus goes to each entry
        const double bonus = side->bonus();
        for (const MissingEntry* e = m.entries(); e != m.entries() + m.size(); ++e) {
          s.out[s.position[static_cast<size_t>(e->rule)].index].score += paths * (e->score + bonus);
        }
      } else {
        auto* below = const_cast<MissingMerge*>(m.merge());
        below->paths += paths;
        below->bonus += paths * side->bonus();
        bonuses = bonuses || side->bonus() != 0;
        if (--below->edges == 0) s.walk.push_back(below);
      }
    }
  }
  if (bonuses) {
    // From the bottom up (the reverse of that order), each merge's rules as bits of the result's,
    // then its bonuses to each of them.
    const size_t words = (s.out.size() + 63) / 64;
    s.bits.assign(s.order.size() * words, 0);
    for (size_t i = s.order.size(); i-- > 0;) {
      const MissingMerge* merge = s.order[i];
      uint64_t* mine = &s.bits[i * words];
      for (const Missing* side : {&merge->a, &merge->b}) {
        const Missing& m = list(*side);
        if (m.empty()) continue;
        if (m.flat()) {
          for (const MissingEntry* e = m.entries(); e != m.entries() + m.size(); ++e) {
            const uint32_t k = s.position[static_cast<size_t>(e->rule)].index;
            mine[k >> 6] |= uint64_t{1} << (k & 63);
          }
        } else {
          const uint64_t* theirs = &s.bits[m.merge()->index * words];
          for (size_t w = 0; w < words; ++w) mine[w] |= theirs[w];
        }
      }
      if (merge->bonus == 0) continue;
      for (size_t w = 0; w < words; ++w) {
        for (uint64_t bits = mine[w]; bits != 0; bits &= bits - 1) {
          s.out[w * 64 + static_cast<size_t>(std::countr_zero(bits))].score += merge->bonus;
        }
      }
    }
  }
  auto* out = static_cast<MissingEntry*>(Allocate(s.out.size() * sizeof(MissingEntry)));
  std::copy(s.out.begin(), s.out.end(), out);
  root->flat = Missing(out, static_cast<uint32_t>(s.out.size()));
  return root->flat.WithBonus(a.bonus());
}

Missing MissingArena::One(int rule, double score) {
  if (!tracking_) return Missing::Unknown();
  auto* out = static_cast<MissingEntry*>(Allocate(sizeof(MissingEntry)));
  *out = {rule, score};
  return Missing(out, 1);
}

Missing MissingArena::Without(const Missing& a, const std::vector<int>& rules) {
  if (a.empty() || a.unknown()) return a;
  const Missing list = Flatten(a);
  auto removed = [&rules](const MissingEntry& e) { return std::find(rules.begin(), rules.end(), e.rule) != rules.end(); };
  bool any = false;
  for (const MissingEntry entry : list) any |= removed(entry);
  if (!any) return list;  // most lists: nothing to copy
  auto* out = static_cast<MissingEntry*>(Allocate(list.size() * sizeof(MissingEntry)));
  uint32_t kept = 0;
  for (const MissingEntry entry : list) {
    if (!removed(entry)) out[kept++] = entry;
  }
  return Missing(out, kept);
}

Missing MissingArena::WithScore(const Missing& a, double score) {
  if (a.empty() || a.unknown()) return a;
  if (!tracking_) return Missing::Unknown();
  const Missing list = Flatten(a);
  auto* out = static_cast<MissingEntry*>(Allocate(list.size() * sizeof(MissingEntry)));
  for (size_t i = 0; i < list.size(); ++i) out[i] = {list.entries()[i].rule, score};
  return Missing(out, static_cast<uint32_t>(list.size()));
}

}  // namespace parcours::rules::detail
