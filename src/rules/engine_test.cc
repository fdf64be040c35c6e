// Unit tests of the rules engine: parser errors with positions, units, situation
// strictness, explanations, the fold (bad input is in bad_input_test.cc).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include <nlohmann/json.hpp>

#include "expression.h"
#include "fold.h"
#include "parcours/rules/engine.h"
#include "test_models.h"
#include "units.h"

namespace parcours::rules {
namespace {

using test_models::Eval;
using test_models::Load;

TEST(ExpressionParser, BuildsOperationsWithPrecedence) {
  auto tree = ParseExpression("2 + 3 * 4 ** 2");
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ((*tree)["+"][1]["*"][1]["**"][0]["constant"]["nodeValue"], 4);
}

TEST(ExpressionParser, ReadsUnitsDatesStringsAndNames) {
  auto tree = ParseExpression("salaire . brut * 10 €/mois >= 01/02/2020");
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ((*tree)[">="][0]["*"][0]["variable"], "salaire . brut");
  EXPECT_EQ((*tree)[">="][0]["*"][1]["constant"]["rawUnit"], "€/mois");
  EXPECT_EQ((*tree)[">="][1]["constant"]["nodeValue"], "01/02/2020");
  auto str = ParseExpression("contrat = 'CDI'");
  ASSERT_TRUE(str.ok());
  EXPECT_EQ((*str)["="][1]["constant"]["nodeValue"], "CDI");
}

TEST(ExpressionParser, OperatorsNeedSpacesAndErrorsGiveTheColumn) {
  auto bad = ParseExpression("2+2");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().reason(), "rules.parse_error");
  EXPECT_NE(bad.status().message().find("colonne 2"), std::string::npos) << bad.status().message();
  auto unclosed = ParseExpression("(1 + 2");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.status().message().find("colonne 7"), std::string::npos) << unclosed.status().message();
}

TEST(ExpressionParser, RejectsHostileNesting) {
  std::string deep(5000, '(');
  EXPECT_FALSE(ParseExpression(deep + "1").ok());
}

TEST(Units, SerializeConvertAndSimplify) {
  UnitId per_month = *ParseUnit("€/mois");
  UnitId per_year = *ParseUnit("€/an");
  EXPECT_EQ(SerializeUnit(per_month), "€/mois");
  EXPECT_EQ(*ConvertUnit(per_month, per_year, 3000), 36000);
  EXPECT_FALSE(ConvertUnit(per_month, *ParseUnit("kg"), 1).has_value());
  EXPECT_EQ(SerializeUnit(*ParseUnit("m.m")), "m2");
  EXPECT_EQ(SerializeUnit(SimplifyUnit(MultiplyUnits(per_year, *ParseUnit("mois")))), "€");
  EXPECT_FALSE(ParseUnit("€/ mois").ok());
}

TEST(Units, RoundTo16IsPrintfThenStrtod) {
  // The reference's `+value.toFixed(16)`, as printf("%.16f") and strtod compute it.
  auto by_printf = [](double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.16f", v);
    return std::strtod(buf, nullptr);
  };
  std::vector<double> values = {0.069, -0.069, 1.0 / 3, 2.0 / 3, 1e-17, 6e-17, -4.9e-17, 0.5, 0.99999999999999994,
                                0.00000762939453125, 1e-300, 0.1 + 0.2, 12.5, -1234.5678};
  uint64_t state = 42;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double unit = static_cast<double>(state >> 11) / 9007199254740992.0;  // [0, 1)
    values.push_back(i % 2 == 0 ? unit : -unit * std::pow(10.0, -static_cast<int>(state % 20)));
  }
  for (double v : values) EXPECT_EQ(RoundTo16(v), by_printf(v)) << v;
}

TEST(Engine, UnitsFlowThroughRules) {
  auto model = Load(R"(
salaire: 3000 €/mois
annuel:
  valeur: salaire
  unité: k€/an
)");
  Evaluation ev = Eval(model, "annuel");
  EXPECT_DOUBLE_EQ(ev.value.number, 36);
  EXPECT_EQ(ev.unit, "k€/an");
  EXPECT_EQ(ev.FormattedValue(), "36\u00A0k€/an");
}

TEST(Engine, MissingVariablesAreScoredAndOrdered) {
  auto model = Load(R"(
cadre:
salaire:
  unité: €
prime:
  applicable si: cadre
  valeur: salaire * 10%
)");
  Evaluation ev = Eval(model, "prime");
  ASSERT_EQ(ev.missing.size(), 2u);
  EXPECT_EQ(ev.missing[0].name, "cadre");
  EXPECT_EQ(ev.missing[1].name, "salaire");
  EXPECT_GT(ev.missing[0].score, ev.missing[1].score);
  EXPECT_TRUE(ev.value.is_undefined());
}

TEST(Engine, LongMissingListsMergeLikeShortOnes) {
  // Ten questions on each side, six in common: past 64 pairs the merge works by index.
  std::string yaml;
  for (int i = 1; i <= 14; ++i) yaml += "q" + std::to_string(i) + ":\n  unité: €\n";
  yaml += "x:\n  somme:\n";
  for (int i = 1; i <= 10; ++i) yaml += "    - q" + std::to_string(i) + "\n";
  yaml += "y:\n  somme:\n";
  for (int i = 5; i <= 14; ++i) yaml += "    - q" + std::to_string(i) + "\n";
  yaml += "total: x + y\n";
  Evaluation ev = Eval(Load(yaml), "total");
  ASSERT_EQ(ev.missing.size(), 14u);
  for (int i = 1; i <= 14; ++i) {
    EXPECT_EQ(ev.missing[i - 1].name, "q" + std::to_string(i));
    EXPECT_DOUBLE_EQ(ev.missing[i - 1].score, i >= 5 && i <= 10 ? 2 : 1) << i;
  }
}

TEST(Engine, SituationTextsKeepTheirMeaningAcrossEngines) {
  // Constants are parsed once per model; references are still resolved where they are set.
  auto model = Load(R"(
a:
  unité: €/mois
b: a * 2
p:
p . q: 1
p . v:
r:
r . q: 2
r . v:
)");
  for (int round = 0; round < 2; ++round) {
    Engine engine(model);
    ASSERT_TRUE(engine.SetSituation(Json{{"a", "100 €/mois"}, {"p . v", "q"}, {"r . v", "q"}}).ok());
    auto b = engine.Evaluate("b");
    ASSERT_TRUE(b.ok());
    EXPECT_DOUBLE_EQ(b->value.number, 200);
    EXPECT_EQ(b->unit, "€/mois");
    EXPECT_DOUBLE_EQ(engine.Evaluate("p . v")->value.number, 1);
    EXPECT_DOUBLE_EQ(engine.Evaluate("r . v")->value.number, 2);
  }
  Engine other(model);
  ASSERT_TRUE(other.SetSituation(Json{{"a", "100 €/an"}}).ok());
  EXPECT_EQ(other.Evaluate("b")->unit, "€/mois");
  EXPECT_NEAR(other.Evaluate("b")->value.number, 200.0 / 12, 1e-9);
  // Numbers written with the same unit (or none) share the parse of what follows them; a
  // text that only starts with a number keeps its own meaning.
  const std::vector<std::pair<std::string, double>> texts = {
      {"2512.5 €/mois", 5025}, {"7 €/mois", 14}, {"12", 24}, {"0.25", 0.5}, {"3 * 4 €/mois", 24}, {"5 €/mois + 1 €/mois", 12}};
  for (int round = 0; round < 2; ++round) {
    for (const auto& [text, doubled] : texts) {
      Engine engine(model);
      ASSERT_TRUE(engine.SetSituation(Json{{"a", text}}).ok()) << text;
      auto b = engine.Evaluate("b");
      ASSERT_TRUE(b.ok()) << text;
      EXPECT_DOUBLE_EQ(b->value.number, doubled) << text;
      EXPECT_EQ(b->unit, "€/mois") << text;
    }
  }
}

TEST(Engine, SituationIsStrict) {
  auto model = Load("a:\n  unité: €\nb: a * 2\n'[privé] c': 3\n");
  Engine engine(model);
  Status unknown = engine.SetSituation(Json{{"inconnue", 1}});
  EXPECT_EQ(unknown.reason(), "rules.situation_unknown_rule");
  ASSERT_FALSE(unknown.field_errors().empty());
  EXPECT_EQ(unknown.field_errors()[0].field, "inconnue");
  Status bad = engine.SetSituation(Json{{"a", "3 +"}});
  EXPECT_EQ(bad.reason(), "rules.situation_invalid_value");
  EXPECT_NE(bad.message().find("colonne"), std::string::npos) << bad.message();
  EXPECT_EQ(engine.SetSituation(Json{{"c", 1}}).reason(), "rules.situation_private_rule");
  ASSERT_TRUE(engine.SetSituation(Json{{"a", "21 €"}}).ok());
  auto ev = engine.Evaluate("b");
  ASSERT_TRUE(ev.ok());
  EXPECT_DOUBLE_EQ(ev->value.number, 42);
}

TEST(Engine, RejectsValuesOutsidePossibilities) {
  auto model = Load("contrat:\n  une possibilité:\n    - \"'CDI'\"\n    - \"'CDD'\"\n");
  Engine engine(model);
  EXPECT_TRUE(engine.SetSituation(Json{{"contrat", "'CDI'"}}).ok());
  EXPECT_EQ(engine.SetSituation(Json{{"contrat", "'stage'"}}).reason(), "rules.situation_invalid_value");
}

TEST(Engine, ExplanationNamesRulesAndBranches) {
  auto model = Load(R"(
revenu:
  unité: €
aide:
  variations:
    - si: revenu < 1000 €
      alors: 200 €
    - sinon: 50 €
)");
  Evaluation ev = Eval(model, "aide", Json{{"revenu", 800}});
  EXPECT_DOUBLE_EQ(ev.value.number, 200);
  Json j = ev.ExplanationJson();
  EXPECT_EQ(j["règle"], "aide");
  std::string text = ev.ExplanationText();
  EXPECT_NE(text.find("« aide » : 200\u00A0€"), std::string::npos) << text;
  EXPECT_NE(text.find("« revenu » : 800\u00A0€ (valeur donnée dans la situation)"), std::string::npos) << text;
  EXPECT_NE(text.find("variations"), std::string::npos) << text;
  // The plumbing of situation values stays out of the text (it is in the JSON).
  EXPECT_EQ(text.find("$SITUATION"), std::string::npos) << text;
  EXPECT_EQ(text.find("dans la situation :"), std::string::npos) << text;
  EXPECT_EQ(text.find("est non défini"), std::string::npos) << text;
  EXPECT_EQ(text.find("constante"), std::string::npos) << text;
  // In the JSON, the situation's value explains the rule that reads it.
  std::function<const Json*(const Json&)> find = [&](const Json& node) -> const Json* {
    if (node.is_object() && node.value("règle", "") == "revenu") return &node;
    if (node.is_object() || node.is_array()) {
      for (const auto& child : node) {
        if (const Json* found = find(child)) return found;
      }
    }
    return nullptr;
  };
  const Json* revenu = find(j);
  ASSERT_NE(revenu, nullptr) << j.dump();
  EXPECT_EQ((*revenu)["source"], "situation") << revenu->dump();
  EXPECT_EQ((*revenu)["explication"]["mécanisme"], "constante") << revenu->dump();
  EXPECT_EQ((*revenu)["explication"]["valeur"], 800) << revenu->dump();
  EXPECT_EQ((*revenu)["explication"]["texte"], "800") << revenu->dump();  // the unit is the rule's
}

// For people: rules by the labels the caller gives, values worded in the page's language.
TEST(Engine, ExplanationTextTakesLabelsAndALanguage) {
  auto model = Load("allocataire:\n  question: Êtes-vous allocataire ?\nlocataire:\n  question: Locataire ?\n"
                    "aide:\n  applicable si: allocataire\n  valeur: 100 €\n"
                    "loyer:\n  applicable si: locataire\n  valeur: 10 €\n");
  ExplanationStyle en;
  en.lang = "en";
  en.label = [](const std::string& rule) { return rule == "allocataire" ? std::string("Do you get benefits?") : ""; };
  const std::string unknown = Eval(model, "aide").ExplanationText(en);
  EXPECT_NE(unknown.find("“Do you get benefits?”: not yet known"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("“aide”: not yet known"), std::string::npos) << unknown;  // no label: its name
  const std::string no = Eval(model, "aide", Json{{"allocataire", "non"}}).ExplanationText(en);
  EXPECT_NE(no.find("“Do you get benefits?”: no (given in the situation)"), std::string::npos) << no;
  EXPECT_NE(no.find("“aide”: not applicable"), std::string::npos) << no;
  const std::string yes = Eval(model, "loyer", Json{{"locataire", "oui"}}).ExplanationText(en);
  EXPECT_NE(yes.find("“locataire”: yes"), std::string::npos) << yes;
  // French, with a label.
  ExplanationStyle fr;
  fr.label = en.label;
  const std::string french = Eval(model, "aide").ExplanationText(fr);
  EXPECT_NE(french.find("« Do you get benefits? » : Pas encore défini"), std::string::npos) << french;

  // Durations as people say them (the engine's own text keeps Publicodes' "58 an").
  auto ages = Load("âge: 58 an\nan: 1 an\nloyer: 6000 €/an\nduree: 3 mois\n");
  EXPECT_NE(Eval(ages, "âge").ExplanationText(fr).find("« âge » : 58\u00A0ans"), std::string::npos);
  EXPECT_NE(Eval(ages, "an").ExplanationText(fr).find("« an » : 1\u00A0an\n"), std::string::npos);
  EXPECT_NE(Eval(ages, "âge").ExplanationText(en).find("“âge”: 58\u00A0years"), std::string::npos);
  EXPECT_NE(Eval(ages, "an").ExplanationText(en).find("“an”: 1\u00A0year\n"), std::string::npos);
  const std::string rent = Eval(ages, "loyer").ExplanationText(en);
  EXPECT_NE(rent.find("€/year"), std::string::npos) << rent;
  EXPECT_NE(Eval(ages, "loyer").ExplanationText(fr).find("€/an"), std::string::npos);
  EXPECT_NE(Eval(ages, "duree").ExplanationText(en).find("3\u00A0months"), std::string::npos);
  EXPECT_EQ(Eval(ages, "âge").FormattedValue(), "58\u00A0an");
}

TEST(Engine, ExplanationTextShowsAnUnansweredInputOnce) {
  auto model = Load("allocataire:\n  question: Êtes-vous allocataire ?\naide:\n  applicable si: allocataire\n  valeur: 100 €\n");
  Evaluation ev = Eval(model, "aide");
  const std::string text = ev.ExplanationText();
  EXPECT_NE(text.find("« allocataire » : Pas encore défini"), std::string::npos) << text;
  EXPECT_EQ(text.find("« allocataire »", text.find("« allocataire »") + 1), std::string::npos) << text;
  EXPECT_EQ(text.find("$SITUATION"), std::string::npos) << text;
}

TEST(Engine, ConditionsAddTheirBonusToEveryScore) {
  // Scores as the reference gives them (publicodes 1.10, empty situation):
  // a -> {b: 2, c: 1, e: 2, f: 1, d: 1}; g -> {b: 6, c: 3, e: 4, f: 2, d: 2}.
  auto model = Load(R"(
a:
  variations:
    - si: b
      alors: c
    - si: e
      alors: f
    - sinon: d
b:
  question: b ?
c:
  unité: €
d:
  unité: €
e:
  question: e ?
f:
  unité: €
g:
  condition:
    si: b
    alors: a + c
    sinon: a * 2
)");
  const std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> expected = {
      {"a", {{"b", 2}, {"c", 1}, {"e", 2}, {"f", 1}, {"d", 1}}},
      {"g", {{"b", 6}, {"c", 3}, {"e", 4}, {"f", 2}, {"d", 2}}},
  };
  for (const auto& [rule, missing] : expected) {
    Evaluation ev = Eval(model, rule);
    ASSERT_EQ(ev.missing.size(), missing.size()) << rule;
    for (size_t i = 0; i < missing.size(); ++i) {
      EXPECT_EQ(ev.missing[i].name, missing[i].first) << rule;
      EXPECT_DOUBLE_EQ(ev.missing[i].score, missing[i].second) << rule << " " << missing[i].first;
    }
  }
}

TEST(Engine, TexteFormatsNumbersInFrench) {
  auto model = Load("montant: 1404.36 €/mois\nphrase:\n  texte: Vous recevrez {{ montant }}.\n");
  Value value = Eval(model, "phrase").value;
  // The evaluator's texts live with the engine and the model; the value handed out has its own.
  model.reset();
  EXPECT_EQ(value.string, "Vous recevrez 1\u202F404,36\u00A0€/mois.");
}

TEST(Engine, ExpressionsAndJsonModels) {
  auto model = LoadModelFromJson(Json{{"a", "2"}, {"a . b", "a * 3"}});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  Engine engine(*model);
  auto ev = engine.Evaluate("a . b + 1");
  ASSERT_TRUE(ev.ok());
  EXPECT_DOUBLE_EQ(ev->value.number, 7);
  EXPECT_FALSE(engine.Evaluate("a . inconnue").ok());
}

// Rules that reach no answered question are folded once per model; every engine must get
// the same values, units, missing variables, warnings and explanations as without folding.
// Evaluates `rules` in each situation with and without the model's fold cache, twice (the
// second round reads the folded results), and expects the same values, units, missing
// variables, warnings and explanations.
void ExpectFoldedEqualsDirect(const std::string& yaml, const std::vector<Json>& situations,
                              const std::vector<std::string>& rules) {
  ModelOptions direct;
  direct.fold_situation_independent = false;
  auto folded_model = LoadModelFromYaml(yaml, "fold.publicodes");
  auto direct_model = LoadModelFromYaml(yaml, "fold.publicodes", direct);
  ASSERT_TRUE(folded_model.ok()) << folded_model.status().ToString();
  ASSERT_TRUE(direct_model.ok());
  for (int round = 0; round < 2; ++round) {
    for (const Json& situation : situations) {
      for (const std::string& rule : rules) {
        Engine a(*folded_model), b(*direct_model);
        ASSERT_TRUE(a.SetSituation(situation).ok());
        ASSERT_TRUE(b.SetSituation(situation).ok());
        auto x = a.Evaluate(rule);
        auto y = b.Evaluate(rule);
        ASSERT_TRUE(x.ok() && y.ok()) << rule;
        const std::string where = rule + " in " + situation.dump();
        test_models::ExpectSameEvaluation(*x, *y, where);
        EXPECT_EQ(x->ExplanationText(), y->ExplanationText()) << where;
      }
    }
  }
}

TEST(Engine, FoldedEvaluationsEqualDirectOnes) {
  ExpectFoldedEqualsDirect(
      "plafond: 3000 €/mois\n"
      "taux: 10%\n"
      "salaire:\n  question: Salaire ?\n  unité: €/mois\n"
      "contrat:\n  une possibilité:\n    - \"'CDI'\"\n    - \"'CDD'\"\n  par défaut: \"'CDI'\"\n"
      "cotisation:\n  produit:\n    - valeur: salaire\n      plafond: plafond\n    - taux\n"
      "prime:\n  applicable si: contrat = 'CDD'\n  valeur: salaire * 10%\n"
      "forfait: 1 kg + 2 €\n"
      "net: salaire - cotisation + prime\n",
      {Json::object(), Json{{"salaire", "2000 €/mois"}}, Json{{"salaire", "4000 €/mois"}, {"contrat", "'CDD'"}},
       Json{{"plafond", "1000 €/mois"}, {"salaire", "2000 €/mois"}}, Json{{"taux", "20%"}}},
      {"net", "cotisation", "prime", "plafond", "forfait", "plafond * 2"});
}

// As in the reference, "est applicable" of a rule already evaluated answers from its value: a
// folded result depends on no such answer of the model's state, and an engine that reads one
// answers later as if it had evaluated what the result's evaluation evaluates (its cone).
TEST(Engine, FoldedResultsDoNotDependOnEvaluationHistory) {
  // Another engine had the model evaluate r before `a . x` asks whether it is applicable.
  ExpectFoldedEqualsDirect(
      "q:\n  question: Q ?\nc: 23\nr:\n  non applicable si: c > 100\n  valeur: q\n"
      "a:\n  est applicable: r\na . x: 30\n",
      {Json::object()}, {"r", "a . x"});
  // Checking the folded parent `a` evaluates p, whose applicability `a . x` asks next.
  ExpectFoldedEqualsDirect("p:\n  question: P ?\na: p\na . x:\n  applicable si:\n    est applicable: p\n  valeur: 42\n",
                           {Json::object(), Json{{"p", "3"}}}, {"a . x", "a"});
}

// Contexte and inversion evaluate in forks of the engine's state, which read the folded
// results of what reaches none of the slots they set.
TEST(Engine, ForksFoldLikeTheirEngine) {
  ExpectFoldedEqualsDirect(
      "plafond: 3000 €/mois\n"
      "taux: 10%\n"
      "salaire:\n  unité: €/mois\n  inversion numérique:\n    - net\n"
      "cotisation:\n  produit:\n    - valeur: salaire\n      plafond: plafond\n    - taux\n"
      "net:\n  unité: €/mois\n  valeur: salaire - cotisation\n"
      "net au plafond:\n  valeur: net\n  contexte:\n    salaire: plafond\n"
      "cotisation à taux double:\n  valeur: cotisation\n  contexte:\n    taux: taux * 2\n",
      {Json::object(), Json{{"salaire", "2000 €/mois"}}, Json{{"net", "1800 €/mois"}},
       Json{{"net", "3500 €/mois"}, {"plafond", "2000 €/mois"}}, Json{{"taux", "20%"}, {"salaire", "100 €/mois"}}},
      {"net", "salaire", "net au plafond", "cotisation à taux double", "cotisation"});
}

// Inside a rule evaluated afresh (it reaches an answered question, or sits on a cycle), the
// parts that read only folded rules and constants are folded too: the same results, and the
// explanation still shows what they are made of.
TEST(Engine, SubtreesOverFoldedRulesFoldInsideRulesEvaluatedAfresh) {
  const std::string yaml =
      "plafond: 3000 €/mois\n"
      "taux: 10%\n"
      "seuil: plafond * 2\n"
      "salaire:\n  question: Salaire ?\n  unité: €/mois\n"
      "inconnu:\n  question: Inconnu ?\n  unité: €/mois\n"
      "cotisation: salaire * taux + plafond * 1%\n"
      "bonus:\n  variations:\n    - si: plafond > 2000 €/mois\n      alors: salaire * 5%\n"
      "    - sinon: 0 €/mois\n"
      "tranche:\n  barème:\n    assiette: salaire\n    tranches:\n      - taux: 0%\n        plafond: seuil\n"
      "      - taux: 5%\n"
      "charges:\n  somme:\n    - fixes\n    - variables\n"
      "charges . fixes: plafond * 5% + inconnu\n"
      "charges . variables:\n  applicable si: charges > 0 €/mois\n  valeur: salaire * 2% + seuil / 100\n"
      "total: cotisation + bonus + tranche + charges\n";
  ExpectFoldedEqualsDirect(yaml,
                           {Json::object(), Json{{"salaire", "2000 €/mois"}}, Json{{"salaire", "9000 €/mois"}},
                            Json{{"plafond", "1000 €/mois"}, {"salaire", "2000 €/mois"}},
                            Json{{"inconnu", "10 €/mois"}, {"salaire", "2000 €/mois"}}},
                           {"total", "cotisation", "bonus", "tranche", "charges", "charges . variables"});
  // And it did fold nodes: constants and expressions such as `plafond * 1%`.
  auto model = LoadModelFromYaml(yaml, "fold.publicodes");
  ASSERT_TRUE(model.ok());
  Engine engine(*model);
  ASSERT_TRUE(engine.SetSituation(Json{{"salaire", "2000 €/mois"}}).ok());
  ASSERT_TRUE(engine.Evaluate("total").ok());
  const detail::CompiledModel& compiled = (*model)->compiled();
  int folded = 0, operations = 0;
  for (int id = 0; id < static_cast<int>(compiled.core.nodes.size()); ++id) {
    if (compiled.Fold().PublishedNode(id) == nullptr) continue;
    ++folded;
    if (compiled.core.nodes[id].kind == detail::NodeKind::kOperation) ++operations;
  }
  EXPECT_GT(folded, 0);
  EXPECT_GT(operations, 0);
}

std::vector<std::pair<std::string, double>> MissingOf(const Evaluation& e) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& m : e.missing) out.emplace_back(m.name, m.score);
  return out;
}

// Values only (EvaluationOptions::missing = false) give the values and units of full
// evaluations, also where an inversion's goal is given by expressions reading rules with a
// default: whether a goal is its own missing variable decides which one an inversion takes, and
// where that is not known (two lists merged) the evaluation starts again with missing variables.
// Asked for them afterwards, the same engine lists the missing variables of a fresh one.
TEST(Engine, ValuesOnlyEvaluationsGiveTheValuesOfFullOnes) {
  auto model = Load(
      "prime:\n  par défaut: 100 €/mois\n"
      "prime . part:\n  par défaut: 10 €/mois\n"
      "bonus:\n  question: Bonus ?\n  unité: €/mois\n"
      "salaire:\n  unité: €/mois\n  inversion numérique:\n    - net\n"
      "net:\n  unité: €/mois\n  valeur: salaire * 80% - bonus\n"
      "total:\n  somme:\n    - salaire\n    - prime\n    - bonus\n");
  size_t listed = 0;
  for (const Json& situation : {Json::object(), Json{{"net", "800 €/mois"}}, Json{{"net", "prime * 8"}},
                                Json{{"net", "prime * 8 + prime . part"}, {"bonus", "10 €/mois"}},
                                Json{{"salaire", "1000 €/mois"}, {"bonus", "5 €/mois"}}}) {
    for (const char* rule : {"total", "salaire", "net", "prime"}) {
      const Evaluation want = Eval(model, rule, situation);
      listed += want.missing.size();
      Engine engine(model);
      ASSERT_TRUE(engine.SetSituation(situation).ok());
      auto values = engine.Evaluate(rule, {.missing = false});
      ASSERT_TRUE(values.ok()) << values.status().ToString();
      EXPECT_EQ(values->value.ToJson(), want.value.ToJson()) << rule << " " << situation.dump();
      EXPECT_EQ(values->unit, want.unit) << rule << " " << situation.dump();
      EXPECT_TRUE(values->missing.empty());
      auto full = engine.Evaluate(rule);
      ASSERT_TRUE(full.ok()) << full.status().ToString();
      EXPECT_EQ(MissingOf(*full), MissingOf(want)) << rule << " " << situation.dump();
    }
  }
  EXPECT_GT(listed, 0u);
}

}  // namespace
}  // namespace parcours::rules
