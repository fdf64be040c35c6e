// Parsing of values and mechanisms into nodes (the reference's parse.ts and the inline
// mechanism macros: plafond, somme, par défaut, applicable si, ...).
#include <algorithm>
#include <unordered_map>

#include "collate.h"
#include "compiler.h"

namespace parcours::rules::detail {
namespace {

constexpr int kMaxParseDepth = 400;

const std::vector<std::string>& ChainedKeys() {
  static const std::vector<std::string> keys = {
      "contexte",  "variable manquante", "avec",       "applicable si",
      "non applicable si", "arrondi",   "unité",      "simplifier l'unité",
      "plancher",  "plafond",            "par défaut", "dans la situation",
      "résoudre la référence circulaire", "abattement"};
  return keys;
}

// The index of `key` in ChainedKeys(), or -1: one hash lookup per key of an object instead of
// one search of the object per chained mechanism.
int ChainedIndex(const std::string& key) {
  static const std::unordered_map<std::string, int> index = [] {
    std::unordered_map<std::string, int> out;
    const auto& keys = ChainedKeys();
    for (size_t i = 0; i < keys.size(); ++i) out.emplace(keys[i], static_cast<int>(i));
    return out;
  }();
  auto it = index.find(key);
  return it == index.end() ? -1 : it->second;
}

std::string ScalarText(const RawNode& raw) {
  if (raw.is_string()) return raw.get<std::string>();
  if (raw.is_number()) return raw.dump();
  return "";
}

}  // namespace

bool IsMechanismKey(const std::string& key) {
  static const std::vector<std::string> keys = {
      "valeur", "variable", "constant", "somme", "produit", "multiplication", "moyenne",
      "le maximum de", "le minimum de", "toutes ces conditions", "une de ces conditions",
      "condition", "variations", "est non défini", "est défini", "est non applicable",
      "est applicable", "barème", "grille", "taux progressif", "durée", "texte",
      "inversion numérique", "logarithme", "+", "-", "*", "/", "//", "**", "<", "<=", ">",
      ">=", "=", "!=", "et", "ou"};
  if (std::find(keys.begin(), keys.end(), key) != keys.end()) return true;
  const auto& chained = ChainedKeys();
  return std::find(chained.begin(), chained.end(), key) != chained.end();
}

void Compiler::Fail(const std::string& reason, const std::string& message) {
  if (!status_.ok()) return;
  std::string where = context_name_.empty() ? "" : "Règle « " + context_name_ + " » : ";
  status_ = InvalidArgument(reason, where + message);
  if (!context_name_.empty()) status_.WithField(context_name_, message);
}

int Compiler::Add(Node n) {
  n.context_rule = context_rule_;
  return g_.AddNode(std::move(n));
}

int Compiler::Constant(Value v, UnitId unit, VType type) {
  Node n;
  n.kind = NodeKind::kConstant;
  n.value = std::move(v);
  n.unit = unit;
  n.const_type = type;
  return Add(std::move(n));
}

int Compiler::NotApplicable() {
  Node n;
  n.kind = NodeKind::kConstant;
  n.value.kind = Value::Kind::kNull;
  n.explicit_nullable = Tri::kTrue;
  return Add(std::move(n));
}

int Compiler::Bool(bool b) {
  Value v;
  v.kind = Value::Kind::kBoolean;
  v.boolean = b;
  return Constant(v, kNoUnit, VType::kBoolean);
}

int Compiler::Number(double d) {
  Value v;
  v.kind = Value::Kind::kNumber;
  v.number = d;
  return Constant(v, kNoUnit, VType::kNumber);
}

int Compiler::Operation(Op op, int a, int b) {
  Node n;
  n.kind = NodeKind::kOperation;
  n.op = op;
  n.a = a;
  n.b = b;
  return Add(std::move(n));
}

int Compiler::Condition(int si, int alors, int sinon, const char* label) {
  Node n;
  n.kind = NodeKind::kCondition;
  n.a = si;
  n.b = alors;
  n.c = sinon;
  n.label = label;
  return Add(std::move(n));
}

int Compiler::Reference(const std::string& name) {
  Node n;
  n.kind = NodeKind::kReference;
  n.name = name;
  return Add(std::move(n));
}

int Compiler::ReferenceTo(int rule) {
  Node n;
  n.kind = NodeKind::kReference;
  n.rule = rule;
  n.name = g_.rule(rule).name;
  return Add(std::move(n));
}

int Compiler::EstNonDefini(int v) {
  Node n;
  n.kind = NodeKind::kEstNonDefini;
  n.a = v;
  return Add(std::move(n));
}

int Compiler::EstNonApplicable(int v) {
  Node n;
  n.kind = NodeKind::kEstNonApplicable;
  n.a = v;
  return Add(std::move(n));
}

std::vector<int> Compiler::ParseList(const RawNode& param) {
  std::vector<int> out;
  if (param.is_array()) {
    for (const auto& item : param) out.push_back(Parse(item));
  } else {
    out.push_back(Parse(param));
  }
  return out;
}

int Compiler::Parse(const RawNode& raw) {
  if (!status_.ok()) return Number(0);
  if (++depth_ > kMaxParseDepth) {
    --depth_;
    Fail("rules.too_deep", "Formule trop imbriquée");
    return Number(0);
  }
  int id;
  if (raw.is_null()) {
    Fail("rules.empty_value",
         "Une des valeurs de la formule est vide. Vérifiez que tous les champs à droite des deux "
         "points sont remplis");
    id = Number(0);
  } else if (raw.is_boolean()) {
    Fail("rules.boolean_value",
         "Les valeurs booléennes true / false ne sont pas acceptées. Utilisez leur contrepartie "
         "française : 'oui' / 'non'");
    id = Number(0);
  } else if (raw.is_number()) {
    id = Number(raw.get<double>());
  } else if (raw.is_string()) {
    // Models repeat the same expressions (references above all): each text is parsed once.
    const std::string& text = raw.get_ref<const std::string&>();
    auto cached = expression_trees_.find(text);
    if (cached == expression_trees_.end()) {
      auto tree = ParseExpression(text);
      if (!tree.ok()) {
        Fail(tree.status().reason(), tree.status().message());
        --depth_;
        return Number(0);
      }
      cached = expression_trees_.emplace(text, std::move(tree).value()).first;
    }
    id = ParseObject(cached->second);
  } else if (raw.is_array()) {
    Fail("rules.missing_mechanism",
         "Il manque le nom du mécanisme pour le tableau " + raw.dump() +
             ". Les mécanismes possibles sont : 'somme', 'le maximum de', 'le minimum de', "
             "'toutes ces conditions', 'une de ces conditions'");
    id = Number(0);
  } else {
    id = ParseObject(raw);
  }
  --depth_;
  return id;
}

int Compiler::ParseObject(const RawNode& obj, unsigned consumed) {
  if (consumed == 0) {
    if (obj.contains(kNodeMarker)) return obj[kNodeMarker].get<int>();
    if (obj.contains(kNotApplicableMarker)) return NotApplicable();
    if (auto slot = obj.find(kSlotMarker); slot != obj.end()) {
      Node n;  // the undefined value of a situation slot
      n.kind = NodeKind::kConstant;
      n.explicit_nullable = slot->get<bool>() ? Tri::kTrue : Tri::kFalse;
      return Add(std::move(n));
    }
  }
  // The chained mechanisms apply in ChainedKeys() order: the first one present and not
  // consumed yet wraps the rest of the object.
  int first = -1;
  RawNode::const_iterator first_it;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const int i = ChainedIndex(it.key());
    if (i < 0 || (consumed & (1u << i)) || (first >= 0 && first < i)) continue;
    first = i;
    first_it = it;
  }
  if (first >= 0) return ParseChained(ChainedKeys()[first], *first_it, obj, consumed | (1u << first));
  // Remaining keys: the value mechanism.
  auto remains = [&](const auto& it) {
    const int i = ChainedIndex(it.key());
    return i < 0 || !(consumed & (1u << i));
  };
  RawNode::const_iterator value = obj.end();
  int remaining = 0;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!remains(it)) continue;
    ++remaining;
    value = it;
  }
  if (remaining == 0) {
    Node n;  // {} : undefined constant
    n.kind = NodeKind::kConstant;
    return Add(std::move(n));
  }
  if (remaining > 1) {
    std::string keys;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (remains(it)) keys += (keys.empty() ? "'" : ", '") + it.key() + "'";
    }
    Fail("rules.mechanisms_same_level",
         "Les mécanismes suivants se situent au même niveau : " + keys +
             ". Cela vient probablement d'une erreur dans l'indentation");
    return Number(0);
  }
  return ParseMechanism(value.key(), *value);
}

int Compiler::ParseChained(const std::string& key, const RawNode& param, const RawNode& obj, unsigned consumed) {
  if (key == "avec") {
    if (!param.is_object() && !param.is_null()) {
      Fail("rules.invalid_avec", "La clé 'avec' doit contenir des règles");
      return Number(0);
    }
    if (param.is_object()) {
      Status s = ParseRules(param, context_rule_);
      if (!s.ok()) Fail(s.reason(), s.message());
    }
    return ParseRest(obj, consumed);
  }
  if (key == "contexte") {
    int valeur = ParseRest(obj, consumed);
    Node n;
    n.kind = NodeKind::kContexte;
    n.a = valeur;
    n.label = "contexte";
    if (!param.is_object()) {
      Fail("rules.invalid_contexte", "Le mécanisme 'contexte' attend des paires règle: valeur");
      return valeur;
    }
    std::vector<std::pair<std::string, const RawNode*>> entries;
    for (auto it = param.begin(); it != param.end(); ++it) entries.emplace_back(it.key(), &it.value());
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& x, const auto& y) { return LocaleCompare(x.first, y.first) < 0; });
    for (const auto& [name, value] : entries) {
      int ref = Parse(RawNode(name));
      if (status_.ok() && g_.node(ref).kind != NodeKind::kReference) {
        Fail("rules.invalid_contexte", "« " + name + " » n'est pas une référence dans 'contexte'");
        return valeur;
      }
      if (status_.ok()) g_.mutable_node(ref).no_replace = true;
      n.kids.push_back(ref);
      n.kids.push_back(Parse(*value));
    }
    return Add(std::move(n));
  }
  if (key == "variable manquante") {
    Node n;
    n.kind = NodeKind::kVariableManquante;
    n.a = ParseRest(obj, consumed);
    n.name = ScalarText(param);
    n.rule = g_.FindRule(n.name);
    return Add(std::move(n));
  }
  if (key == "dans la situation") {
    int valeur = ParseRest(obj, consumed);
    // Generated for each rule with a situation slot (its full name, "X . $SITUATION"); a name
    // written by hand resolves as any reference, relative to the rule (unknown: an error naming it).
    const std::string name = ScalarText(param);
    const int slot = name.ends_with("$SITUATION") ? g_.FindRule(name) : -1;
    int situation = slot >= 0 ? ReferenceTo(slot) : Reference(name);
    g_.mutable_node(situation).no_replace = true;
    return Condition(EstNonDefini(situation), valeur, situation, "dans la situation");
  }
  if (key == "résoudre la référence circulaire") {
    Node n;
    n.kind = NodeKind::kResoudre;
    n.a = ParseRest(obj, consumed);
    n.rule = context_rule_;
    n.label = "résoudre la référence circulaire";
    return Add(std::move(n));
  }
  // Inline mechanisms: the reference parses `valeur` first, then the parameter.
  int valeur = ParseRest(obj, consumed);
  if (key == "applicable si") {
    int cond = Parse(param);
    return Condition(Operation(Op::kNe, cond, Bool(false)), valeur, NotApplicable(), "applicable si");
  }
  if (key == "non applicable si") {
    int cond = Parse(param);
    return Condition(Operation(Op::kEq, cond, Bool(false)), valeur, NotApplicable(),
                     "non applicable si");
  }
  if (key == "arrondi") {
    Node n;
    n.kind = NodeKind::kArrondi;
    n.a = valeur;
    n.b = Parse(param);
    return Add(std::move(n));
  }
  if (key == "unité") {
    Node n;
    n.kind = NodeKind::kUnite;
    n.a = valeur;
    auto unit = ParseUnit(ScalarText(param));
    if (!unit.ok()) {
      Fail(unit.status().reason(), unit.status().message());
      return valeur;
    }
    n.unit = *unit;
    return Add(std::move(n));
  }
  if (key == "simplifier l'unité") {
    Node n;
    n.kind = NodeKind::kSimplifierUnite;
    n.a = valeur;
    return Add(std::move(n));
  }
  if (key == "plancher" || key == "plafond") {
    int bound = Parse(param);
    Op cmp = key == "plancher" ? Op::kLt : Op::kGt;
    int si = Operation(Op::kAnd, Operation(Op::kNe, bound, Bool(false)), Operation(cmp, valeur, bound));
    return Condition(si, bound, valeur, key == "plancher" ? "plancher" : "plafond");
  }
  if (key == "par défaut") {
    int fallback = Parse(param);
    return Condition(EstNonDefini(valeur), fallback, valeur, "par défaut");
  }
  if (key == "abattement") {
    int abattement = Parse(param);
    // As the reference's body (`-: [valeur, abattement]` under `plancher: 0`), the difference is
    // one node per place, reading the arguments' shared nodes (each cached apart).
    int zero = Number(0);
    int si = Operation(Op::kAnd, Operation(Op::kNe, zero, Bool(false)),
                       Operation(Op::kLt, Operation(Op::kSub, valeur, abattement), zero));
    return Condition(si, zero, Operation(Op::kSub, valeur, abattement), "abattement");
  }
  Fail("rules.unknown_mechanism", "Le mécanisme \"" + key + "\" est inconnu");
  return valeur;
}

}  // namespace parcours::rules::detail
