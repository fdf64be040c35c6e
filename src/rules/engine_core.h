// Internal state behind parcours::rules::Engine: the situation overlay compiled on top of
// the shared model, and the evaluation state of that situation. Evaluations keep a
// shared reference to it so that their explanation can be rendered later.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "evaluator.h"
#include "parcours/rules/engine.h"

namespace parcours::rules::detail {

struct EngineCore {
  // Reads the model's folded results once EnableFolding is called (LoadSituation does).
  explicit EngineCore(ModelPtr model);
  EngineCore(const EngineCore&) = delete;
  EngineCore& operator=(const EngineCore&) = delete;

  // Compiles and installs a situation (see Engine::SetSituation).
  Status LoadSituation(const Json& situation);
  Result<Evaluation> Evaluate(std::string_view text, const EvaluationOptions& options,
                              const std::shared_ptr<EngineCore>& self);
  // A situation value whose text the model already knows as a constant (ConstantTexts): its
  // value, fixed in `out` (no node to compile or evaluate); false when it is not one.
  bool KnownConstant(const RawNode& raw, Override* out) const;
  // Lets the state read the model's folded results for the rules the set slots leave clean.
  void EnableFolding(const std::vector<int>& set_slots);

  ModelPtr model;
  const CompiledModel* compiled;
  Overlay overlay;
  Graph graph;
  EvalShared shared;
  std::unique_ptr<EvalState> state;
  std::vector<uint64_t> dirty;  // a bit per model rule's value and applicability: reaches a set slot (fold.h)
  // Expressions evaluated on this situation, compiled once into the overlay.
  struct CompiledExpression {
    int root = -1;
    int nodes_from = 0, nodes_to = 0;  // its overlay nodes
  };
  std::unordered_map<std::string, CompiledExpression> expression_cache;
  bool untracked_results = false;  // the state's cache holds results without missing variables
  // Warnings of the situation's values (dropped) and of the compilation of its values and
  // expressions, and the rules tagged experimental it sets or reads (warned about, as the
  // reference, in that order): Engine::warnings, written by SituationWarnings.
  std::vector<std::string> warnings;
  std::vector<int> experimental_rules;
  std::vector<std::string> SituationWarnings() const;

 private:
  // One evaluation of node `root` in the state (budget, warnings and stacks afresh).
  const Res& EvaluateRoot(int root);
};

struct EvalTrace {
  std::shared_ptr<EngineCore> core;
  int root = -1;
  Res result;
  std::vector<Warning> warnings;  // written as text by Evaluation::warnings
};

}  // namespace parcours::rules::detail
