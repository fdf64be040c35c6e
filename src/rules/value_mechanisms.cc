// Value mechanisms (one key objects): operations, lists, conditions, tranches, durée,
// texte, inversion... expanded like the reference's parse functions.
#include "compiler.h"

namespace parcours::rules::detail {
namespace {

RawNode NodeRef(int id) { return RawNode{{kNodeMarker, id}}; }

bool ToOp(const std::string& key, Op* op) {
  static const std::vector<std::pair<std::string, Op>> ops = {
      {"+", Op::kAdd}, {"-", Op::kSub},  {"*", Op::kMul},  {"/", Op::kDiv},   {"//", Op::kIntDiv},
      {"**", Op::kPow}, {"<", Op::kLt},  {"<=", Op::kLe},  {">", Op::kGt},    {">=", Op::kGe},
      {"=", Op::kEq},  {"!=", Op::kNe},  {"et", Op::kAnd}, {"ou", Op::kOr}};
  for (const auto& [k, o] : ops) {
    if (k == key) {
      *op = o;
      return true;
    }
  }
  return false;
}

}  // namespace

int Compiler::ParseMechanism(const std::string& key, const RawNode& param) {
  if (Op op; ToOp(key, &op)) {
    if (!param.is_array() || param.size() != 2) {
      Fail("rules.invalid_operation", "L'opération '" + key + "' attend une liste de deux valeurs");
      return Number(0);
    }
    int a = Parse(param[0]);
    int b = Parse(param[1]);
    return Operation(op, a, b);
  }
  if (key == "valeur") return Parse(param);
  if (key == "variable") {
    if (!param.is_string()) {
      Fail("rules.invalid_reference", "Référence invalide");
      return Number(0);
    }
    return Reference(param.get<std::string>());
  }
  if (key == "constant") {
    Node n;
    n.kind = NodeKind::kConstant;
    const RawNode& value = FieldOrNull(param, "nodeValue");
    std::string type = param.is_object() && param.contains("type") && param["type"].is_string()
                           ? param["type"].get<std::string>()
                           : "";
    if (value.is_number()) {
      n.value.kind = Value::Kind::kNumber;
      n.value.number = value.get<double>();
      n.const_type = VType::kNumber;
    } else if (value.is_boolean()) {
      n.value.kind = Value::Kind::kBoolean;
      n.value.boolean = value.get<bool>();
      n.const_type = VType::kBoolean;
    } else if (value.is_string()) {
      n.value.kind = Value::Kind::kString;
      n.value.string = value.get<std::string>();
      n.const_type = type == "date" ? VType::kDate : VType::kString;
    } else {
      n.value.kind = Value::Kind::kNull;
      n.explicit_nullable = Tri::kTrue;
    }
    if (param.is_object() && param.contains("rawUnit") && param["rawUnit"].is_string()) {
      auto unit = ParseUnit(param["rawUnit"].get<std::string>());
      if (!unit.ok()) {
        Fail(unit.status().reason(), unit.status().message());
      } else {
        n.unit = *unit;
      }
    }
    return Add(std::move(n));
  }
  if (key == "somme") {
    std::vector<int> items = ParseList(param);
    int acc = NotApplicable();
    for (auto it = items.rbegin(); it != items.rend(); ++it) acc = Operation(Op::kAdd, *it, acc);
    g_.mutable_node(acc).label = "somme";
    return acc;
  }
  if (key == "produit" || key == "multiplication") {
    std::vector<int> items = ParseList(param);
    int acc = Number(1);
    for (int item : items) acc = Operation(Op::kMul, item, acc);
    Node n;
    n.kind = NodeKind::kSimplifierUnite;
    n.a = acc;
    n.label = "produit";
    return Add(std::move(n));
  }
  if (key == "moyenne") {
    std::vector<int> items = ParseList(param);
    int sum = NotApplicable();
    for (auto it = items.rbegin(); it != items.rend(); ++it) sum = Operation(Op::kAdd, *it, sum);
    // The reference builds the count from the list its sum reversed in place: the last item's
    // applicability comes first.
    int count = NotApplicable();
    for (auto it = items.begin(); it != items.end(); ++it) {
      int applicable = Operation(Op::kEq, EstNonApplicable(*it), Bool(false));
      int one = Condition(Operation(Op::kNe, applicable, Bool(false)), Number(1), NotApplicable());
      count = Operation(Op::kAdd, one, count);
    }
    int r = Operation(Op::kDiv, sum, count);
    g_.mutable_node(r).label = "moyenne";
    return r;
  }
  if (key == "le maximum de" || key == "le minimum de") {
    std::vector<int> items = ParseList(param);
    const char* cmp = key == "le maximum de" ? ">" : "<";
    RawNode acc = RawNode{{kNotApplicableMarker, true}};
    for (int item : items) {
      RawNode body = {
          {"condition",
           {{"si", {{"est non applicable", "$INTERNAL valeur"}}},
            {"alors", "$INTERNAL acc"},
            {"sinon",
             {{"condition",
               {{"si",
                 {{"ou",
                   RawNode::array({RawNode{{"est non applicable", "$INTERNAL acc"}},
                                   RawNode{{cmp, RawNode::array({"$INTERNAL valeur", "$INTERNAL acc"})}}})}}},
                {"alors", "$INTERNAL valeur"},
                {"sinon", "$INTERNAL acc"}}}}}}},
          {"avec",
           {{"[privé] $INTERNAL valeur", {{"valeur", NodeRef(item)}}},
            {"[privé] $INTERNAL acc", {{"valeur", acc}}}}}};
      acc = std::move(body);
    }
    int r = Parse(acc);
    if (status_.ok()) g_.mutable_node(r).label = key == "le maximum de" ? "le maximum de" : "le minimum de";
    return r;
  }
  if (key == "toutes ces conditions" || key == "une de ces conditions") {
    bool all = key == "toutes ces conditions";
    std::vector<int> items = ParseList(param);
    int acc = Bool(all);
    for (int item : items) acc = Operation(all ? Op::kAnd : Op::kOr, acc, item);
    g_.mutable_node(acc).label = all ? "toutes ces conditions" : "une de ces conditions";
    return acc;
  }
  if (key == "condition") {
    if (!param.is_object()) {
      Fail("rules.invalid_condition", "Le mécanisme 'condition' attend si, alors, sinon");
      return Number(0);
    }
    int si = Parse(FieldOrNull(param, "si"));
    int alors = Parse(FieldOrNull(param, "alors"));
    int sinon = Parse(FieldOrNull(param, "sinon"));
    return Condition(si, alors, sinon, "condition");
  }
  if (key == "variations") {
    if (!param.is_array()) {
      Fail("rules.invalid_variations", "Le mécanisme 'variations' attend une liste");
      return Number(0);
    }
    Node n;
    n.kind = NodeKind::kVariations;
    n.label = "variations";
    for (const auto& branch : param) {
      if (!branch.is_object()) {
        Fail("rules.invalid_variations", "Chaque branche de 'variations' doit avoir si/alors ou sinon");
        return Number(0);
      }
      if (branch.contains("sinon")) {
        int consequence = Parse(branch["sinon"]);
        n.kids.push_back(Bool(true));
        n.kids.push_back(consequence);
      } else {
        int consequence = Parse(FieldOrNull(branch, "alors"));
        int condition = Parse(FieldOrNull(branch, "si"));
        n.kids.push_back(condition);
        n.kids.push_back(consequence);
      }
    }
    return Add(std::move(n));
  }
  if (key == "est non défini" || key == "est défini") {
    int e = EstNonDefini(Parse(param));
    return key == "est défini" ? Operation(Op::kEq, e, Bool(false)) : e;
  }
  if (key == "est non applicable" || key == "est applicable") {
    int e = EstNonApplicable(Parse(param));
    return key == "est applicable" ? Operation(Op::kEq, e, Bool(false)) : e;
  }
  if (key == "barème" || key == "grille" || key == "taux progressif") {
    if (!param.is_object() || !param.contains("tranches") || !param["tranches"].is_array()) {
      Fail("rules.invalid_tranches", "Le mécanisme '" + key + "' attend une assiette et des tranches");
      return Number(0);
    }
    Node n;
    n.kind = key == "barème" ? NodeKind::kBareme : key == "grille" ? NodeKind::kGrille : NodeKind::kTauxProgressif;
    n.label = key == "barème" ? "barème" : key == "grille" ? "grille" : "taux progressif";
    n.a = Parse(FieldOrNull(param, "assiette"));
    n.b = param.contains("multiplicateur") ? Parse(param["multiplicateur"]) : -1;
    const char* amount = n.kind == NodeKind::kGrille ? "montant" : "taux";
    for (const auto& tranche : param["tranches"]) {
      if (!tranche.is_object() || !tranche.contains(amount)) {
        Fail("rules.invalid_tranches", std::string("Chaque tranche doit avoir un ") + amount);
        return Number(0);
      }
      n.kids.push_back(Parse(tranche[amount]));
      n.kids.push_back(tranche.contains("plafond") ? Parse(tranche["plafond"]) : -1);
    }
    return Add(std::move(n));
  }
  if (key == "durée") {
    Node n;
    n.kind = NodeKind::kDuree;
    n.label = "durée";
    n.a = param.is_object() && param.contains("depuis") ? Parse(param["depuis"]) : -1;
    n.b = param.is_object() && param.contains("jusqu'à") ? Parse(param["jusqu'à"]) : -1;
    std::string unit = param.is_object() && param.contains("unité") && param["unité"].is_string()
                           ? param["unité"].get<std::string>()
                           : "jour";
    static const std::vector<std::pair<std::string, DureeUnit>> units = {
        {"jour", DureeUnit::kJour}, {"mois", DureeUnit::kMois}, {"an", DureeUnit::kAn},
        {"trimestre", DureeUnit::kTrimestre}, {"trimestre civil", DureeUnit::kTrimestreCivil},
        {"année civile", DureeUnit::kAnneeCivile}};
    bool found = false;
    for (const auto& [name, u] : units) {
      if (name == unit) {
        n.duree_unit = u;
        found = true;
      }
    }
    if (!found) {
      Fail("rules.invalid_duree",
           "Seules les unités suivantes sont acceptées pour une durée : mois, jour, an, trimestre, "
           "trimestre civil, année civile. L'unité fournie est : " + unit);
      return Number(0);
    }
    auto parsed = ParseUnit(unit);
    n.unit = parsed.ok() ? *parsed : kNoUnit;
    return Add(std::move(n));
  }
  if (key == "texte") {
    if (!param.is_string()) {
      Fail("rules.invalid_texte", "Le mécanisme 'texte' attend une chaîne de caractères");
      return Number(0);
    }
    const std::string text = param.get<std::string>();
    Node n;
    n.kind = NodeKind::kTexte;
    n.label = "texte";
    size_t last = 0;
    for (;;) {
      size_t open = text.find("{{", last);
      if (open == std::string::npos) break;
      size_t close = text.find("}}", open + 2);
      if (close == std::string::npos) break;
      std::string inner = text.substr(open + 2, close - open - 2);
      n.rare.Mutable().texts.push_back(text.substr(last, open - last));
      n.kids.push_back(Parse(RawNode(inner)));
      last = close + 2;
    }
    n.rare.Mutable().texts.push_back(text.substr(last));
    return Add(std::move(n));
  }
  if (key == "inversion numérique") {
    if (param.is_null()) {
      Fail("rules.invalid_inversion",
           "Il manque les règles avec laquelle effectuer le calcul d'inversion dans le mécanisme "
           "`inversion numérique`");
      return Number(0);
    }
    Node n;
    n.kind = NodeKind::kInversion;
    n.label = "inversion numérique";
    n.rule = context_rule_;
    const RawNode& avec = param.is_object() && param.contains("avec") ? param["avec"] : param;
    if (param.is_object() && param.contains("min") && param["min"].is_number()) {
      n.rare.Mutable().min = param["min"].get<double>();
    }
    if (param.is_object() && param.contains("max") && param["max"].is_number()) {
      n.rare.Mutable().max = param["max"].get<double>();
    }
    for (int candidate : ParseList(avec)) {
      if (status_.ok() && g_.node(candidate).kind != NodeKind::kReference) {
        Fail("rules.invalid_inversion", "Les objectifs d'une inversion doivent être des règles");
        return Number(0);
      }
      if (status_.ok()) g_.mutable_node(candidate).no_replace = true;
      n.kids.push_back(candidate);
    }
    return Add(std::move(n));
  }
  if (key == "logarithme") {
    Node n;
    n.kind = NodeKind::kLogarithme;
    n.label = "logarithme";
    n.a = Parse(param);
    return Add(std::move(n));
  }
  Fail("rules.unknown_mechanism",
       "Le mécanisme \"" + key + "\" est inconnu. Vérifiez qu'il n'y ait pas d'erreur dans l'orthographe du nom.");
  return Number(0);
}

}  // namespace parcours::rules::detail
