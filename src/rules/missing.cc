// Missing-variable lists of results: the reference's mergeMissing and bonus (see evaluator.h,
// MissingArena).
#include <algorithm>

#include "evaluator.h"

namespace parcours::rules::detail {
namespace {

// Where each rule of a merge's first list sits, by rule id, stamped per merge so that nothing
// is cleared between merges. One per thread, shared by every arena of the thread: an engine's
// arena would otherwise size and zero its own index for every rule of the model.
struct MergeIndex {
  struct Position {
    uint32_t stamp = 0;  // the merge that set it
    uint32_t index = 0;  // in the merged list
  };
  std::vector<Position> position;
  uint32_t stamp = 0;
};
thread_local MergeIndex merge_index;

// The thread's index, stamped afresh with where each of `n` entries sits (`first` + i).
MergeIndex& IndexOf(const MissingEntry* entries, size_t n, size_t first) {
  MergeIndex& index = merge_index;
  if (++index.stamp == 0) {
    std::fill(index.position.begin(), index.position.end(), MergeIndex::Position{});
    index.stamp = 1;
  }
  for (size_t i = 0; i < n; ++i) {
    const size_t rule = static_cast<size_t>(entries[i].rule);
    if (rule >= index.position.size()) index.position.resize(rule + 1);
    index.position[rule] = {index.stamp, static_cast<uint32_t>(first + i)};
  }
  return index;
}

}  // namespace

MissingEntry* MissingArena::Allocate(size_t n) {
  if (n > left_) {
    constexpr size_t kChunk = 4096;
    const size_t size = std::max(n, kChunk);
    chunks_.push_back(std::make_unique_for_overwrite<MissingEntry[]>(size));
    next_ = chunks_.back().get();
    left_ = size;
  }
  MissingEntry* out = next_;
  next_ += n;
  left_ -= n;
  return out;
}

Missing MissingArena::MergeLists(const Missing& a, const Missing& b) {
  const size_t na = a.size(), nb = b.size();
  MissingEntry* out = Allocate(na + nb);
  const MissingEntry* const pa = a.data();
  const MissingEntry* const pb = b.data();
  const double bonus_a = a.bonus(), bonus_b = b.bonus();
  // Lists often start alike (the same variables reached by two branches): no search for those.
  const size_t common = std::min(na, nb);
  size_t same = 0;
  while (same < common && pa[same].rule == pb[same].rule) {
    out[same] = {pa[same].rule, pa[same].score + bonus_a + pb[same].score + bonus_b};
    ++same;
  }
  if (bonus_a == 0) {
    std::copy(pa + same, pa + na, out + same);
  } else {
    for (size_t i = same; i < na; ++i) out[i] = {pa[i].rule, pa[i].score + bonus_a};
  }
  size_t size = na;
  // The rest of `b`: most of its rules that are in `a` come in `a`'s order (a walk finds them
  // one after the other), most others are absent (a 64-bit filter of `a`'s rules by their low
  // bits says so); the remaining few are searched, through an index by rule id for long lists.
  uint64_t bits = 0;
  if (same < nb) {
    for (size_t i = same; i < na; ++i) bits |= uint64_t{1} << (pa[i].rule & 63);
  }
  MergeIndex* index = nullptr;
  size_t walk = same;
  for (size_t j = same; j < nb; ++j) {
    const MissingEntry& entry = pb[j];
    const double score = entry.score + bonus_b;
    if (walk < na && out[walk].rule == entry.rule) {
      out[walk++].score += score;
      continue;
    }
    size_t found = na;
    if ((bits >> (entry.rule & 63)) & 1) {
      if (na - same <= 16) {
        for (size_t i = same; i < na; ++i) {
          if (out[i].rule == entry.rule) {
            found = i;
            break;
          }
        }
      } else {
        if (index == nullptr) index = &IndexOf(out + same, na - same, same);
        const size_t rule = static_cast<size_t>(entry.rule);
        if (rule < index->position.size() && index->position[rule].stamp == index->stamp) {
          found = index->position[rule].index;
        }
      }
    }
    if (found != na) {
      out[found].score += score;
      walk = found + 1;
    } else {
      out[size++] = {entry.rule, score};
    }
  }
  // The unused tail goes back to the arena.
  const size_t unused = na + nb - size;
  if (out + na + nb == next_) {
    next_ -= unused;
    left_ += unused;
  }
  return Missing(out, static_cast<uint32_t>(size));
}

Missing MissingArena::One(int rule, double score) {
  if (!tracking_) return Missing::Unknown();
  MissingEntry* out = Allocate(1);
  *out = {rule, score};
  return Missing(out, 1);
}

Missing MissingArena::WithScore(const Missing& a, double score) {
  if (a.empty() || a.unknown()) return a;
  if (!tracking_) return Missing::Unknown();
  MissingEntry* out = Allocate(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = {a.data()[i].rule, score};
  return Missing(out, static_cast<uint32_t>(a.size()));
}

}  // namespace parcours::rules::detail
