// Situation loading and evaluation entry point (see engine_core.h).
#include "engine_core.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "compiler.h"
#include "fold.h"
#include "parcours/base/utf8.h"

namespace parcours::rules::detail {
namespace {

Status SituationError(const std::string& rule, const std::string& reason, const std::string& message) {
  return InvalidArgument(reason, "Situation « " + Excerpt(rule) + " » : " + message).WithField(rule, message);
}

bool ValueMatchesOption(const Graph& g, const Node& possibilities, const Res& value) {
  if (!value.value.is_string() && !value.value.is_number()) return true;
  for (int option : possibilities.kids) {
    const Node& o = g.node(option);
    if (value.value.is_string() && o.value.is_string() && o.value.string.str() == value.value.string.str()) return true;
    if (value.value.is_number() && o.value.is_number()) {
      auto converted = ConvertUnit(value.unit, o.unit, value.value.number);
      if (converted && *converted == o.value.number) return true;
    }
  }
  return false;
}

// The reference's warning about a rule tagged experimental (Warning::message).
constexpr const char* kExperimental =
    "cette règle est marquée expérimentale : elle peut être modifiée, renommée ou supprimée sans "
    "changement de version majeure du modèle";

// Adds to `rules` the experimental rules that the nodes [from, to) of the overlay reference, in
// order: the references of a situation value or of an expression, compiled there.
void AddExperimentalReferences(const Graph& g, int from, int to, std::vector<int>* rules) {
  for (int id = from; id < to; ++id) {
    const Node& n = g.node(id);
    if (n.kind == NodeKind::kReference && n.rule >= 0 && g.rule(n.rule).experimental && !g.rule(n.rule).is_internal) {
      rules->push_back(n.rule);
    }
  }
}

}  // namespace

EngineCore::EngineCore(ModelPtr m)
    : model(std::move(m)), compiled(&model->compiled()), graph(compiled, &overlay) {
  FoldCache* fold = compiled->options.fold_situation_independent ? &compiled->Fold() : nullptr;
  state = std::make_unique<EvalState>(&graph, compiled, &shared, fold);
}

void EngineCore::EnableFolding(const std::vector<int>& set_slots) {
  if (!compiled->options.fold_situation_independent) return;
  FoldCache& fold = compiled->Fold();
  fold.MarkDirty(set_slots, &dirty);
  state->EnableFolding(&fold, &dirty);
}

bool EngineCore::KnownConstant(const RawNode& raw, Override* out) const {
  double number;
  const Node* known = nullptr;
  if (raw.is_string()) {
    known = compiled->situation_constants.Find(raw.get_ref<const std::string&>(), &number);
  } else if (raw.is_number()) {
    known = compiled->situation_constants.Find(raw.dump(), &number);
  }
  if (known == nullptr) return false;
  // The model's constant outlives the engine: the result's text may point into it.
  out->fixed = true;
  out->result.value = ToVal(known->value);
  if (!std::isnan(number)) out->result.value.number = number;
  out->result.unit = known->unit;
  out->type = ConstantType(*known);
  return true;
}

Status EngineCore::LoadSituation(const Json& situation) {
  const bool strict = compiled->options.strict_situation;
  std::vector<int> rules;  // the rules the situation sets
  rules.reserve(situation.size());
  std::vector<Override> overrides;  // per rule: its compiled value's node, or a known constant fixed
  overrides.reserve(situation.size());
  std::vector<std::pair<int, int>> value_nodes;  // per slot: the overlay nodes its value compiled to
  state->ReserveOverrides(situation.size());
  for (auto it = situation.begin(); it != situation.end(); ++it) {
    const std::string& name = it.key();
    const int found = compiled->FindRule(name);
    Status error;
    if (found < 0) {
      error = SituationError(name, "rules.situation_unknown_rule",
                             "'" + Excerpt(name) + "' n'existe pas dans la base de règles.");
    } else if (!compiled->core.rules[found].root_accessible || compiled->core.rules[found].situation_rule < 0) {
      error = SituationError(name, "rules.situation_private_rule", "la règle " + name + " est une règle privée.");
    }
    static const RawNode kOui = "oui", kNon = "non";
    const RawNode* raw = nullptr;
    const Json& v = it.value();
    if (error.ok()) {
      if (v.is_null()) continue;
      if (v.is_boolean()) {
        raw = v.get<bool>() ? &kOui : &kNon;
      } else if (v.is_string() || v.is_number() || v.is_object()) {
        raw = &v;
      } else {
        error = SituationError(name, "rules.situation_invalid_value", "valeur invalide " + Excerpt(v.dump()));
      }
    }
    if (error.ok()) {
      const int rule = found;
      // Most values are texts already met as constants ("oui", "'CDI'", "3000 €/mois"):
      // fixed as such, without a compiler or a node.
      const int first_node = graph.node_count();
      if (Override known; KnownConstant(*raw, &known)) {
        rules.push_back(rule);
        overrides.push_back(std::move(known));
        value_nodes.emplace_back(0, 0);
        continue;
      }
      Compiler compiler(&graph, compiled->options, &warnings);
      auto node = compiler.ParseSituationValue(*raw, compiled->core.rules[rule].situation_rule);
      Status s = node.ok() ? compiler.Finish() : node.status();
      if (!s.ok()) {
        error = SituationError(name, "rules.situation_invalid_value", s.message());
      } else {
        rules.push_back(rule);
        Override& o = overrides.emplace_back();
        o.node = *node;
        o.type = graph.type(*node);
        value_nodes.emplace_back(first_node, graph.node_count());
      }
    }
    if (!error.ok()) {
      if (strict) return error;
      warnings.push_back(error.message());
    }
  }
  graph.PublishHot(graph.node_count(), graph.rule_count());  // the values compiled above
  state->ResetCache();
  std::vector<int> set_slots;
  set_slots.reserve(rules.size());
  for (int rule : rules) set_slots.push_back(compiled->core.rules[rule].situation_rule);
  EnableFolding(set_slots);
  for (size_t i = 0; i < rules.size(); ++i) state->SetOverride(set_slots[i], overrides[i]);
  // A value outside `une possibilité` is an error, or with neither strict option a warning and
  // the value is dropped, as the reference.
  const bool strict_options = strict || compiled->options.check_possible_values;
  shared.budget = compiled->options.max_node_evaluations;
  std::vector<bool> dropped(rules.size(), false);
  for (size_t i = 0; i < rules.size(); ++i) {
    const int rule = rules[i];
    int possibilities = compiled->core.rules[rule].possibilities;
    if (possibilities < 0) continue;
    const std::string& name = compiled->core.rules[rule].name;
    try {
      const Res& value = overrides[i].node >= 0 ? state->EvalNode(overrides[i].node) : overrides[i].result;
      if (!ValueMatchesOption(graph, graph.node(possibilities), value)) {
        Status error = SituationError(name, "rules.situation_invalid_value",
                                      "la valeur " + FormatResult(value) +
                                          " ne fait pas partie des possibilités listées pour cette règle.");
        if (strict_options) return error;
        warnings.push_back(error.message());
        dropped[i] = true;
      }
    } catch (const EvalError& e) {
      if (strict) return SituationError(name, e.reason, e.what());
    }
  }
  state->ResetCache();
  // The reference warns about the rules tagged experimental that the situation sets (and their
  // parents), then those its value reads.
  for (size_t i = 0; i < rules.size(); ++i) {
    const int rule = rules[i];
    const int slot = set_slots[i];
    if (dropped[i]) {
      state->ClearOverride(slot);
      continue;
    }
    if (graph.rule(rule).experimental) {  // else none of its parents is
      experimental_rules.push_back(rule);
      for (int parent : graph.rule(slot).parent_rules) {  // the rule itself, then its parents
        if (parent >= 0 && graph.rule(parent).experimental) experimental_rules.push_back(parent);
      }
    }
    AddExperimentalReferences(graph, value_nodes[i].first, value_nodes[i].second, &experimental_rules);
  }
  return Status();
}

std::vector<std::string> EngineCore::SituationWarnings() const {
  std::vector<std::string> out = warnings;
  for (int rule : experimental_rules) out.push_back(WarningText(graph, {rule, {}, kExperimental}));
  return out;
}

const Res& EngineCore::EvaluateRoot(int root) {
  shared.budget = compiled->options.max_node_evaluations;
  shared.warnings.clear();
  shared.inversion_fail = false;
  state->BeginEvaluation();
  return state->EvalNode(root);
}

Result<Evaluation> EngineCore::Evaluate(std::string_view text, const EvaluationOptions& options,
                                        const std::shared_ptr<EngineCore>& self) {
  int root = -1;
  std::vector<int> experimental;  // the rules tagged experimental it names (warned first)
  std::string key(text);
  const int found = compiled->FindRule(key);
  if (found >= 0 && compiled->core.rules[found].root_accessible && compiled->root_refs[found] >= 0) {
    root = compiled->root_refs[found];
    if (compiled->core.rules[found].experimental) experimental.push_back(found);
  } else {
    auto cached = expression_cache.find(key);
    if (cached == expression_cache.end()) {
      const int first_node = graph.node_count();
      Compiler compiler(&graph, compiled->options, &warnings);
      auto node = compiler.ParseRootExpression(RawNode(key));
      Status s = node.ok() ? compiler.Finish() : node.status();
      if (!s.ok()) return s;
      cached = expression_cache.emplace(key, CompiledExpression{*node, first_node, graph.node_count()}).first;
    }
    root = cached->second.root;
    AddExperimentalReferences(graph, cached->second.nodes_from, cached->second.nodes_to, &experimental);
  }
  // As the reference, an evaluation already made in this situation is given again without its
  // warnings.
  if (state->Cached(root) != nullptr) experimental.clear();
  // Results cached without missing variables cannot serve an evaluation that lists them.
  if (options.missing && untracked_results) {
    state->ResetCache();
    untracked_results = false;
  }
  shared.missing.SetTracking(options.missing);
  untracked_results |= !options.missing;
  const Res* result;
  try {
    try {
      result = &EvaluateRoot(root);
    } catch (const MissingNeeded&) {  // a value depends on missing variables: with them, then
      state->ResetCache();
      shared.missing.SetTracking(true);
      untracked_results = false;
      result = &EvaluateRoot(root);
    }
  } catch (const EvalError& e) {
    Status s = InvalidArgument(e.reason, e.what());
    if (!e.rule.empty()) s.WithField(e.rule, e.what());
    return s;
  } catch (const std::exception& e) {
    return Internal("rules.internal", std::string("Erreur interne d'évaluation : ") + e.what());
  }
  Evaluation ev;
  ev.value = ToValue(result->value);
  ev.unit = result->unit == kNoUnit ? "" : SerializeUnit(result->unit);
  if (options.missing) {
    const Missing missing = shared.missing.Flatten(result->missing);
    ev.missing.reserve(missing.size());
    for (const auto& [rule, score] : missing) ev.missing.push_back({graph.rule(rule).name, score});
  }
  auto trace = std::make_shared<EvalTrace>();
  trace->core = self;
  trace->root = root;
  trace->result = *result;
  for (int rule : experimental) trace->warnings.push_back({rule, {}, kExperimental});
  if (trace->warnings.empty()) {
    trace->warnings = std::move(shared.warnings);  // cleared at the next evaluation anyway
  } else {
    trace->warnings.insert(trace->warnings.end(), std::make_move_iterator(shared.warnings.begin()),
                           std::make_move_iterator(shared.warnings.end()));
  }
  shared.warnings.clear();
  if (shared.inversion_fail) trace->warnings.push_back({-1, {}, "Une inversion ou une résolution circulaire n'a pas convergé."});
  ev.trace = std::move(trace);
  return ev;
}

}  // namespace parcours::rules::detail
