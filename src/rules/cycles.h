// Vertices of a directed graph that lie on a cycle (used by the compiler and the fold cache).
#pragma once

#include <vector>

namespace parcours::rules::detail {

// The strongly connected components of `deps` (vertex -> the vertices it depends on).
struct Components {
  std::vector<int> id;          // per vertex, its component
  std::vector<char> on_cycle;   // per vertex: its component has several vertices, or it depends on itself
};
// Iterative (Tarjan).
Components StronglyConnected(const std::vector<std::vector<int>>& deps);

}  // namespace parcours::rules::detail
