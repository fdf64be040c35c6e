// The reference's replacement pass (replacement.ts): `remplace` and `rend non applicable`
// inlined as variations into the trees it rebuilds, one variations node per set of replacements,
// and the per-place copies that rebuilding makes (see UnfoldSharedNodes).
#include <algorithm>

#include "collate.h"
#include "compiler.h"
#include "cycles.h"

namespace parcours::rules::detail {
namespace {

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

void OrderReplacements(const Graph& g, std::vector<const Replacement*>* list) {
  // The reference reverses the list (rule order) and sorts it stably by priority, then by
  // `b.localeCompare(a)` on the defining rules' names (ICU order, not byte order). A total
  // order with the reversed rule order as the last key gives the same sequence, and filtering
  // a sorted list keeps it sorted, so each list is ordered once rather than at every reference.
  struct Entry {
    const Replacement* rep;
    std::u32string key;
    std::pair<int, std::ptrdiff_t> position;  // defining rule, rank in its replacements
  };
  std::vector<Entry> entries;
  entries.reserve(list->size());
  for (const Replacement* rep : *list) {
    const Rule& def = g.rule(rep->definition_rule);
    entries.push_back({rep, CollationKey(def.name), {rep->definition_rule, rep - def.replacements.data()}});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.rep->priority != b.rep->priority) return a.rep->priority > b.rep->priority;
    if (int c = a.key.compare(b.key)) return c > 0;
    return a.position > b.position;
  });
  for (size_t i = 0; i < entries.size(); ++i) (*list)[i] = entries[i].rep;
}

}  // namespace

void Compiler::InlineReplacements(int node_id) {
  Node ref = g_.node(node_id);
  const auto* index = &replacements_index_;
  if (replacements_index_.empty() && g_.base() != nullptr) index = &g_.base()->replacements_of;
  auto found = index->find(ref.rule);
  if (found == index->end()) return;
  std::string context = ref.context_rule < 0 ? "" : g_.rule(ref.context_rule).name;
  std::vector<const Replacement*> applicable;
  for (const Replacement* rep : found->second) {
    const std::string& def = g_.rule(rep->definition_rule).name;
    if (def == context) continue;
    if (!rep->whitelist.empty() &&
        std::none_of(rep->whitelist.begin(), rep->whitelist.end(),
                     [&](int r) { return r >= 0 && StartsWith(context, g_.rule(r).name); })) {
      continue;
    }
    if (std::any_of(rep->blacklist.begin(), rep->blacklist.end(),
                    [&](int r) { return r >= 0 && StartsWith(context, g_.rule(r).name); })) {
      continue;
    }
    applicable.push_back(rep);
  }
  if (applicable.empty()) return;  // in the order of application (OrderReplacements)
  std::string key;
  for (const Replacement* rep : applicable) key += std::to_string(rep->id) + "-";
  auto cached = replacement_cache_.find(key);
  if (cached != replacement_cache_.end()) {
    // As the reference (one variations node per set of replacements), the references this node
    // stands for read the first one (ForwardSharedReplacements); this copy serves the holders of
    // its id that are not rewritten.
    Node copy = g_.node(cached->second);
    copy.context_rule = ref.context_rule;
    g_.mutable_node(node_id) = std::move(copy);
    forwards_.emplace_back(node_id, cached->second);
    return;
  }
  int saved = context_rule_;
  context_rule_ = ref.context_rule;
  Node original = ref;
  original.no_replace = true;
  int original_id = Add(std::move(original));
  Node variations;
  variations.kind = NodeKind::kVariations;
  variations.label = "remplacement";
  variations.name = ref.name;
  variations.rule = ref.rule;
  variations.context_rule = ref.context_rule;
  for (const Replacement* rep : applicable) {
    if (rep->non_applicable) {
      variations.kids.push_back(rep->definition_ref);
      variations.kids.push_back(NotApplicable());
    } else {
      int applicable_cond = Condition(EstNonApplicable(rep->definition_ref), Bool(false), Bool(true));
      variations.kids.push_back(applicable_cond);
      variations.kids.push_back(rep->definition_ref);
    }
  }
  variations.kids.push_back(Bool(true));
  variations.kids.push_back(original_id);
  context_rule_ = saved;
  g_.mutable_node(node_id) = std::move(variations);
  replacement_cache_[key] = node_id;
}

std::vector<int> Compiler::ReferencesToReplace(const std::vector<int>& rebuilt) const {
  std::vector<int> stack, found;
  for (int r : rebuilt) {
    if (r < first_rule_) continue;
    stack.push_back(g_.rule(r).value);
    stack.insert(stack.end(), g_.rule(r).parent_refs.begin(), g_.rule(r).parent_refs.end());
  }
  for (int root : roots_) {
    if (std::binary_search(rebuilt.begin(), rebuilt.end(), g_.node(root).context_rule)) stack.push_back(root);
  }
  std::vector<char> seen(g_.node_count() - first_node_, 0);
  while (!stack.empty()) {
    const int id = stack.back();
    stack.pop_back();
    if (id < first_node_ || seen[id - first_node_]) continue;
    seen[id - first_node_] = 1;
    const Node& n = g_.node(id);
    switch (n.kind) {
      case NodeKind::kReference:
        if (!n.no_replace && n.rule >= 0) found.push_back(id);
        continue;
      case NodeKind::kInversion:
      case NodeKind::kUnePossibilite:
        continue;  // left as they are by the reference
      default:
        break;
    }
    AppendChildren(n, &stack);
  }
  std::sort(found.begin(), found.end());  // in the order of compilation, as before
  return found;
}

void Compiler::ForwardSharedReplacements() {
  if (forwards_.empty()) return;
  forward_.assign(g_.node_count() - first_node_, -1);
  for (const auto& [from, to] : forwards_) forward_[from - first_node_] = to;
  auto fix = [&](int& id) { id = Forwarded(id); };
  for (int id = first_node_; id < g_.node_count(); ++id) {
    Node& n = g_.mutable_node(id);
    fix(n.a);
    fix(n.b);
    fix(n.c);
    for (int& kid : n.kids) fix(kid);
    if (NodeRare* rare = n.rare.IfPresent()) {
      for (int& kid : rare->kids2) fix(kid);
    }
  }
  for (int r = first_rule_; r < g_.rule_count(); ++r) {
    Rule& rule = g_.mutable_rule(r);
    fix(rule.value);
    fix(rule.possibilities);
    for (int& ref : rule.parent_refs) fix(ref);
    for (Replacement& rep : rule.replacements) fix(rep.definition_ref);
  }
  for (int& root : roots_) fix(root);
}

// The reference inlines replacements by rebuilding the trees of the rules that reference a
// replaced rule (and of expressions and situation values that do), one copy per place of every
// node but references and constants: there, a mechanism that repeats an argument (`plafond`:
// `si valeur > plafond alors plafond`, `par défaut`, `moyenne`...) has one copy of it per place,
// each cached apart, where elsewhere the places share one node as ours do. The copies can differ
// only when the one read second is evaluated while a rule it reads is still in progress: a rule
// above the one holding them, so on a dependency cycle with it, and (any rule the subtree reads
// that reaches that cycle being on it) one the subtree itself references. Such subtrees of the
// rebuilt rules get a copy per place; so does every shared subtree of rebuilt expressions and
// situation values. References, constants and what the reference does not rebuild or evaluates
// in a state of its own (une possibilité, inversions, contexte) stay shared.
void Compiler::UnfoldSharedNodes(const std::vector<int>& rebuilt) {
  const int rule_end = g_.rule_count();
  // The components of the rules' dependencies (references in their trees). An overlay's cycles
  // may go through the model: each of its subtrees gets copies.
  const bool overlay = g_.base() != nullptr;
  Components components;
  if (!overlay) {
    std::vector<std::vector<int>> deps(rule_end - first_rule_);
    std::vector<int> seen(g_.node_count(), -1), stack;
    for (int r = first_rule_; r < rule_end; ++r) {
      const Rule& rule = g_.rule(r);
      stack.assign({rule.value, rule.possibilities});
      stack.insert(stack.end(), rule.parent_refs.begin(), rule.parent_refs.end());
      while (!stack.empty()) {
        const int id = stack.back();
        stack.pop_back();
        if (id < first_node_ || seen[id] == r) continue;
        seen[id] = r;
        const Node& n = g_.node(id);
        if (n.kind == NodeKind::kReference && n.rule >= first_rule_) deps[r - first_rule_].push_back(n.rule - first_rule_);
        AppendChildren(n, &stack);
      }
    }
    components = StronglyConnected(deps);
  }
  // Whether the subtree at `id` references a rule of the cycle of `rule` (-1: a root, always).
  // (Situation values and expressions, compiled per engine, copy without walking: no buffer.)
  std::vector<int> walk, walked(overlay ? 0 : g_.node_count(), 0);
  int walks = 0;
  auto needs_copies = [&](int id, int rule) {
    if (overlay || rule < 0) return true;
    const int r = rule - first_rule_;
    if (!components.on_cycle[r]) return false;
    walk.assign(1, id);
    ++walks;
    while (!walk.empty()) {
      const int k = walk.back();
      walk.pop_back();
      if (k < 0) continue;
      if (k >= static_cast<int>(walked.size())) walked.resize(g_.node_count(), 0);  // copies made since
      if (walked[k] == walks) continue;
      walked[k] = walks;
      const Node& n = g_.node(k);
      if (n.kind == NodeKind::kReference && n.rule >= first_rule_ && components.id[n.rule - first_rule_] == components.id[r]) {
        return true;
      }
      AppendChildren(n, &walk);
    }
    return false;
  };
  // Per node: the tree that claimed it first (its rule + 2, 1 for a root), 0 for none.
  std::vector<int> claimed(g_.node_count() - first_node_, 0);
  auto unfold = [&](auto& self, int id, int rule) -> int {
    if (id < first_node_) return id;
    const Node& n = g_.node(id);
    switch (n.kind) {
      case NodeKind::kConstant:
      case NodeKind::kReference:
      case NodeKind::kContexte:
      case NodeKind::kInversion:
      case NodeKind::kResoudre:
      case NodeKind::kUnePossibilite:
        return id;
      case NodeKind::kVariations:
        if (n.label == std::string_view("remplacement")) return id;  // shared, as the reference's
        break;
      default:
        break;
    }
    const size_t index = id - first_node_;
    if (index < claimed.size() && claimed[index] != 0) {
      if (!needs_copies(id, rule) && !needs_copies(id, claimed[index] - 2)) return id;
      Node copy = n;
      id = g_.AddNode(std::move(copy));
    } else if (index < claimed.size()) {
      claimed[index] = rule + 2;
    }
    // Children are rewritten through the graph: AddNode may move the nodes.
    for (int Node::*field : {&Node::a, &Node::b, &Node::c}) {
      const int kid = g_.node(id).*field;
      if (kid >= 0) {
        const int unfolded = self(self, kid, rule);
        g_.mutable_node(id).*field = unfolded;
      }
    }
    for (bool rare : {false, true}) {
      auto kids = [rare](const Node& n) -> const std::vector<int>& { return rare ? n.rare->kids2 : n.kids; };
      for (size_t i = 0; i < kids(g_.node(id)).size(); ++i) {
        const int kid = kids(g_.node(id))[i];
        if (kid >= 0) {
          const int unfolded = self(self, kid, rule);
          Node& n = g_.mutable_node(id);
          (rare ? n.rare.Mutable().kids2 : n.kids)[i] = unfolded;
        }
      }
    }
    return id;
  };
  for (int r : rebuilt) {
    if (r < first_rule_) continue;
    const int value = g_.rule(r).value;
    if (value >= 0) {
      const int unfolded = unfold(unfold, value, r);
      g_.mutable_rule(r).value = unfolded;
    }
  }
  for (int& root : roots_) {
    if (std::binary_search(rebuilt.begin(), rebuilt.end(), g_.node(root).context_rule)) root = unfold(unfold, root, -1);
  }
}


void Compiler::InlineAllReplacements(int node_end) {
  const int rule_end = g_.rule_count();
  for (int r = first_rule_; r < rule_end; ++r) {
    for (Replacement& rep : g_.mutable_rule(r).replacements) {
      rep.replaced_rule = g_.node(rep.replaced_rule).rule;
      for (int& w : rep.whitelist) w = g_.node(w).rule;
      for (int& b : rep.blacklist) b = g_.node(b).rule;
    }
  }
  for (int r = first_rule_; r < rule_end; ++r) {
    for (const Replacement& rep : g_.rule(r).replacements) replacements_index_[rep.replaced_rule].push_back(&rep);
  }
  if (g_.base() != nullptr && !replacements_index_.empty()) {
    // Rare: the overlay defines replacements too; merge with the model's.
    for (const auto& [target, list] : g_.base()->replacements_of) {
      auto& merged = replacements_index_[target];
      merged.insert(merged.begin(), list.begin(), list.end());
    }
  }
  for (auto& [target, list] : replacements_index_) OrderReplacements(g_, &list);
  if (!replacements_index_.empty() || (g_.base() != nullptr && !g_.base()->replacements_of.empty())) {
    const auto& index = replacements_index_.empty() ? g_.base()->replacements_of : replacements_index_;
    // The rules the reference's replacement pass rebuilds: those with a reference (of any
    // kind, parent links and `remplace` targets included) to a replaced rule, by the rule they
    // are parsed in (-1 for expressions; a situation value's is its slot's).
    std::vector<int> rebuilt;
    for (int id = first_node_; id < node_end; ++id) {
      const Node& n = g_.node(id);
      if (n.kind == NodeKind::kReference && n.rule >= 0 && index.contains(n.rule)) rebuilt.push_back(n.context_rule);
    }
    std::sort(rebuilt.begin(), rebuilt.end());
    rebuilt.erase(std::unique(rebuilt.begin(), rebuilt.end()), rebuilt.end());
    // Only the references in the trees of those are replaced: not the items of `le maximum de`,
    // which live in rules of their own (`$INTERNAL valeur`) though parsed in the rule's name.
    for (int id : ReferencesToReplace(rebuilt)) InlineReplacements(id);
    ForwardSharedReplacements();
    UnfoldSharedNodes(rebuilt);
  }
}

}  // namespace parcours::rules::detail
