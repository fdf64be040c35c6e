// Missing-variable lists merged lazily (MissingArena) against the reference's mergeMissing and
// bonus applied at once, on random merge graphs.
#include <gtest/gtest.h>

#include <random>
#include <utility>
#include <vector>

#include "evaluator.h"

namespace parcours::rules::detail {
namespace {

using List = std::vector<std::pair<int, double>>;

// The reference's mergeMissing: a's keys, then b's new ones; the scores of keys in both add up.
List MergeAtOnce(List a, const List& b) {
  for (const auto& [rule, score] : b) {
    bool found = false;
    for (auto& [other, sum] : a) {
      if (other == rule) {
        sum += score;
        found = true;
      }
    }
    if (!found) a.emplace_back(rule, score);
  }
  return a;
}

List Read(MissingArena& arena, const Missing& m) {
  List out;
  for (const auto& [rule, score] : arena.Flatten(m)) out.emplace_back(rule, score);
  return out;
}

TEST(MissingArena, LazyMergesFlattenAsMergesAtOnce) {
  std::mt19937 rng(20261206);
  auto below = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  for (int trial = 0; trial < 3000; ++trial) {
    MissingArena arena;
    std::vector<Missing> lazy;
    std::vector<List> expected;
    for (int i = 0; i < 3; ++i) {
      const int rule = below(8);
      const double score = 1 + below(3);
      lazy.push_back(arena.One(rule, score));
      expected.push_back({{rule, score}});
    }
    for (int step = 0; step < 14; ++step) {
      const int i = below(static_cast<int>(lazy.size())), j = below(static_cast<int>(lazy.size()));
      Missing a = lazy[i];
      List ea = expected[i];
      if (below(3) == 0) {  // a condition's bonus
        a = arena.Bonus(a);
        for (auto& entry : ea) entry.second += 1;
      }
      if (below(4) == 0) {  // a new leaf
        const int rule = below(8);
        lazy.push_back(arena.One(rule, 1));
        expected.push_back({{rule, 1}});
      }
      lazy.push_back(arena.Merge(a, lazy[j]));
      expected.push_back(MergeAtOnce(ea, expected[j]));
      // Lists read on the way (`variable manquante`, inversions) are kept flattened.
      if (below(5) == 0) {
        const int k = below(static_cast<int>(lazy.size()));
        ASSERT_EQ(Read(arena, lazy[k]), expected[k]) << "trial " << trial << " step " << step;
      }
    }
    for (size_t k = 0; k < lazy.size(); ++k) ASSERT_EQ(Read(arena, lazy[k]), expected[k]) << "trial " << trial;
  }
}

}  // namespace
}  // namespace parcours::rules::detail
