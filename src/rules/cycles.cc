#include "cycles.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace parcours::rules::detail {

Components StronglyConnected(const std::vector<std::vector<int>>& deps) {
  const int n = static_cast<int>(deps.size());
  Components out;
  out.id.assign(n, -1);
  out.on_cycle.assign(n, 0);
  std::vector<int> index(n, -1), low(n, 0), scc_stack;
  std::vector<char> on_stack(n, 0);
  std::vector<std::pair<int, size_t>> call;  // (vertex, next dependency to visit)
  int counter = 0;
  for (int root = 0; root < n; ++root) {
    if (index[root] >= 0) continue;
    call.emplace_back(root, 0);
    while (!call.empty()) {
      auto& [v, next] = call.back();
      if (next == 0 && index[v] < 0) {
        index[v] = low[v] = counter++;
        scc_stack.push_back(v);
        on_stack[v] = 1;
      }
      if (next < deps[v].size()) {
        const int w = deps[v][next++];
        if (w == v) {
          out.on_cycle[v] = 1;
        } else if (index[w] < 0) {
          call.emplace_back(w, 0);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        const bool single = scc_stack.back() == v;
        while (true) {
          const int w = scc_stack.back();
          scc_stack.pop_back();
          on_stack[w] = 0;
          out.id[w] = v;
          if (!single) out.on_cycle[w] = 1;
          if (w == v) break;
        }
      }
      const int done = v;
      call.pop_back();
      if (!call.empty()) low[call.back().first] = std::min(low[call.back().first], low[done]);
    }
  }
  return out;
}

}  // namespace parcours::rules::detail
