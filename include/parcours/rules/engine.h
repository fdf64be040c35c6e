// Publicodes-compatible rules engine.
//
// A `Model` is a set of Publicodes rules, parsed and compiled once into an evaluation
// graph (flat node vector, references resolved at load). It is immutable after loading
// and safe to share between threads. An `Engine` binds one situation (the person's
// answers) to a shared model and memoises evaluations for that situation; it is cheap to
// create and is NOT thread-safe (use one per thread / per request).
//
// Semantics follow the reference JavaScript engine (npm `publicodes` 1.10): values are a
// number, a boolean, a string, `null` (non applicable) or `undefined` (non défini, i.e.
// missing); units are carried and converted; missing variables come with scores.
// No exception crosses this header: bad input yields a Status with reason "rules.*".
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/json.h"
#include "parcours/base/status.h"

namespace parcours::rules {

// Options of a model, mirroring the reference engine's `strict`/`flag` options.
struct ModelOptions {
  // A single applicable `une possibilité` option is auto-selected; none applicable => null.
  bool filter_not_applicable_possibilities = false;
  // A rule whose parent does not exist is an error (reference default: true).
  bool no_orphan_rule = true;
  // Unknown names / invalid values in a situation are errors (reference default: true);
  // when false they are dropped with a warning (Engine::warnings).
  bool strict_situation = true;
  // Situation values outside `une possibilité` are errors even when situations are not strict
  // (reference `strict.checkPossibleValues`). With neither option such a value is dropped with a
  // warning, as the reference does by default; with strict situations, our default, it is an
  // error, so that a person's answer is never silently ignored.
  bool check_possible_values = false;
  // Upper bound on node evaluations per Evaluate call (guards against runaway models);
  // exceeding it is a "rules.evaluation_budget" error.
  long max_node_evaluations = 50'000'000;
  // Rules that reach no rule set by the situation are evaluated once per model (over the
  // empty situation) and shared by every engine; the results are the same either way.
  bool fold_situation_independent = true;
};

namespace detail {
class CompiledModel;
struct EngineCore;
struct EvalTrace;
}  // namespace detail

// A loaded model. Immutable; share it with std::shared_ptr<const Model>.
class Model {
 public:
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // Names of the public rules, in model order.
  std::vector<std::string> RuleNames() const;
  bool HasRule(std::string_view name) const;
  // A rule's metadata as written in the source (titre, question, description, exemples,
  // remplace...: its body without the formula's mechanisms and nested rules), or null JSON
  // if unknown.
  Json RawRule(std::string_view name) const;
  // Warnings emitted while loading (deprecated syntax, ignored keys...).
  const std::vector<std::string>& warnings() const;

  // Number of compiled graph nodes (a size indicator for tools and benchmarks).
  size_t NodeCount() const;

  // Internal compiled representation; not part of the stable API.
  const detail::CompiledModel& compiled() const { return *compiled_; }
  explicit Model(std::unique_ptr<detail::CompiledModel> compiled);

 private:
  std::unique_ptr<detail::CompiledModel> compiled_;
};

using ModelPtr = std::shared_ptr<const Model>;

// Parses Publicodes YAML text (one model). `source_name` is used in error positions.
// Errors: "rules.yaml_malformed", "rules.parse_error", "rules.unknown_reference",
// "rules.invalid_rule" ... each message names the rule and the position.
Result<ModelPtr> LoadModelFromYaml(std::string_view yaml_text, std::string_view source_name = "<yaml>",
                                   const ModelOptions& options = {});
// Loads the compiled JSON object shipped by npm model packages ({rule name: body}).
Result<ModelPtr> LoadModelFromJson(const Json& rules, const ModelOptions& options = {});
// Loads a `.json` compiled model, a `.publicodes`/`.yaml` file, or a folder of
// `.publicodes`/`.yaml` files (merged; duplicate rule names are errors).
Result<ModelPtr> LoadModelFromPath(const std::filesystem::path& path, const ModelOptions& options = {});
// Same, merging several files and/or folders into one model.
Result<ModelPtr> LoadModelFromPaths(const std::vector<std::filesystem::path>& paths,
                                    const ModelOptions& options = {});

// The text of a string value: immutable and shared, so that values (copied at every step of
// an evaluation) copy a pointer, and a number's value carries no string at all.
class ValueString {
 public:
  ValueString() = default;
  ValueString(std::string text)  // NOLINT(google-explicit-constructor): a value's text
      : text_(text.empty() ? nullptr : std::make_shared<const std::string>(std::move(text))) {}
  ValueString(const char* text) : ValueString(std::string(text)) {}  // NOLINT(google-explicit-constructor)
  const std::string& str() const { return text_ ? *text_ : Empty(); }
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  bool empty() const { return text_ == nullptr; }
  size_t size() const { return str().size(); }
  friend bool operator==(const ValueString& a, const ValueString& b) { return a.str() == b.str(); }
  friend bool operator==(const ValueString& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const ValueString& a, const char* b) { return a.str() == b; }

 // The empty text (str() of an empty value), at a fixed address.
  static const std::string& Empty();

 private:
  std::shared_ptr<const std::string> text_;  // null for ""
};

// A Publicodes value.
struct Value {
  enum class Kind { kUndefined, kNull, kNumber, kBoolean, kString };
  Kind kind = Kind::kUndefined;
  bool boolean = false;
  double number = 0;
  ValueString string;  // strings, and dates as "JJ/MM/AAAA"

  bool is_undefined() const { return kind == Kind::kUndefined; }
  bool is_null() const { return kind == Kind::kNull; }
  bool is_number() const { return kind == Kind::kNumber; }
  bool is_boolean() const { return kind == Kind::kBoolean; }
  bool is_string() const { return kind == Kind::kString; }
  // JSON form: number, true/false, string, null; undefined is rendered as the string "undefined".
  Json ToJson() const;
};

struct MissingVariable {
  std::string name;
  double score = 0;
};

// How an explanation as text reads for people: `label` names a rule for them (a question as
// it was asked, a step's title; "" keeps the rule's name), and `lang` ("fr", "en") words the
// values yes / no / not yet known / not applicable and a value given in the situation. Numbers
// and units keep their French form; mechanism names are Publicodes' own.
struct ExplanationStyle {
  std::string lang = "fr";
  std::function<std::string(const std::string& rule)> label;
};

// What an evaluation computes besides the value, unit and explanation.
struct EvaluationOptions {
  // The missing variables with their scores (Evaluation::missing). Without them (false) an
  // evaluation is cheaper (a quarter on modele-social's net salary, a tenth on a
  // nosgestesclimat footprint) and `missing` stays empty: for callers that only read values
  // (amounts, population scans).
  bool missing = true;
};

// Result of one evaluation.
class Evaluation {
 public:
  Value value;
  // Unit in the reference's string form ("€/mois", "%", "" when none).
  std::string unit;
  // Missing variables, ordered like the reference's `Object.keys(missingVariables)`; empty
  // when EvaluationOptions::missing is false.
  std::vector<MissingVariable> missing;

  // Warnings raised during this evaluation (rules tagged experimental it names, unit
  // conversions, cycles...), written when asked (a net salary raises about a dozen).
  std::vector<std::string> warnings() const;

  // Explanation tree: {rule, kind, value, unit, children...} for every evaluated node.
  Json ExplanationJson() const;
  // The same explanation as indented text (French, rules by their names, unless `style` says).
  std::string ExplanationText(const ExplanationStyle& style = {}) const;
  // Value formatted like the reference's formatValue (fr-FR: "1 404,36 €/mois").
  std::string FormattedValue() const;

  std::shared_ptr<const detail::EvalTrace> trace;  // internal
};

// The text of an explanation tree (Evaluation::ExplanationJson), as ExplanationText writes it:
// one tree can be written in several styles without being walked again.
std::string ExplanationTextOf(const Json& explanation, const ExplanationStyle& style = {});

// One situation over a shared model. Not thread-safe.
class Engine {
 public:
  explicit Engine(ModelPtr model);
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // Replaces the situation. Keys are rule names (absolute); values are Publicodes
  // expressions given as JSON strings ("3000 €/mois", "'CDI'", "oui"), JSON numbers,
  // booleans, or mechanism objects ({"non applicable si": "oui"}). Errors
  // ("rules.situation_unknown_rule", "rules.situation_invalid_value") name the rule and,
  // for expressions, the position. Clears the evaluation cache.
  Status SetSituation(const Json& situation);
  Status SetSituation(const std::map<std::string, std::string>& situation);

  // Evaluates a rule name, or any expression evaluated at the model root.
  Result<Evaluation> Evaluate(std::string_view rule_or_expression, const EvaluationOptions& options = {});

  // Warnings of the current situation, in French: values dropped (ModelOptions::strict_situation
  // false), rules tagged `experimental: oui` that it sets or reads (as the reference), and
  // deprecated syntax in its values or in the expressions evaluated on it.
  // Written when asked, like Evaluation::warnings (modele-social's situations set a few such rules).
  std::vector<std::string> warnings() const;

  const Model& model() const { return *model_; }

 private:
  ModelPtr model_;
  std::shared_ptr<detail::EngineCore> core_;
};

// Formats a value with its unit as the reference's formatValue does (fr-FR).
std::string FormatValue(const Value& value, std::string_view unit);

}  // namespace parcours::rules
