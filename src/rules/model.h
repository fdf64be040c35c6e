// Compiled form of a Publicodes model: a flat vector of nodes with integer ids and a
// table of rules. Built once by the compiler (compiler.cc), then immutable.
//
// The node kinds are the reference engine's core after macro expansion: chained and
// list mechanisms (`plafond`, `somme`, `par défaut`, `applicable si`, ...) are expanded
// at compile time into operations, conditions and variations exactly as the reference
// does, so that values, units and missing variables follow the same paths.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "expression.h"
#include "parcours/rules/engine.h"
#include "units.h"

namespace parcours::rules::detail {

enum class NodeKind : unsigned char {
  kConstant,
  kReference,
  kOperation,
  kCondition,
  kVariations,
  kEstNonDefini,
  kEstNonApplicable,
  kBareme,
  kGrille,
  kTauxProgressif,
  kDuree,
  kTexte,
  kArrondi,
  kUnite,
  kSimplifierUnite,
  kContexte,
  kInversion,
  kResoudre,
  kLogarithme,
  kVariableManquante,
  kUnePossibilite,
};

enum class Op : unsigned char { kAdd, kSub, kMul, kDiv, kIntDiv, kPow, kLt, kLe, kGt, kGe, kEq, kNe, kAnd, kOr };

// Static type of a node (reference `inferNodeType`).
enum class Tri : signed char { kUnknown = -1, kFalse = 0, kTrue = 1 };
enum class VType : unsigned char { kUnknown, kNumber, kBoolean, kString, kDate };
struct NodeType {
  Tri nullable = Tri::kUnknown;
  VType type = VType::kUnknown;
};

// What evaluation reads of most nodes, in an array of its own beside the nodes (Overlay::hot):
// 32 bytes where a Node takes 136, so that the nodes an evaluation visits share cache lines
// (a node's fields were a cache miss at nearly every visit). Written once the node is final
// (Graph::PublishHot); its children are `kid_count` ids at `kids_begin` of Overlay::hot_kids.
struct HotNode {
  NodeKind kind = NodeKind::kConstant;
  Op op = Op::kAdd;
  NodeType type;  // Graph::type
  int a = -1, b = -1, c = -1;
  int rule = -1;
  UnitId unit = kNoUnit;
  uint32_t kids_begin = 0;
  uint32_t kid_count = 0;
};
static_assert(sizeof(HotNode) == 32);

enum class DureeUnit : unsigned char { kJour, kMois, kAn, kTrimestre, kTrimestreCivil, kAnneeCivile };

// What three kinds of nodes add (`une possibilité`, `texte`, `inversion`), apart from the node so
// that the others do not carry it: 136 bytes a node instead of 192 (a model load's time is mostly
// first touches of memory). Copied with its node.
struct NodeRare {
  std::vector<int> kids2;          // UnePossibilite: the options' "est non applicable" nodes
  std::vector<std::string> texts;  // Texte: the texts around the kids (texts.size() = kids + 1)
  double min = -1000000, max = 100000000;  // Inversion: the bounds of the search
};

// A node's NodeRare: absent for most nodes (read as the defaults), created by the first write.
class NodeRareBox {
 public:
  NodeRareBox() = default;
  NodeRareBox(const NodeRareBox& o) : p_(o.p_ ? std::make_unique<NodeRare>(*o.p_) : nullptr) {}
  NodeRareBox& operator=(const NodeRareBox& o) {
    p_ = o.p_ ? std::make_unique<NodeRare>(*o.p_) : nullptr;
    return *this;
  }
  NodeRareBox(NodeRareBox&&) noexcept = default;
  NodeRareBox& operator=(NodeRareBox&&) noexcept = default;
  const NodeRare* operator->() const { return p_ ? p_.get() : &kNone; }
  NodeRare& Mutable() {
    if (!p_) p_ = std::make_unique<NodeRare>();
    return *p_;
  }
  NodeRare* IfPresent() { return p_.get(); }

 private:
  static inline const NodeRare kNone{};
  std::unique_ptr<NodeRare> p_;
};

// What evaluation reads of every node (kind, children, rule, unit) comes first.
struct Node {
  NodeKind kind = NodeKind::kConstant;
  Op op = Op::kAdd;
  Tri explicit_nullable = Tri::kUnknown;  // constants: isNullable when given
  VType const_type = VType::kUnknown;
  DureeUnit duree_unit = DureeUnit::kJour;
  bool no_replace = false;  // reference not subject to `remplace` (contexte keys...)
  // Children; meaning per kind:
  //  Operation: a, b. Condition: a=si, b=alors, c=sinon. Arrondi: a=valeur, b=arrondi.
  //  Unite/SimplifierUnite/Logarithme/EstNon*/VariableManquante/Resoudre: a.
  //  Contexte: a=valeur, kids=[ref0, value0, ref1, value1...].
  //  Variations: kids=[cond0, cons0, ...]. Tranche mechanisms: a=assiette,
  //  b=multiplicateur (-1 = 1), kids=[taux|montant, plafond (-1 = infinity)]...
  //  Duree: a=depuis, b=jusqu'à (-1 = today). Texte: kids, rare->texts (kids + 1 texts).
  //  Inversion: kids = candidate references, rare->min / max. UnePossibilite: kids = options,
  //  rare->kids2 = their "est non applicable" nodes (-1 for constants).
  int a = -1, b = -1, c = -1;
  int rule = -1;          // reference target, rule to solve/invert, missing variable
  UnitId unit = kNoUnit;  // constant unit, target of kUnite, unit of a possibility list
  int context_rule = -1;  // rule in whose context the node was parsed (-1 = root)
  std::vector<int> kids;
  NodeRareBox rare;
  // Constant value (kConstant), or the chosen value of a possibility.
  Value value;
  const char* label = nullptr;  // mechanism name for explanations ("plafond", "somme"...)
  std::string name;             // reference: name as written; possibility: option name
};
static_assert(sizeof(Node) <= 136);

// Appends the children of `n` (-1 where a child is absent) to `out`.
inline void AppendChildren(const Node& n, std::vector<int>* out) {
  out->insert(out->end(), {n.a, n.b, n.c});
  out->insert(out->end(), n.kids.begin(), n.kids.end());
  out->insert(out->end(), n.rare->kids2.begin(), n.rare->kids2.end());
}

struct Replacement {
  int definition_rule = -1;
  int definition_ref = -1;  // reference node to the definition rule
  int replaced_rule = -1;
  std::vector<int> whitelist, blacklist;  // rule ids
  double priority = 0;
  bool non_applicable = false;  // `rend non applicable`
  int id = 0;
};

// What every evaluation of a rule reads comes first.
struct Rule {
  int value = -1;                  // node id of explanation.valeur
  // The parent link the rule is checked against (DisablingParent): the nearest that may be
  // non applicable or is a condition; -1 for none and for situation slots. Set by type inference.
  int check_parent = -1;
  int situation_rule = -1;         // id of "X . $SITUATION", -1 for private rules
  int possibilities = -1;          // kUnePossibilite node, or -1
  NodeType type;  // inferred type of the rule node
  bool is_private = false;
  bool is_situation_slot = false;  // "X . $SITUATION"
  bool is_internal = false;        // contains "$INTERNAL"
  bool possibly_not_applicable = false;
  bool has_question = false;
  bool tagged_experimental = false;  // `experimental: oui`
  bool experimental = false;         // tagged, or a parent is (set with the parents)
  bool root_accessible = false;    // public and accessible from the root namespace
  std::string name;
  std::vector<int> parent_refs;    // reference nodes to parents, nearest first
  std::vector<int> parent_rules;   // the parents' rule ids (-1 if absent)
  std::string raw_type;            // `type:` metadata
  std::vector<Replacement> replacements;
  RawNode raw;
};

// What evaluation reads of every rule, in an array of its own beside the rules (Overlay::
// hot_rules): 20 bytes where a Rule takes 184 (Graph::PublishHot).
struct HotRule {
  int value = -1;
  int check_parent = -1;
  int situation_rule = -1;
  int possibilities = -1;
  NodeType type;
  bool is_situation_slot = false;
  bool root_accessible = false;
};
static_assert(sizeof(HotRule) == 20);

// Rule names to ids, looked up by string_view without building a string.
struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using RuleIndex = std::unordered_map<std::string, int, NameHash, std::equal_to<>>;

// A compiled model's rule names to ids, for the lookups made after compilation (a situation's
// names, the rule to evaluate): an open-addressing table of (hash, name, rule) slots over the
// names stored end to end. A lookup reads one slot and one name where the node-based RuleIndex
// reads a bucket, two nodes and a key; a situation looks up a few dozen names per evaluation.
class NameTable {
 public:
  void Build(const RuleIndex& index);
  // The rule named `name`, or -1.
  int Find(std::string_view name) const {
    if (slots_.empty()) return -1;
    const size_t hash = NameHash{}(name);
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.rule < 0) return -1;
      if (s.hash == hash && std::string_view(names_).substr(s.offset, s.size) == name) return s.rule;
    }
  }

 private:
  struct Slot {
    size_t hash = 0;
    uint32_t offset = 0;  // of the name in names_
    uint32_t size = 0;
    int rule = -1;  // -1: empty
  };
  std::vector<Slot> slots_;  // a power of two, at most half full
  size_t mask_ = 0;
  std::string names_;
};

// Nodes and rules of one compilation unit (the model, or an engine's situation).
struct Overlay {
  std::vector<Node> nodes;
  std::vector<Rule> rules;
  std::vector<NodeType> node_types;  // per node, filled by type inference
  std::vector<HotNode> hot;          // per node, once final (Graph::PublishHot)
  std::vector<int> hot_kids;         // the children of the hot nodes
  std::vector<HotRule> hot_rules;    // per rule, once final (Graph::PublishHot)
  RuleIndex rule_index;
};

class FoldCache;

// Situation values whose text compiles to a lone constant ("oui", "'CDI'", "3000 €/mois",
// "01/02/2024"): the constant, so that each text is parsed once per model; a number followed by
// nothing or by a space and a unit is kept by what follows it, so that "3000 €/mois" and
// "2512.5 €/mois" share one entry (the parse of the unit). Thread-safe.
class ConstantTexts {
 public:
  // The constant of `text` (entries are never removed: the address stays valid), and for a
  // number kept by what follows it, the number `text` starts with (NaN otherwise).
  const Node* Find(const std::string& text, double* number) const;
  void Add(const std::string& text, const Node& constant);

 private:
  static constexpr size_t kMax = 100000;  // bounded: situations come from outside
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Node> nodes_;
  std::unordered_map<std::string, Node, NameHash, std::equal_to<>> numbers_;  // by the text after the number
};

class CompiledModel {
 public:
  CompiledModel();
  ~CompiledModel();
  // The model's fold cache (fold.h), created on first use.
  FoldCache& Fold() const;
  mutable ConstantTexts situation_constants;

  ModelOptions options;
  Overlay core;  // its rule_index is emptied once compiled: rule_names replaces it
  NameTable rule_names;
  // The model's rule named `name`, or -1.
  int FindRule(std::string_view name) const { return rule_names.Find(name); }
  // Replacements targeting a rule id, in rule order.
  std::unordered_map<int, std::vector<const Replacement*>> replacements_of;
  std::vector<std::string> warnings;
  std::vector<int> public_rules;  // non-private, accessible from the root, model order
  std::vector<int> root_refs;     // per rule: reference node from the root (replacements inlined), or -1

 private:
  mutable std::once_flag fold_once_;
  mutable std::unique_ptr<FoldCache> fold_;
};

// A view over a model and an optional overlay (ids continue after the model's).
class Graph {
 public:
  Graph(const CompiledModel* base, Overlay* ext) : base_(base), ext_(ext) {
    if (base_ != nullptr) {
      node_offset_ = static_cast<int>(base_->core.nodes.size());
      rule_offset_ = static_cast<int>(base_->core.rules.size());
    }
  }
  const Node& node(int id) const {
    return id < node_offset_ ? base_->core.nodes[id] : ext_->nodes[id - node_offset_];
  }
  Node& mutable_node(int id) { return ext_->nodes[id - node_offset_]; }
  bool is_mutable_node(int id) const { return id >= node_offset_; }
  const Rule& rule(int id) const {
    return id < rule_offset_ ? base_->core.rules[id] : ext_->rules[id - rule_offset_];
  }
  Rule& mutable_rule(int id) { return ext_->rules[id - rule_offset_]; }
  bool is_mutable_rule(int id) const { return id >= rule_offset_; }
  const NodeType& type(int id) const {
    return id < node_offset_ ? base_->core.node_types[id] : ext_->node_types[id - node_offset_];
  }
  NodeType& mutable_type(int id) { return ext_->node_types[id - node_offset_]; }
  int node_count() const { return node_offset_ + static_cast<int>(ext_->nodes.size()); }
  int rule_count() const { return rule_offset_ + static_cast<int>(ext_->rules.size()); }
  int FindRule(std::string_view name) const {
    if (base_ != nullptr) {
      if (int id = base_->FindRule(name); id >= 0) return id;
    }
    auto it = ext_->rule_index.find(name);
    return it == ext_->rule_index.end() ? -1 : it->second;
  }
  int AddNode(Node n) {
    ext_->nodes.push_back(std::move(n));
    return node_count() - 1;
  }
  const HotNode& hot(int id) const {
    return id < node_offset_ ? base_->core.hot[id] : ext_->hot[id - node_offset_];
  }
  // The children of node `id` (whose hot copy is `h`).
  const int* kids(int id, const HotNode& h) const {
    return (id < node_offset_ ? base_->core.hot_kids.data() : ext_->hot_kids.data()) + h.kids_begin;
  }
  const HotRule& hot_rule(int id) const {
    return id < rule_offset_ ? base_->core.hot_rules[id] : ext_->hot_rules[id - rule_offset_];
  }
  // Writes the hot copies of the overlay's nodes from `first_node` on and of its rules from
  // `first_rule` on (ids), which must be final: evaluation reads them instead. Those before
  // that have no copy yet get theirs too.
  void PublishHot(int first_node, int first_rule);
  int AddRule(Rule r) {
    ext_->rule_index[r.name] = rule_count();
    ext_->rules.push_back(std::move(r));
    return rule_count() - 1;
  }
  const CompiledModel* base() const { return base_; }
  Overlay* ext() { return ext_; }

 private:
  const CompiledModel* base_;
  Overlay* ext_;
  int node_offset_ = 0;
  int rule_offset_ = 0;
};

// Compiles raw rules ({name: body}, ordered as in the source) into a model; the rule bodies
// are consumed (each rule keeps its metadata).
// `order`: the rules' names in the order of their sources (the rules it leaves out follow in key
// order), as the reference parses them.
Result<std::unique_ptr<CompiledModel>> Compile(RawNode rules, const ModelOptions& options,
                                              const std::vector<std::string>& order = {});

// Name helpers (" . " separated).
std::vector<std::string> RuleParents(const std::string& name);
bool IsAccessible(const Graph& graph, const std::string& context, const std::string& name);

}  // namespace parcours::rules::detail
