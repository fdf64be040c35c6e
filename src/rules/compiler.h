// Compiler from raw Publicodes (ordered JSON) to the node graph of model.h.
//
// Used twice: once per model (Compile), and by each Engine to compile its situation
// values ("X . $SITUATION" slots) into an overlay on top of the shared model.
// Mirrors the reference parser: chained mechanisms applied in its fixed order, list
// mechanisms expanded, `avec` children registered as rules, references resolved by the
// reference's lookup order, `remplace` / `rend non applicable` inlined as variations.
#pragma once

#include <string>
#include <vector>

#include "model.h"

namespace parcours::rules::detail {

// Keys of the marker objects the compiler writes into the raw values it synthesises: a node
// already parsed, a non applicable value, the undefined value of a situation slot. They begin
// with '\x01', which no model, situation or expression may use (RejectReservedKeys).
inline constexpr char kNodeMarker[] = "\x01node";
inline constexpr char kNotApplicableMarker[] = "\x01na";
inline constexpr char kSlotMarker[] = "\x01slot";

// An error ("rules.reserved_key", naming `rule`) if the name of `rule` ("" for a situation
// value, which its caller names) or a key of an object of `value`, at any depth, begins with
// '\x01': read as a marker, it would stand for a node of the compiler's.
Status RejectReservedKeys(const std::string& rule, const RawNode& value);

class Compiler {
 public:
  Compiler(Graph* graph, const ModelOptions& options, std::vector<std::string>* warnings)
      : g_(*graph), options_(options), warnings_(warnings) {}

  // Parses the entries of `rules` as rules in the namespace `context` (rule id or -1).
  // The bodies are moved from `rules` (their formulas into the compiler, their metadata into
  // the rules); the const overload works on a copy.
  // `order` (optional): the names in the order to parse them (the reference's: its sources'),
  // the entries it leaves out following in key order.
  Status ParseRules(RawNode&& rules, int context, const std::vector<std::string>& order = {});
  Status ParseRules(const RawNode& rules, int context);
  // Parses a situation value for `slot_rule` ("X . $SITUATION"); returns its node.
  Result<int> ParseSituationValue(const RawNode& value, int slot_rule);
  // Resolves references, orphan parents, inlines replacements and infers types for
  // everything added since construction.
  Status Finish();

  // Adds a reference to `rule` as written at the model root (subject to `remplace`).
  int RootReference(int rule) {
    context_rule_ = -1;
    context_name_.clear();
    return roots_.emplace_back(ReferenceTo(rule));
  }
  // Parses an expression evaluated at the root (the reference's "$EVALUATION").
  Result<int> ParseRootExpression(const RawNode& value);

  // After Finish: the node that node `id` stands for (a reference replaced by the variations
  // node of its set of replacements, shared as the reference shares it), else `id`.
  int Forwarded(int id) const {
    return id >= first_node_ && id - first_node_ < static_cast<int>(forward_.size()) && forward_[id - first_node_] >= 0
               ? forward_[id - first_node_]
               : id;
  }

  // Parses one raw value in the current context (exposed for tests of the compiler).
  int Parse(const RawNode& raw);
  const Status& status() const { return status_; }
  // After Finish: the replacements of the rules compiled, per replaced rule, in order of
  // application (the model's `replacements_of`).
  std::unordered_map<int, std::vector<const Replacement*>> TakeReplacements() {
    return std::move(replacements_index_);
  }

 private:
  friend struct MechanismParsers;
  int ParseRule(const std::string& key, RawNode body);
  // `consumed` is a bit mask of the chained mechanisms of `obj` already applied.
  int ParseObject(const RawNode& obj, unsigned consumed = 0);
  int ParseChained(const std::string& key, const RawNode& param, const RawNode& obj, unsigned consumed);
  int ParseRest(const RawNode& obj, unsigned consumed) { return ParseObject(obj, consumed); }
  int ParseMechanism(const std::string& key, const RawNode& param);
  int ParsePossibilities(const RawNode& raw_rule, RawNode* avec);
  void ParseReplacements(const RawNode& spec, bool non_applicable, std::vector<Replacement>* out);

  // Node builders.
  int Add(Node n);
  int Constant(Value v, UnitId unit = kNoUnit, VType type = VType::kUnknown);
  int NotApplicable();
  int Bool(bool b);
  int Number(double d);
  int Operation(Op op, int a, int b);
  int Condition(int si, int alors, int sinon, const char* label = nullptr);
  int Reference(const std::string& name);
  int ReferenceTo(int rule);
  int EstNonDefini(int v);
  int EstNonApplicable(int v);
  std::vector<int> ParseList(const RawNode& param);

  // Resolution and post-processing.
  Status ResolveReference(int node_id);
  // Resolves the replacements' targets and lists, and inlines them (replacements.cc) into the
  // nodes before `node_end`.
  void InlineAllReplacements(int node_end);
  void InlineReplacements(int node_id);
  // The reference nodes in the trees of the rules `rebuilt` (-1: the roots) that replacements
  // apply to, in node order.
  std::vector<int> ReferencesToReplace(const std::vector<int>& rebuilt) const;
  // Points every holder of a node id compiled here (children, rules' values, possibilities and
  // parent links, roots) at the node it is forwarded to.
  void ForwardSharedReplacements();
  // Gives each place of a node read in several places of the rules `rebuilt` (-1: the roots)
  // its own copy, as the reference's replacement pass does (see replacements.cc).
  void UnfoldSharedNodes(const std::vector<int>& rebuilt);
  NodeType InferType(int node_id);
  NodeType InferRuleType(int rule_id);
  void Fail(const std::string& reason, const std::string& message);

  Graph& g_;
  const ModelOptions& options_;
  std::vector<std::string>* warnings_;
  int context_rule_ = -1;  // current rule (context.dottedName)
  std::string context_name_;
  int first_node_ = -1;
  int first_rule_ = -1;
  int depth_ = 0;
  int first_ext_node_ = 0;
  int first_ext_rule_ = 0;
  std::unordered_map<int, std::vector<const Replacement*>> replacements_index_;
  std::vector<char> type_state_;  // 0 = todo, 1 = in progress, 2 = done (new nodes)
  std::vector<char> rule_type_state_;
  std::vector<int> roots_;  // expressions and situation values parsed: typed from there
  std::unordered_map<std::string, int> replacement_cache_;
  std::vector<std::pair<int, int>> forwards_;  // (reference node, shared variations node)
  std::vector<int> forward_;  // per node from first_node_: its shared node, or -1
  std::unordered_map<std::string, RawNode> expression_trees_;  // parsed expression texts
  std::vector<size_t> context_buffer_;  // ResolveReference's namespaces, kept to reuse
  std::string name_buffer_;
  Status status_;
};

// obj[key] without copying it, or a null node when `obj` is not an object or lacks `key`.
const RawNode& FieldOrNull(const RawNode& obj, const char* key);

// Static type of a constant node (as Compiler::Finish infers it).
NodeType ConstantType(const Node& n);

// Keys accepted as mechanisms inside a rule body (the reference's `mecanismKeys`).
bool IsMechanismKey(const std::string& key);

// Joins a namespace and a name with " . " (no separator for the root).
std::string JoinName(const std::string& ns, const std::string& name);

}  // namespace parcours::rules::detail
