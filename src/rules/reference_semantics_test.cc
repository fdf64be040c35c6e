// Behaviours of the reference engine (publicodes 1.10) found by the cross-check on the
// published models (tests/rules-crosscheck), each reduced to a small model. Expected values
// come from the reference engine run on the same rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "collate.h"
#include "parcours/rules/engine.h"

namespace parcours::rules {
namespace {

ModelPtr Load(const std::string& yaml) {
  auto model = LoadModelFromYaml(yaml, "test.publicodes");
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return model.ok() ? *model : nullptr;
}

Evaluation Eval(const ModelPtr& model, const std::string& rule, const Json& situation = Json::object()) {
  Engine engine(model);
  Status s = engine.SetSituation(situation);
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto ev = engine.Evaluate(rule);
  EXPECT_TRUE(ev.ok()) << ev.status().ToString();
  return ev.ok() ? *ev : Evaluation();
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

}  // namespace
}  // namespace parcours::rules
