// Missing-variable lists of results: the reference's mergeMissing and bonus (see evaluator.h,
// MissingArena).
#include <algorithm>

#include "evaluator.h"

namespace parcours::rules::detail {

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

Missing MissingArena::Merge(const Missing& a, const Missing& b) {
  if (b.empty()) return a;
  if (a.empty()) return b;
  MissingEntry* out = Allocate(a.size() + b.size());
  std::copy(a.begin(), a.end(), out);
  size_t size = a.size();
  // Lists often start alike (the same variables reached by two branches): no search for those.
  size_t same = 0;
  while (same < a.size() && same < b.size() && a.begin()[same].rule == b.begin()[same].rule) {
    out[same].score += b.begin()[same].score;
    ++same;
  }
  const Missing rest(b.begin() + same, static_cast<uint32_t>(b.size() - same));
  if (a.size() * rest.size() <= 16) {
    for (const MissingEntry& entry : rest) {
      MissingEntry* found = std::find_if(out, out + a.size(), [&](const MissingEntry& e) { return e.rule == entry.rule; });
      if (found != out + a.size()) {
        found->score += entry.score;
      } else {
        out[size++] = entry;
      }
    }
  } else {
    // Longer lists: where each rule of `a` sits, in an index by rule id stamped per merge
    // (nothing to clear afterwards).
    if (++stamp_ == 0) {
      std::fill(position_.begin(), position_.end(), Position{});
      stamp_ = 1;
    }
    for (size_t i = 0; i < a.size(); ++i) {
      const size_t rule = static_cast<size_t>(out[i].rule);
      if (rule >= position_.size()) position_.resize(rule + 1);
      position_[rule] = {stamp_, static_cast<uint32_t>(i)};
    }
    for (const MissingEntry& entry : rest) {
      const size_t rule = static_cast<size_t>(entry.rule);
      if (rule < position_.size() && position_[rule].stamp == stamp_) {
        out[position_[rule].index].score += entry.score;
      } else {
        out[size++] = entry;
      }
    }
  }
  // The unused tail goes back to the arena.
  const size_t unused = a.size() + b.size() - size;
  if (out + a.size() + b.size() == next_) {
    next_ -= unused;
    left_ += unused;
  }
  return Missing(out, static_cast<uint32_t>(size));
}

Missing MissingArena::Bonus(const Missing& a) {
  if (a.empty()) return a;
  MissingEntry* out = Allocate(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = {a.begin()[i].rule, a.begin()[i].score + 1};
  return Missing(out, static_cast<uint32_t>(a.size()));
}

Missing MissingArena::One(int rule, double score) {
  MissingEntry* out = Allocate(1);
  *out = {rule, score};
  return Missing(out, 1);
}

Missing MissingArena::WithScore(const Missing& a, double score) {
  if (a.empty()) return a;
  MissingEntry* out = Allocate(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = {a.begin()[i].rule, score};
  return Missing(out, static_cast<uint32_t>(a.size()));
}

}  // namespace parcours::rules::detail
