// Second compilation pass: reference resolution, parent links, `remplace` inlining
// (replacements.cc) and static type inference (reference: parsePublicodes.ts, ruleUtils.ts,
// inferNodeType.ts).
#include <algorithm>

#include "compiler.h"
#include "parcours/base/utf8.h"

namespace parcours::rules::detail {
namespace {

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
  const std::string name = Excerpt(partial);
  std::string message = exists ? "La règle \"" + name + "\" n'est pas accessible depuis \"" + from +
                                     "\" : elle est privée ou l'un de ses parents est privé"
                               : "La référence \"" + name +
                                     "\" est introuvable. Vérifiez que l'orthographe et l'espace de nom sont corrects";
  Status s = InvalidArgument(exists ? "rules.private_reference" : "rules.unknown_reference",
                             (where.empty() ? "" : "Règle « " + where + " » : ") + message);
  if (!where.empty()) s.WithField(where, message);
  return s;
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
  InlineAllReplacements(node_end);
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
  // Sized at once for what is added (a model's whole graph: growing by doubling would touch its
  // memory twice, see Compile), and still by doubling when a situation's values come one by one.
  auto make_room = [](auto& v, size_t n) {
    if (v.capacity() < n) v.reserve(std::max(n, 2 * v.capacity()));
  };
  make_room(ext_->hot_rules, ext_->rules.size());
  for (size_t i = ext_->hot_rules.size(); i < ext_->rules.size(); ++i) {
    const Rule& r = ext_->rules[i];
    ext_->hot_rules.push_back(
        {r.value, r.check_parent, r.situation_rule, r.possibilities, r.type, r.is_situation_slot, r.root_accessible});
  }
  const size_t first = static_cast<size_t>(std::max(first_node - node_offset_, 0));
  if (ext_->hot.size() > first) ext_->hot.resize(first);  // their children stay in hot_kids, unused
  make_room(ext_->hot, ext_->nodes.size());
  size_t kids = ext_->hot_kids.size();
  for (size_t i = ext_->hot.size(); i < ext_->nodes.size(); ++i) kids += ext_->nodes[i].kids.size();
  make_room(ext_->hot_kids, kids);
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
  // Room for what the published models need, per top-level rule of the source: 19 to 55 nodes,
  // 2 to 4.2 rules (rules written inside others, and a situation slot per rule). Nothing is moved
  // on the way (a move touches twice the memory, and a load's time is mostly first touches of
  // memory); the pages of the room left unused are never touched.
  model->core.nodes.reserve(64 * rules.size() + 64);
  model->core.rules.reserve(5 * rules.size() + 64);
  Compiler compiler(&graph, options, &model->warnings);
  if (rules.is_object()) {
    for (auto it = rules.begin(); it != rules.end(); ++it) {
      RETURN_IF_ERROR(RejectReservedKeys(it.key(), it.value()));
    }
  }
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
