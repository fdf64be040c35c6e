// Behaviours of the reference engine (publicodes 1.10) found by the cross-check on the
// published models (tests/rules-crosscheck), each reduced to a small model. Expected values
// come from the reference engine run on the same rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "collate.h"
#include "parcours/rules/engine.h"
#include "test_models.h"

namespace parcours::rules {
namespace {

using test_models::Eval;
using test_models::Load;

TEST(ReferenceSemantics, MissingListsReachedTwiceAddUpTheirScores) {
  // `x`'s list is merged four times on the way to `z`, twice under a condition's bonus.
  // Expected scores and order from publicodes 1.10.
  auto model = Load(R"(
a:
  unité: €
b:
  unité: €
c:
x: a + b
y:
  valeur:
    condition:
      si: c
      alors: x
      sinon: x * 2
z: x + y + x + b
)");
  auto missing = [&](const Json& situation) {
    std::vector<std::pair<std::string, double>> out;
    for (const auto& m : Eval(model, "z", situation).missing) out.emplace_back(m.name, m.score);
    return out;
  };
  using List = std::vector<std::pair<std::string, double>>;
  EXPECT_EQ(missing(Json::object()), (List{{"a", 4}, {"b", 5}, {"c", 2}}));
  EXPECT_EQ(missing({{"c", "oui"}}), (List{{"a", 3}, {"b", 4}}));
  EXPECT_EQ(missing({{"a", "1 €"}}), (List{{"b", 5}, {"c", 2}}));
}

TEST(LocaleCompare, FollowsTheIcuRootOrder) {
  using detail::LocaleCompare;
  EXPECT_LT(LocaleCompare("cotisations", "PL"), 0);  // case is only a tertiary difference
  EXPECT_GT(LocaleCompare("PL", "cotisations"), 0);
  EXPECT_LT(LocaleCompare("a", "A"), 0);
  EXPECT_LT(LocaleCompare("cote", "coté"), 0);
  EXPECT_LT(LocaleCompare("coté", "côte"), 0);  // accents compare left to right
  EXPECT_LT(LocaleCompare("côte", "côté"), 0);
  EXPECT_LT(LocaleCompare("été", "f"), 0);
  EXPECT_LT(LocaleCompare("a b", "a-b"), 0);  // space < hyphen < dot < apostrophe < digits < letters
  EXPECT_LT(LocaleCompare("a-b", "a.b"), 0);
  EXPECT_LT(LocaleCompare("a.b", "a'b"), 0);
  EXPECT_LT(LocaleCompare("a'b", "a1"), 0);
  EXPECT_LT(LocaleCompare("a1", "ab"), 0);
  EXPECT_LT(LocaleCompare("coeur", "cœur"), 0);
  EXPECT_LT(LocaleCompare("cœur", "coeurs"), 0);
  EXPECT_EQ(LocaleCompare("même", "même"), 0);
}

// replace.ts sorts replacements of equal priority by `b.dottedName.localeCompare(a.dottedName)`.
TEST(ReferenceSemantics, ReplacementsOfEqualPriorityFollowTheLocaleOrder) {
  auto model = Load(R"(
cotisations:
cotisations . maladie: 10
cotisations . maladie étranger:
  remplace: maladie
  valeur: 20
PL:
PL . maladie:
  remplace: cotisations . maladie
  valeur: 30
total: cotisations . maladie
)");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(Eval(model, "total").value.number, 30);
}

// contexte.ts sorts the keys with localeCompare; the order decides which sub-situation is shared.
TEST(ReferenceSemantics, ContexteKeysAreSortedInLocaleOrder) {
  auto model = Load(R"(
x: 0
y: 0
Z: 0
ctx:
  valeur: x + y
  contexte:
    y: 2
    Z: 3
    x: 1
)");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(Eval(model, "ctx").value.number, 3);
}

// The parents of a rule are references like any other (rule.ts): every replacement of a
// parent applies to them, not only `rend non applicable`.
TEST(ReferenceSemantics, ReplacementsApplyToParentLinks) {
  auto model = Load(R"(
mode: "'IS'"
IS: mode = 'IS'
IS . prorata: 5
spécial:
  question: Régime spécial ?
  par défaut: non
régime spécial:
  applicable si: spécial
  valeur: oui
  avec:
    IS remplacé:
      remplace: IS
      valeur: non
)");
  ASSERT_NE(model, nullptr);
  Evaluation by_default = Eval(model, "IS . prorata");
  EXPECT_EQ(by_default.value.number, 5);
  ASSERT_EQ(by_default.missing.size(), 1u);
  EXPECT_EQ(by_default.missing[0].name, "spécial");
  // The replaced parent is `non`: the branch is disabled.
  Evaluation disabled = Eval(model, "IS . prorata", {{"spécial", "oui"}});
  EXPECT_TRUE(disabled.value.is_null());
  EXPECT_TRUE(disabled.missing.empty());
}

// `x`'s cycle met when `smic` is evaluated: each evaluation of the replacement `4.5 * smic` warns.
constexpr const char* kSmicThroughACycle =
    "x: y\n"
    "y: x\n"
    "smic:\n  valeur: 10\n  plancher: x\n"
    "brut: 100\n";

// A contexte's sub-state gets the replacement as the situation value, not as a result of the
// replacement node: evaluating the same contexte inside it evaluates the replacement afresh, so
// `x`'s cycle is met twice, as the reference (publicodes 1.10: value 200, two warnings).
TEST(ReferenceSemantics, ContexteSubStatesEvaluateTheirReplacementAfresh) {
  auto model = Load(std::string(kSmicThroughACycle) +
                    "montant:\n  valeur: brut * 2\n  plafond:\n    valeur: montant\n    contexte:\n      brut: 4.5 * smic\n");
  Evaluation ev = Eval(model, "montant");
  EXPECT_DOUBLE_EQ(ev.value.number, 200);
  EXPECT_EQ(ev.warnings().size(), 2u);
}

// A contexte's value is a result only in its own sub-state: a contexte nested in it starts
// from an empty cache and evaluates the outer replacement afresh, as the reference, whose
// sub-engine resets its cache. There `smic` meets `x`'s cycle inside `brut`, so the replacement
// is undefined and `brut` keeps its own value (publicodes 1.10: value 100, two warnings).
TEST(ReferenceSemantics, NestedContextesEvaluateTheOuterReplacementAfresh) {
  auto model = Load(std::string(kSmicThroughACycle) +
                    "autre: 0\n"
                    "inner:\n  valeur: brut\n  contexte:\n    autre: 1\n"
                    "montant:\n  valeur: inner\n  contexte:\n    brut: 4.5 * smic\n");
  Evaluation ev = Eval(model, "montant");
  EXPECT_DOUBLE_EQ(ev.value.number, 100);
  EXPECT_EQ(ev.warnings().size(), 2u);
}

// Rules tagged `experimental: oui` (or under such a parent) are warned about when a situation sets
// them (the rule, then each parent of its situation slot that is experimental) or reads them,
// and when an evaluation names them; an evaluation given again from the cache warns no more.
// The counts and their order are the reference's (publicodes 1.10).
TEST(ReferenceSemantics, RulesTaggedExperimentalAreWarnedAbout) {
  auto model = Load(
      "a:\n  experimental: oui\n"
      "a . b: 1\n"
      "a . b2: 4\n"
      "f:\n  experimental: oui\n  valeur: 2\n"
      "c: 2\n"
      "d: a . b + c\n");
  auto names = [](const std::vector<std::string>& warnings) {
    std::vector<std::string> out;
    for (const auto& w : warnings) {
      EXPECT_NE(w.find("expérimentale"), std::string::npos) << w;
      out.push_back(w.substr(0, w.find(" » ")));
    }
    return out;
  };
  using V = std::vector<std::string>;
  Engine engine(model);
  ASSERT_TRUE(engine.SetSituation(Json{{"a . b", "f + a . b2"}, {"c", 3}}).ok());
  EXPECT_EQ(names(engine.warnings()), (V{"Règle « a . b", "Règle « a . b", "Règle « a", "Règle « f", "Règle « a . b2"}));
  auto d = engine.Evaluate("d");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->warnings().empty());
  auto b = engine.Evaluate("a . b + 1");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(names(b->warnings()), (V{"Règle « a . b"}));
  auto again = engine.Evaluate("a . b + 1");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->warnings().empty());
  auto a = engine.Evaluate("a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(names(a->warnings()), (V{"Règle « a"}));
  Engine plain(model);
  ASSERT_TRUE(plain.SetSituation(Json{{"c", "d * 2"}}).ok());
  EXPECT_TRUE(plain.warnings().empty());  // `d` reads `a . b`, but is not experimental itself
}

// A value outside `une possibilité` is an error when situations are strict or values checked;
// otherwise it is dropped with a warning, as the reference's default (strict.checkPossibleValues
// false): the rule evaluates as if the situation did not set it.
TEST(ReferenceSemantics, ValuesOutsideThePossibilitiesAreDroppedWhenNotStrict) {
  const std::string yaml = "contrat:\n  une possibilité:\n    - \"'CDI'\"\n    - \"'CDD'\"\n  par défaut: \"'CDI'\"\n";
  ModelOptions lenient;
  lenient.strict_situation = false;
  auto model = LoadModelFromYaml(yaml, "test.publicodes", lenient);
  ASSERT_TRUE(model.ok());
  Engine engine(*model);
  ASSERT_TRUE(engine.SetSituation(Json{{"contrat", "'stage'"}}).ok());
  ASSERT_EQ(engine.warnings().size(), 1u);
  EXPECT_NE(engine.warnings()[0].find("ne fait pas partie des possibilités"), std::string::npos);
  auto ev = engine.Evaluate("contrat");
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->value.string.str(), "CDI");

  ModelOptions checked = lenient;
  checked.check_possible_values = true;
  auto strict_model = LoadModelFromYaml(yaml, "test.publicodes", checked);
  ASSERT_TRUE(strict_model.ok());
  Engine strict(*strict_model);
  EXPECT_EQ(strict.SetSituation(Json{{"contrat", "'stage'"}}).reason(), "rules.situation_invalid_value");
}

// The reference types only the nodes its inference reaches (not the operands of `+`, nor what
// lies below `est non applicable`...): "est non applicable" of an untyped node evaluates it and
// lists its missing variables, where a typed, non-nullable one answers `false` at once. Here
// `moyenne` counts its applicable items through `est applicable` of each, so `a`'s list is read
// six times instead of two (publicodes 1.10: 10, and 13 with the condition's around it).
TEST(ReferenceSemantics, NodesTheReferenceLeavesUntypedAreEvaluatedForApplicability) {
  auto model = Load(R"(
amortissement:
  variations:
    - si: réalisés
      alors: 75
    - sinon: 50
réalisés:
  une de ces conditions:
    - a
    - b
a:
  question: A ?
  par défaut: oui
b:
  question: B ?
  par défaut: non
appart: 740
maison: 640
moy:
  moyenne:
    - maison / amortissement
    - appart / amortissement
base:
  variations:
    - si: 45 < amortissement
      alors: moy
    - sinon: 0
applicabilité:
  est non applicable: maison / amortissement
)");
  ASSERT_NE(model, nullptr);
  for (const auto& [rule, score] : {std::pair{"moy", 10.0}, {"base", 13.0}, {"applicabilité", 2.0}}) {
    Evaluation ev = Eval(model, rule);
    ASSERT_EQ(ev.missing.size(), 1u) << rule;
    EXPECT_EQ(ev.missing[0].name, "a") << rule;
    EXPECT_EQ(ev.missing[0].score, score) << rule;
  }
  EXPECT_DOUBLE_EQ(Eval(model, "moy").value.number, 9.2);
}

// A contexte's result does not list the rules it sets among its missing variables: `type` is
// missing in `base` (its default is used), not in `base` under `contexte: type: 'moyen'`, even
// though 'moyen' is its default value and the contexte then changes nothing (publicodes 1.10).
TEST(ReferenceSemantics, AContexteDoesNotListTheRulesItSetsAsMissing) {
  auto model = Load(R"(
type:
  question: type ?
  une possibilité:
    choix obligatoire: oui
    possibilités:
      - maison
      - appartement
  par défaut: "'moyen'"
type . maison:
type . appartement:
type . moyen:
base:
  variations:
    - si: type = 'appartement'
      alors: 740
    - si: type = 'maison'
      alors: 640
    - sinon: 700
moyen:
  valeur: base
  contexte:
    type: "'moyen'"
)");
  ASSERT_NE(model, nullptr);
  Evaluation base = Eval(model, "base");
  ASSERT_EQ(base.missing.size(), 1u);
  EXPECT_EQ(base.missing[0].name, "type");
  EXPECT_EQ(base.missing[0].score, 4);
  Evaluation moyen = Eval(model, "moyen");
  EXPECT_DOUBLE_EQ(moyen.value.number, 700);
  EXPECT_TRUE(moyen.missing.empty());
}


// The missing variables of `rule`, as (name, score) in the order given.
std::vector<std::pair<std::string, double>> Missing(const ModelPtr& model, const std::string& rule) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& m : Eval(model, rule).missing) out.emplace_back(m.name, m.score);
  return out;
}
using MissingList = std::vector<std::pair<std::string, double>>;

// The reference inlines replacements by rebuilding the trees of the rules that reference a
// replaced rule, one copy of each node per place: `c`'s `plafond` reads its bound in three places
// and, once rebuilt (because `z` is replaced), each copy is cached apart; on the cycle through
// `c`, the copies read second keep what the inner evaluation cached. Not rebuilt, the places
// share one node. Both figures from publicodes 1.10.
TEST(ReferenceSemantics, RulesRebuiltForReplacementsHaveACopyOfARepeatedArgumentPerPlace) {
  const std::string rules = R"(
q:
  question: Q ?
z: 0
a: c
c:
  valeur:
    somme:
      - valeur: c
        plancher: e * 2
      - 21
  plafond: d + z
d:
  valeur: a
  par défaut: a + 1
e: c
)";
  EXPECT_EQ(Missing(Load(rules), "a"), (MissingList{{"d", 14}, {"e", 29}}));
  EXPECT_EQ(Missing(Load(rules + "r:\n  remplace: z\n  valeur: 0\n"), "a"), (MissingList{{"d", 9}, {"e", 19}}));
}

// `abattement` is `plancher: 0` over `valeur - abattement`, a node of the reference's own body:
// its two places (the test and the result) are two nodes there (publicodes 1.10).
TEST(ReferenceSemantics, AbattementComputesItsDifferenceOncePerPlace) {
  auto model = Load(R"(
y:
  valeur: 0
  abattement: y + 2
)");
  EXPECT_EQ(Missing(model, "y"), (MissingList{{"y", 2}}));
}

// The items of `le maximum de` live in rules of their own (`$INTERNAL valeur`), which the
// reference's replacement pass does not rebuild: a replaced rule read there is not replaced.
TEST(ReferenceSemantics, ReplacementsDoNotReachTheItemsOfLeMaximumDe) {
  auto model = Load(R"(
x: 10
r:
  remplace: x
  valeur: 20
a:
  le maximum de:
    - x
    - 5
b: x
)");
  EXPECT_DOUBLE_EQ(Eval(model, "a").value.number, 10);
  EXPECT_DOUBLE_EQ(Eval(model, "b").value.number, 20);
}

// The reference types rules in the order of its source (insertion order), and round a cycle the
// first rule typed decides the types of the others, through them the parent checks and
// applicability tests evaluated, and the missing variables' scores: the same rules in two orders
// give two results (publicodes 1.10). Objects are key-sorted here, so the order of the source is
// kept beside them.
TEST(ReferenceSemantics, RulesAreTypedInTheOrderOfTheirSource) {
  const std::string cycle = R"(
b: e
d:
  plancher: b * 2
e: b . y
b . y:
  valeur:
    le maximum de:
      - plancher: d * 2
  abattement: b . y + 2
)";
  const std::string a = "a: 1\na . x: e\n";
  EXPECT_EQ(Missing(Load(a + cycle), "e"), (MissingList{{"b", 131}}));
  EXPECT_EQ(Missing(Load(cycle + a), "e"), (MissingList{{"b", 54}}));
}


// "est applicable" of a rule already evaluated reads its value's missing variables, else its
// applicability's: `y` lists `d`'s questions after `d`, none alone (publicodes 1.10, each on a
// fresh engine). The model's fold, shared by the engines, must not keep the first engine's
// answer for the second.
TEST(ReferenceSemantics, FoldedResultsDoNotDependOnWhatWasEvaluatedBefore) {
  auto model = Load(R"(
q:
  question: Q ?
p:
  question: P ?
d:
  produit:
    - p
    - q
y:
  valeur: 1
  non applicable si:
    est applicable: d
)");
  Engine first(model);
  ASSERT_TRUE(first.SetSituation(Json::object()).ok());
  ASSERT_TRUE(first.Evaluate("d").ok());
  auto after_d = first.Evaluate("y");
  ASSERT_TRUE(after_d.ok());
  MissingList listed;
  for (const auto& m : after_d->missing) listed.emplace_back(m.name, m.score);
  EXPECT_EQ(listed, (MissingList{{"q", 2}, {"p", 2}}));
  EXPECT_TRUE(Missing(model, "y").empty());
}

}  // namespace
}  // namespace parcours::rules
