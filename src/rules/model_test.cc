// The compiled model's lookups after compilation: the name table (NameTable) and the hot copies
// of nodes and rules that evaluation reads (Graph::PublishHot).
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "model.h"
#include "parcours/rules/engine.h"

namespace parcours::rules::detail {
namespace {

TEST(NameTable, FindsEveryNameAndNothingElse) {
  RuleIndex index;
  for (int i = 0; i < 5000; ++i) index["contrat . règle " + std::to_string(i)] = i;
  NameTable table;
  table.Build(index);
  for (const auto& [name, id] : index) EXPECT_EQ(table.Find(name), id) << name;
  EXPECT_EQ(table.Find(""), -1);
  EXPECT_EQ(table.Find("contrat . règle 5000"), -1);
  EXPECT_EQ(table.Find("contrat . règle 1 "), -1);
  EXPECT_EQ(table.Find("contrat . règle"), -1);  // a prefix of every name

  NameTable never_built;
  EXPECT_EQ(never_built.Find("contrat"), -1);
  NameTable empty;
  empty.Build({});
  EXPECT_EQ(empty.Find("contrat"), -1);
}

void ExpectHotCopies(const Overlay& o) {
  ASSERT_EQ(o.hot.size(), o.nodes.size());
  for (size_t id = 0; id < o.nodes.size(); ++id) {
    const Node& n = o.nodes[id];
    const HotNode& h = o.hot[id];
    EXPECT_EQ(h.kind, n.kind) << id;
    EXPECT_EQ(h.op, n.op) << id;
    EXPECT_EQ(h.a, n.a) << id;
    EXPECT_EQ(h.b, n.b) << id;
    EXPECT_EQ(h.c, n.c) << id;
    EXPECT_EQ(h.rule, n.rule) << id;
    EXPECT_EQ(h.unit, n.unit) << id;
    EXPECT_EQ(h.type.nullable, o.node_types[id].nullable) << id;
    EXPECT_EQ(h.type.type, o.node_types[id].type) << id;
    ASSERT_EQ(h.kid_count, n.kids.size()) << id;
    for (size_t k = 0; k < n.kids.size(); ++k) EXPECT_EQ(o.hot_kids[h.kids_begin + k], n.kids[k]) << id;
  }
  ASSERT_EQ(o.hot_rules.size(), o.rules.size());
  for (size_t id = 0; id < o.rules.size(); ++id) {
    const Rule& r = o.rules[id];
    const HotRule& h = o.hot_rules[id];
    EXPECT_EQ(h.value, r.value) << r.name;
    EXPECT_EQ(h.check_parent, r.check_parent) << r.name;
    EXPECT_EQ(h.situation_rule, r.situation_rule) << r.name;
    EXPECT_EQ(h.possibilities, r.possibilities) << r.name;
    EXPECT_EQ(h.type.nullable, r.type.nullable) << r.name;
    EXPECT_EQ(h.type.type, r.type.type) << r.name;
    EXPECT_EQ(h.is_situation_slot, r.is_situation_slot) << r.name;
    EXPECT_EQ(h.root_accessible, r.root_accessible) << r.name;
  }
}

TEST(HotCopies, MatchTheNodesAndRulesOnceCompiled) {
  auto model = LoadModelFromYaml(R"(
salaire:
  unité: €/mois
  par défaut: 2000 €/mois
contrat:
  une possibilité:
    - "'CDI'"
    - "'CDD'"
  par défaut: "'CDI'"
prime:
  applicable si: contrat = 'CDD'
  variations:
    - si: salaire > 3000 €/mois
      alors: 10% * salaire
    - sinon: 5% * salaire
  remplace: bonus
bonus: 0 €/mois
total:
  somme:
    - salaire
    - prime
    - bonus
)",
                                 "hot.publicodes");
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const CompiledModel& compiled = (*model)->compiled();
  ExpectHotCopies(compiled.core);
  EXPECT_GE(compiled.FindRule("prime"), 0);
  EXPECT_EQ(compiled.FindRule("prim"), -1);
  EXPECT_TRUE(compiled.core.rule_index.empty());  // the table replaces it

  // A situation's overlay: its known constants, a value compiled afresh, a value that does not
  // compile (dropped with a warning), then an expression; evaluation reads their copies.
  ModelOptions lenient;
  lenient.strict_situation = false;
  auto lenient_model = LoadModelFromYaml("a: 1\nb:\n  valeur: a * 2\n", "lenient.publicodes", lenient);
  ASSERT_TRUE(lenient_model.ok());
  Engine engine(*lenient_model);
  ASSERT_TRUE(engine.SetSituation(nlohmann::json{{"a", "3 + (4"}}).ok());
  auto ev = engine.Evaluate("b + 1");
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ev->value.number, 3);
  Engine known(*model);
  ASSERT_TRUE(known.SetSituation(nlohmann::json{{"contrat", "'CDD'"}, {"salaire", "4000 €/mois"}}).ok());
  auto total = known.Evaluate("total");
  ASSERT_TRUE(total.ok()) << total.status().ToString();
  EXPECT_EQ(total->value.number, 4800);  // `bonus` in the sum reads `prime` too (publicodes 1.10: 4800)
  Engine defaults(*model);
  auto base = defaults.Evaluate("total");
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  EXPECT_EQ(base->value.number, 2000);  // publicodes 1.10: 2000
}

}  // namespace
}  // namespace parcours::rules::detail
