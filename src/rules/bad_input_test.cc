// Bad input to the rules engine: malformed or non-UTF-8 YAML, bad names, unknown references,
// cycles, division by zero, unit mismatches, non-converging resolutions, runaway models. Each
// gives an error naming the rule (or the reference's warning), never a crash or a hang.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "parcours/rules/engine.h"
#include "test_models.h"

namespace parcours::rules {
namespace {

using test_models::Eval;
using test_models::Load;

TEST(BadInput, MalformedYamlGivesLineAndColumn) {
  auto model = LoadModelFromYaml("a: 1\nb: [1, 2\n", "bad.yaml");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().reason(), "rules.yaml_malformed");
  EXPECT_NE(model.status().message().find("ligne"), std::string::npos);
}

TEST(BadInput, TextThatIsNotUtf8GivesLineAndColumn) {
  // A byte found by the fuzzer: inside a mechanism's list, it reached the compiler's JSON output.
  auto model = LoadModelFromYaml("minimum:\n  formule:\n    - 1%\n    - pro\x9F duit\n", "m.publicodes");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().reason(), "rules.yaml_malformed");
  EXPECT_NE(model.status().message().find("m.publicodes (ligne 4, colonne 10)"), std::string::npos)
      << model.status().message();
  EXPECT_NE(model.status().message().find("0x9F"), std::string::npos) << model.status().message();
}

TEST(BadInput, EmptyRuleNamesAreRefused) {
  // The fuzzer found the empty name: its situation slot could not be found (an internal error).
  for (const char* yaml : {"\"\": 1\n", "a: 1\n\"\": a + 1\n", "\" \": 2\n", "a:\n\"a .  \": 3\n",
                           "a:\n  avec:\n    \"\": 1\n", "\"a . \": 1\n"}) {
    auto model = LoadModelFromYaml(yaml, "m.publicodes");
    ASSERT_FALSE(model.ok()) << yaml;
    EXPECT_EQ(model.status().reason(), "rules.invalid_rule_name") << yaml << model.status().message();
  }
  EXPECT_TRUE(LoadModelFromYaml("a:\nb . c: 1\nb:\n", "m.publicodes").ok());
}

TEST(BadInput, DansLaSituationWrittenByHandResolvesItsName) {
  // The reference resolves the name as a reference: 2 here, an unknown name is an error naming it.
  auto model = Load("a:\n  valeur:\n    dans la situation: b\n    valeur: 1\nb: 2\n");
  EXPECT_EQ(Eval(model, "a").value.number, 2);
  auto unknown = LoadModelFromYaml("a:\n  valeur:\n    dans la situation: zz\n    valeur: 1\n", "m.publicodes");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().reason(), "rules.unknown_reference") << unknown.status().message();
}

TEST(BadInput, UnknownReferenceNamesTheRuleAndItsLine) {
  auto model = LoadModelFromYaml("a: 1\nb: a + inexistante\n", "m.publicodes");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().reason(), "rules.unknown_reference");
  EXPECT_NE(model.status().message().find("« b »"), std::string::npos) << model.status().message();
  EXPECT_NE(model.status().message().find("m.publicodes:2"), std::string::npos) << model.status().message();
}

TEST(BadInput, BooleansAndOrphansAreRejected) {
  EXPECT_EQ(LoadModelFromYaml("a: true\n").status().reason(), "rules.invalid_rule");
  EXPECT_EQ(LoadModelFromYaml("a:\n  valeur: true\n").status().reason(), "rules.boolean_value");
  EXPECT_EQ(LoadModelFromYaml("a . b: 1\n").status().reason(), "rules.orphan_rule");
  ModelOptions lax;
  lax.no_orphan_rule = false;
  EXPECT_TRUE(LoadModelFromYaml("a . b: 1\n", "x", lax).ok());
}

TEST(BadInput, CyclesEvaluateWithoutHanging) {
  auto model = Load("a: b + 1\nb: a + 1\n");
  Engine engine(model);
  auto ev = engine.Evaluate("a");
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_TRUE(ev->value.is_undefined());
  ASSERT_FALSE(ev->warnings().empty());
  // Its text, written from the recorded cycle when asked.
  EXPECT_EQ(ev->warnings()[0],
            "Règle « a » : un cycle a été détecté (a → b → a) ; la règle a été considérée comme non définie");
}

// As the reference (publicodes 1.10, checked with it): a cycle met while only rules named under
// the rule check their parent (a boolean parent reading its child, which checks it) is not
// reported; `y` and `z` reading each other is.
TEST(BadInput, CyclesThroughAChildCheckingItsParentAreNotReported) {
  auto model = Load(
      "d: \"'A'\"\n"
      "o:\n  une de ces conditions:\n    - d = 'B'\n    - o . m\n"
      "o . m: d = 'M'\n"
      "t: o . m\n"
      "y: z + 1\n"
      "z: y + 1\n");
  Engine engine(model);
  auto o = engine.Evaluate("o");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(o->value.is_boolean() && !o->value.boolean);
  EXPECT_TRUE(o->warnings().empty());
  auto t = engine.Evaluate("t");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->value.is_null());
  EXPECT_TRUE(t->warnings().empty());
  auto y = engine.Evaluate("y");
  ASSERT_TRUE(y.ok());
  EXPECT_TRUE(y->value.is_undefined());
  EXPECT_EQ(y->warnings().size(), 1u);
}

TEST(BadInput, DivisionByZeroNamesTheRule) {
  auto model = Load("zero: 0\nratio: 10 / zero\n");
  Engine engine(model);
  auto ev = engine.Evaluate("ratio");
  ASSERT_FALSE(ev.ok());
  EXPECT_EQ(ev.status().reason(), "rules.division_by_zero");
  EXPECT_NE(ev.status().message().find("ratio"), std::string::npos) << ev.status().message();
}

TEST(BadInput, UnitMismatchIsAWarningNotAnError) {
  auto model = Load("a: 1 kg + 2 €\n");
  Evaluation ev = Eval(model, "a");
  EXPECT_DOUBLE_EQ(ev.value.number, 3);
  EXPECT_FALSE(ev.warnings().empty());
}

TEST(BadInput, NonConvergingCircularResolutionIsUndefined) {
  auto model = Load("x:\n  résoudre la référence circulaire: oui\n  valeur: x + 10\n");
  Evaluation ev = Eval(model, "x");
  EXPECT_TRUE(ev.value.is_undefined());
  EXPECT_FALSE(ev.warnings().empty());
}

TEST(BadInput, EvaluationBudgetStopsRunawayModels) {
  ModelOptions options;
  options.max_node_evaluations = 50;
  std::string yaml = "r0: 1\n";
  for (int i = 1; i < 100; ++i) yaml += "r" + std::to_string(i) + ": r" + std::to_string(i - 1) + " + 1\n";
  auto model = LoadModelFromYaml(yaml, "chain", options);
  ASSERT_TRUE(model.ok());
  Engine engine(*model);
  auto ev = engine.Evaluate("r99");
  ASSERT_FALSE(ev.ok());
  EXPECT_EQ(ev.status().reason(), "rules.evaluation_budget");
}

// Each `contexte` evaluates in a state of its own, which does not see the rules under way in
// the one that created it: x and y, each read in the other's contexte, fork without end. The
// reference runs out of stack ("Maximum call stack size exceeded"); the depth guard counts across
// those states, so that this is an error naming the rule (the fuzzer found it as a crash).
TEST(BadInput, ContextesReadingEachOtherAreTooDeepNotACrash) {
  auto model = Load("x:\n  valeur: y\n  contexte:\n    a: 1\ny:\n  valeur: z\n  contexte:\n    a: 2\n"
                    "z: a + b\na: 0\nb: x + y\n");
  Engine engine(model);
  for (const char* rule : {"x", "b"}) {
    auto ev = engine.Evaluate(rule);
    ASSERT_FALSE(ev.ok()) << rule;
    EXPECT_EQ(ev.status().reason(), "rules.too_deep") << rule;
    EXPECT_EQ(ev.status().message().rfind("Règle « ", 0), 0u) << ev.status().message();
  }
  EXPECT_DOUBLE_EQ(engine.Evaluate("a")->value.number, 0);  // the engine goes on
}

// The compiler marks the raw values it writes itself with keys beginning with U+0001 (a node
// already parsed, a slot's undefined value). The fuzzer wrote one into a model: read as a marker,
// `"\x01node": 99999` stood for a node that does not exist (a segfault, from a model or from a
// situation). Such keys are refused, naming the rule or the situation's entry.
TEST(BadInput, ReservedKeysAreRefusedNotReadAsNodes) {
  for (const char* yaml : {"a:\n  valeur:\n    \"\\x01node\": 99999\n", "a:\n  \"\\x01slot\": [1]\n",
                           "a:\n  somme:\n    - 1\n    - \"\\x01na\": oui\n", "a:\n  avec:\n    \"\\x01b\": 1\n"}) {
    auto model = LoadModelFromYaml(yaml, "m.publicodes");
    ASSERT_FALSE(model.ok()) << yaml;
    EXPECT_EQ(model.status().reason(), "rules.reserved_key") << yaml;
    EXPECT_EQ(model.status().message().rfind("Règle « a » : la clé", 0), 0u) << model.status().message();
  }
  auto json = LoadModelFromJson(Json::parse(R"({"a": {"valeur": {"\u0001node": 7}}})"));
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().reason(), "rules.reserved_key");

  auto model = Load("a: x + 1\nx:\n  question: Combien ?\n");
  Engine engine(model);
  const Status set = engine.SetSituation(Json::parse(R"({"x": {"valeur": {"\u0001node": 99999}}})"));
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.reason(), "rules.situation_invalid_value");
  EXPECT_NE(set.message().find("« x »"), std::string::npos) << set.message();
  EXPECT_NE(set.message().find("U+0001"), std::string::npos) << set.message();
  ASSERT_TRUE(engine.SetSituation(Json::parse(R"({"x": {"valeur": {"+": [1, 2]}}})")).ok());
  EXPECT_DOUBLE_EQ(engine.Evaluate("a")->value.number, 4);
}

}  // namespace
}  // namespace parcours::rules
