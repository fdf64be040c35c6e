// Second compilation pass: reference resolution, parent links, `remplace` inlining and
// static type inference (reference: parsePublicodes.ts, ruleUtils.ts, replacement.ts,
// inferNodeType.ts).
#include <algorithm>

#include "collate.h"
#include "compiler.h"
#include "cycles.h"

namespace parcours::rules::detail {
namespace {

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

constexpr const char* kParentLink = "parent";

}  // namespace

Status Compiler::ResolveReference(int node_id) {
  const Node& node = g_.node(node_id);
  static const std::string kRoot;
  const std::string& from = node.context_rule < 0 ? kRoot : g_.rule(node.context_rule).name;
  std::string_view partial = node.name;
  // The namespaces to search, as lengths of prefixes of `from`: its parents nearest first,
  // then `from` itself; `^ . ` drops entries from the end; the last one left is searched
  // first and the root last (the reference's order).
  std::vector<size_t>& contexts = context_buffer_;
  contexts.clear();
  for (size_t sep = from.find(" . "); sep != std::string::npos; sep = from.find(" . ", sep + 3)) {
    contexts.push_back(sep);
  }
  std::reverse(contexts.begin(), contexts.end());
  contexts.push_back(from.size());
  int ups = 0;
  while (partial.substr(0, 4) == "^ . ") {
    partial.remove_prefix(4);
    ++ups;
  }
  if (ups > 0) contexts.resize(contexts.size() > static_cast<size_t>(ups) ? contexts.size() - ups : 0);
  const size_t root = contexts.empty() ? 0 : contexts.back();
  if (!contexts.empty()) contexts.pop_back();
  contexts.insert(contexts.begin(), root);
  contexts.push_back(0);
  std::string& dotted = name_buffer_;
  for (size_t c : contexts) {
    dotted.assign(from, 0, c);
    if (c > 0) dotted += " . ";
    dotted += partial;
    int id = g_.FindRule(dotted);
    if (id < 0 || dotted == from) continue;
    if (!IsAccessible(g_, from, dotted)) continue;
    g_.mutable_node(node_id).rule = id;
    return Status();
  }
  if (from.size() >= partial.size() && from.compare(from.size() - partial.size(), partial.size(), partial) == 0 &&
      !partial.empty()) {
    g_.mutable_node(node_id).rule = g_.FindRule(from);
    if (g_.node(node_id).rule >= 0) return Status();
  }
  std::string where = from;
  const std::string suffix = " . $SITUATION";
  if (where.size() > suffix.size() && where.compare(where.size() - suffix.size(), suffix.size(), suffix) == 0) {
    where = where.substr(0, where.size() - suffix.size());
  }
  bool exists = false;
  for (size_t c : contexts) exists |= g_.FindRule(JoinName(from.substr(0, c), std::string(partial))) >= 0;
  const std::string name(partial);
  std::string message = exists ? "La règle \"" + name + "\" n'est pas accessible depuis \"" + from +
                                     "\" : elle est privée ou l'un de ses parents est privé"
                               : "La référence \"" + name +
                                     "\" est introuvable. Vérifiez que l'orthographe et l'espace de nom sont corrects";
  Status s = InvalidArgument(exists ? "rules.private_reference" : "rules.unknown_reference",
                             (where.empty() ? "" : "Règle « " + where + " » : ") + message);
  if (!where.empty()) s.WithField(where, message);
  return s;
}

namespace {

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
    stack.insert(stack.end(), {n.a, n.b, n.c});
    stack.insert(stack.end(), n.kids.begin(), n.kids.end());
    stack.insert(stack.end(), n.kids2.begin(), n.kids2.end());
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
    for (int& kid : n.kids2) fix(kid);
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
        stack.insert(stack.end(), {n.a, n.b, n.c});
        stack.insert(stack.end(), n.kids.begin(), n.kids.end());
        stack.insert(stack.end(), n.kids2.begin(), n.kids2.end());
      }
    }
    components = StronglyConnected(deps);
  }
  // Whether the subtree at `id` references a rule of the cycle of `rule` (-1: a root, always).
  std::vector<int> walk, walked(g_.node_count(), 0);
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
      if (k < 0 || k >= static_cast<int>(walked.size()) || walked[k] == walks) continue;
      walked[k] = walks;
      const Node& n = g_.node(k);
      if (n.kind == NodeKind::kReference && n.rule >= first_rule_ && components.id[n.rule - first_rule_] == components.id[r]) {
        return true;
      }
      walk.insert(walk.end(), {n.a, n.b, n.c});
      walk.insert(walk.end(), n.kids.begin(), n.kids.end());
      walk.insert(walk.end(), n.kids2.begin(), n.kids2.end());
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
    for (std::vector<int> Node::*list : {&Node::kids, &Node::kids2}) {
      for (size_t i = 0; i < (g_.node(id).*list).size(); ++i) {
        const int kid = (g_.node(id).*list)[i];
        if (kid >= 0) {
          const int unfolded = self(self, kid, rule);
          (g_.mutable_node(id).*list)[i] = unfolded;
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

NodeType ConstantType(const Node& n) {
  NodeType t;
  t.nullable = n.explicit_nullable != Tri::kUnknown ? n.explicit_nullable
               : n.value.is_null()                  ? Tri::kTrue
                                                    : Tri::kFalse;
  t.type = n.const_type;
  return t;
}

NodeType Compiler::InferType(int id) {
  if (id < 0) return {};
  if (!g_.is_mutable_node(id)) return g_.type(id);
  size_t local = id - first_ext_node_;
  if (type_state_[local] == 2) return g_.type(id);
  if (type_state_[local] == 1) return {};
  type_state_[local] = 1;
  const Node& n = g_.node(id);  // type inference adds no node: the reference stays valid
  NodeType t;
  switch (n.kind) {
    case NodeKind::kBareme:
    case NodeKind::kDuree:
    case NodeKind::kGrille:
    case NodeKind::kTauxProgressif:
    case NodeKind::kInversion:
    case NodeKind::kResoudre:
      t = {Tri::kFalse, VType::kNumber};
      break;
    case NodeKind::kEstNonDefini:
    case NodeKind::kEstNonApplicable:
      t = {Tri::kFalse, VType::kBoolean};
      break;
    case NodeKind::kConstant:
      t = ConstantType(n);
      break;
    case NodeKind::kOperation: {
      switch (n.op) {
        case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe: case Op::kDiv: case Op::kMul: {
          const Tri left = InferType(n.a).nullable;  // `||`: the right side only if needed
          t.nullable = left == Tri::kTrue ? Tri::kTrue : InferType(n.b).nullable;
          break;
        }
        case Op::kSub:
          t.nullable = InferType(n.a).nullable;
          break;
        default:
          t.nullable = Tri::kFalse;
      }
      switch (n.op) {
        case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe: case Op::kEq: case Op::kNe:
        case Op::kAnd: case Op::kOr:
          t.type = VType::kBoolean;
          break;
        default:
          t.type = VType::kNumber;
      }
      break;
    }
    case NodeKind::kTexte:
      t = {Tri::kFalse, VType::kString};
      break;
    case NodeKind::kArrondi:
    case NodeKind::kUnite:
    case NodeKind::kSimplifierUnite:
      t = {InferType(n.a).nullable, VType::kNumber};
      break;
    case NodeKind::kContexte:
    case NodeKind::kVariableManquante:
      t = InferType(n.a);
      break;
    case NodeKind::kUnePossibilite:
      if (n.name == "reference") {
        bool all = true;  // `every`: up to the first option that is not nullable
        for (size_t i = 0; all && i < n.kids.size(); ++i) all = InferType(n.kids[i]).nullable == Tri::kTrue;
        t = {all ? Tri::kTrue : Tri::kFalse, VType::kString};
      } else {
        t = {Tri::kFalse, n.name == "number" ? VType::kNumber : VType::kString};
      }
      break;
    case NodeKind::kCondition: {
      // `some` over si, alors, sinon, then the type of alors `??` that of sinon.
      const bool any = InferType(n.a).nullable == Tri::kTrue || InferType(n.b).nullable == Tri::kTrue ||
                       InferType(n.c).nullable == Tri::kTrue;
      const VType alors = InferType(n.b).type;
      t = {any ? Tri::kTrue : Tri::kFalse, alors != VType::kUnknown ? alors : InferType(n.c).type};
      break;
    }
    case NodeKind::kVariations: {
      bool any = false;
      VType type = VType::kUnknown;
      for (size_t i = 1; i < n.kids.size(); i += 2) {
        NodeType c = InferType(n.kids[i]);
        any |= c.nullable == Tri::kTrue;
        if (type == VType::kUnknown) type = c.type;
      }
      t = {any ? Tri::kTrue : Tri::kFalse, type};
      break;
    }
    case NodeKind::kReference:
      t = n.rule >= 0 ? InferRuleType(n.rule) : NodeType{};
      break;
    default:
      break;
  }
  g_.mutable_type(id) = t;
  type_state_[local] = 2;
  return t;
}

NodeType Compiler::InferRuleType(int rule_id) {
  if (!g_.is_mutable_rule(rule_id)) return g_.rule(rule_id).type;
  size_t local = rule_id - first_ext_rule_;
  if (rule_type_state_[local] == 2) return g_.rule(rule_id).type;
  if (rule_type_state_[local] == 1) return {};
  rule_type_state_[local] = 1;
  const Rule& r = g_.rule(rule_id);
  NodeType info = InferType(r.value);
  const NodeType possibilities = InferType(r.possibilities);  // inferred whenever present, as the reference
  NodeType t = info;
  if (info.type == VType::kUnknown) {
    const Rule& rr = g_.rule(rule_id);
    VType type = rr.raw_type == "nombre"    ? VType::kNumber
                 : rr.raw_type == "texte"   ? VType::kString
                 : rr.raw_type == "date"    ? VType::kDate
                 : rr.raw_type == "booléen" ? VType::kBoolean
                                            : VType::kUnknown;
    if (type == VType::kUnknown && rr.possibilities >= 0) {
      t = possibilities;
    } else {
      if (type == VType::kUnknown && g_.rule(rule_id).has_question) type = VType::kBoolean;
      t = {info.nullable, type};
    }
  }
  g_.mutable_rule(rule_id).type = t;
  rule_type_state_[local] = 2;
  return t;
}

Status Compiler::Finish() {
  if (first_node_ < 0) {
    first_node_ = g_.node_count();
    first_rule_ = g_.rule_count();
  }
  // Evaluation reads the hot copies of what was compiled (Graph::PublishHot), written whether or
  // not the compilation succeeds: no id is left without its copy.
  struct PublishOnExit {
    Compiler& compiler;
    ~PublishOnExit() { compiler.g_.PublishHot(compiler.first_node_, compiler.first_rule_); }
  } publish{*this};
  if (!status_.ok()) return status_;
  const int rule_end = g_.rule_count();
  for (int r = first_rule_; r < rule_end; ++r) {
    std::vector<int> parent_rules, parent_refs;
    context_rule_ = r;
    for (const auto& p : RuleParents(g_.rule(r).name)) {
      int pid = g_.FindRule(p);
      if (pid < 0 && options_.no_orphan_rule) {
        return InvalidArgument("rules.orphan_rule", "Règle « " + g_.rule(r).name + " » : la règle parente \"" + p +
                                                        "\" n'existe pas")
            .WithField(g_.rule(r).name, "règle parente absente");
      }
      parent_rules.push_back(pid);
      if (pid >= 0 && g_.rule(pid).tagged_experimental) g_.mutable_rule(r).experimental = true;
      int ref = pid >= 0 ? ReferenceTo(pid) : -1;
      if (ref >= 0) g_.mutable_node(ref).label = kParentLink;
      parent_refs.push_back(ref);
    }
    if (g_.rule(r).tagged_experimental) g_.mutable_rule(r).experimental = true;
    g_.mutable_rule(r).parent_rules = std::move(parent_rules);
    g_.mutable_rule(r).parent_refs = std::move(parent_refs);
  }
  context_rule_ = -1;
  const int node_end = g_.node_count();
  for (int id = first_node_; id < node_end; ++id) {
    const Node& n = g_.node(id);
    if (n.kind == NodeKind::kReference && n.rule < 0) {
      RETURN_IF_ERROR(ResolveReference(id));
    } else if (n.kind == NodeKind::kVariableManquante && n.rule < 0) {
      g_.mutable_node(id).rule = g_.FindRule(n.name);
    }
  }
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
  first_ext_node_ = g_.node_count() - static_cast<int>(g_.ext()->nodes.size());
  first_ext_rule_ = g_.rule_count() - static_cast<int>(g_.ext()->rules.size());
  g_.ext()->node_types.resize(g_.ext()->nodes.size());
  type_state_.assign(g_.ext()->nodes.size(), 0);
  rule_type_state_.assign(g_.ext()->rules.size(), 0);
  const int first_typed_rule = std::max(first_rule_, first_ext_rule_);
  // As the reference (inferNodesTypes), types are inferred from each rule (its value, its
  // possibilities, then its parent links) and each expression or situation value parsed, down
  // through the kinds whose type reads their children's, with the same short cuts (`||`, `some`,
  // `every`, `??`). The nodes that leaves out (below `est non applicable`, the operands of `+`, a
  // barème...) have no type there, so that "est non applicable" of them is evaluated rather than
  // answered from the type, and lists its missing variables: they keep none here either.
  for (int r = first_typed_rule; r < g_.rule_count(); ++r) {
    InferRuleType(r);
    for (int ref : g_.rule(r).parent_refs) InferType(ref);
  }
  for (int root : roots_) InferType(root);
  for (int r = first_typed_rule; r < g_.rule_count(); ++r) {
    Rule& rule = g_.mutable_rule(r);
    rule.root_accessible = !rule.is_private && IsAccessible(g_, "", rule.name);
    rule.check_parent = -1;
    if (rule.is_situation_slot) continue;
    for (int ref : rule.parent_refs) {
      if (ref < 0) continue;
      const NodeType& t = g_.type(ref);
      if (t.nullable == Tri::kTrue || t.type == VType::kBoolean) {
        rule.check_parent = ref;
        break;
      }
    }
  }
  return status_;
}

void Graph::PublishHot(int first_node, int first_rule) {
  const size_t first_ext_rule = static_cast<size_t>(std::max(first_rule - rule_offset_, 0));
  if (ext_->hot_rules.size() > first_ext_rule) ext_->hot_rules.resize(first_ext_rule);
  for (size_t i = ext_->hot_rules.size(); i < ext_->rules.size(); ++i) {
    const Rule& r = ext_->rules[i];
    ext_->hot_rules.push_back(
        {r.value, r.check_parent, r.situation_rule, r.possibilities, r.type, r.is_situation_slot, r.root_accessible});
  }
  const size_t first = static_cast<size_t>(std::max(first_node - node_offset_, 0));
  if (ext_->hot.size() > first) ext_->hot.resize(first);  // their children stay in hot_kids, unused
  for (size_t i = ext_->hot.size(); i < ext_->nodes.size(); ++i) {
    const Node& n = ext_->nodes[i];
    HotNode h;
    h.kind = n.kind;
    h.op = n.op;
    if (i < ext_->node_types.size()) h.type = ext_->node_types[i];  // typed unless it failed before
    h.a = n.a;
    h.b = n.b;
    h.c = n.c;
    h.rule = n.rule;
    h.unit = n.unit;
    h.kids_begin = static_cast<uint32_t>(ext_->hot_kids.size());
    h.kid_count = static_cast<uint32_t>(n.kids.size());
    ext_->hot_kids.insert(ext_->hot_kids.end(), n.kids.begin(), n.kids.end());
    ext_->hot.push_back(h);
  }
}

void NameTable::Build(const RuleIndex& index) {
  size_t capacity = 16;
  while (capacity < 2 * index.size()) capacity *= 2;
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  names_.clear();
  for (const auto& [name, rule] : index) {
    Slot slot{NameHash{}(name), static_cast<uint32_t>(names_.size()), static_cast<uint32_t>(name.size()), rule};
    names_ += name;
    size_t i = slot.hash & mask_;
    while (slots_[i].rule >= 0) i = (i + 1) & mask_;
    slots_[i] = slot;
  }
}

Result<std::unique_ptr<CompiledModel>> Compile(RawNode rules, const ModelOptions& options,
                                              const std::vector<std::string>& order) {
  auto model = std::make_unique<CompiledModel>();
  model->options = options;
  Graph graph(nullptr, &model->core);
  // Room for what the published models need (9 to 42 nodes per rule of the source, and up to a
  // situation slot per rule): no node is moved on the way. The pages of the room left unused
  // are never touched.
  model->core.nodes.reserve(48 * rules.size() + 64);
  model->core.rules.reserve(2 * rules.size() + 64);
  Compiler compiler(&graph, options, &model->warnings);
  RETURN_IF_ERROR(compiler.ParseRules(std::move(rules), -1, order));
  const int rule_count = static_cast<int>(model->core.rules.size());
  model->root_refs.assign(rule_count, -1);
  for (int i = 0; i < rule_count; ++i) {
    if (!model->core.rules[i].is_private) model->root_refs[i] = compiler.RootReference(i);
  }
  RETURN_IF_ERROR(compiler.Finish());
  for (int& root : model->root_refs) root = compiler.Forwarded(root);
  model->rule_names.Build(model->core.rule_index);
  model->core.rule_index = RuleIndex();
  model->replacements_of = compiler.TakeReplacements();
  for (int i = 0; i < static_cast<int>(model->core.rules.size()); ++i) {
    const Rule& r = model->core.rules[i];
    if (r.root_accessible) model->public_rules.push_back(i);  // set by Finish
  }
  return model;
}

}  // namespace parcours::rules::detail
