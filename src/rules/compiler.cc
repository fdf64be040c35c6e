// Rules, references, replacements and type inference (see compiler.h).
#include "compiler.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>
#include <unordered_set>

namespace parcours::rules::detail {
namespace {

constexpr char kSituationSuffix[] = " . $SITUATION";

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

Status RejectReservedKeys(const std::string& rule, const RawNode& value) {
  auto reject = [&rule](const std::string& reserved) {
    const std::string message =
        "la clé \"" + reserved.substr(1) + "\" commence par le caractère de contrôle U+0001, réservé";
    if (rule.empty()) return InvalidArgument("rules.reserved_key", message);  // the caller names the slot
    return InvalidArgument("rules.reserved_key", "Règle « " + rule + " » : " + message).WithField(rule, "clé réservée");
  };
  if (!rule.empty() && rule[0] == '\x01') return reject(rule);
  std::vector<const RawNode*> stack{&value};  // models nest deeply: no recursion
  while (!stack.empty()) {
    const RawNode* node = stack.back();
    stack.pop_back();
    if (node->is_array()) {
      for (const RawNode& item : *node) stack.push_back(&item);
    } else if (node->is_object()) {
      for (auto it = node->begin(); it != node->end(); ++it) {
        if (!it.key().empty() && it.key()[0] == '\x01') return reject(it.key());
        stack.push_back(&it.value());
      }
    }
  }
  return Status::Ok();
}

const RawNode& FieldOrNull(const RawNode& obj, const char* key) {
  static const RawNode kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

std::string JoinName(const std::string& ns, const std::string& name) {
  return ns.empty() ? name : ns + " . " + name;
}

namespace {

// Every part of a name (between " . ") holds something other than spaces: the reference refuses
// the others too (an empty name cannot be referred to, and its situation slot would be nameless).
bool HasEmptyPart(const std::string& name) {
  size_t start = 0;
  while (true) {
    const size_t sep = name.find(" . ", start);
    const size_t end = sep == std::string::npos ? name.size() : sep;
    if (name.find_first_not_of(' ', start) >= end) return true;
    if (sep == std::string::npos) return false;
    start = sep + 3;
  }
}

}  // namespace

std::vector<std::string> RuleParents(const std::string& name) {
  // The prefixes ending before each " . " (found left to right), longest first.
  std::vector<size_t> ends;
  for (size_t sep = name.find(" . "); sep != std::string::npos; sep = name.find(" . ", sep + 3)) ends.push_back(sep);
  std::vector<std::string> out;
  out.reserve(ends.size());
  for (auto it = ends.rbegin(); it != ends.rend(); ++it) out.push_back(name.substr(0, *it));
  return out;
}

// Reference getParentsAccessibleFromContext: `name` and its ancestors below the one
// just under the common ancestor with `context` must not be private. Works on prefix
// lengths of `name` instead of building the lists of names (it runs for every reference).
bool IsAccessible(const Graph& graph, const std::string& context, const std::string& name) {
  constexpr std::string_view kSep = " . ";
  // ends[j] = length of the prefix of `name` made of its first j + 1 components.
  thread_local std::vector<size_t> ends;  // kept: this runs for every reference
  ends.clear();
  for (size_t start = 0;;) {
    size_t sep = name.find(kSep, start);
    if (sep == std::string::npos) {
      ends.push_back(name.size());
      break;
    }
    ends.push_back(sep);
    start = sep + kSep.size();
  }
  const size_t k = ends.size();
  // m = number of leading components shared with `context`.
  size_t m = 0;
  for (size_t start = 0, cstart = 0; m < k;) {
    const size_t len = ends[m] - start;
    size_t csep = context.find(kSep, cstart);
    const size_t cend = csep == std::string::npos ? context.size() : csep;
    if (cend - cstart != len || context.compare(cstart, len, name, start, len) != 0) break;
    ++m;
    if (csep == std::string::npos) break;
    start = ends[m - 1] + kSep.size();
    cstart = csep + kSep.size();
  }
  // Prefixes of j components, for j from k down to m + 2.
  for (size_t j = k; j >= m + 2 && j >= 1; --j) {
    int id = graph.FindRule(std::string_view(name).substr(0, ends[j - 1]));
    if (id >= 0 && graph.rule(id).is_private) return false;
  }
  return true;
}

Status Compiler::ParseRules(const RawNode& rules, int context) {
  RawNode copy = rules;
  return ParseRules(std::move(copy), context);
}

Status Compiler::ParseRules(RawNode&& rules, int context, const std::vector<std::string>& order) {
  if (!rules.is_object()) return InvalidArgument("rules.invalid_model", "Le modèle doit être un objet {règle: valeur}");
  int saved_rule = context_rule_;
  std::string saved_name = context_name_;
  if (first_node_ < 0) {
    first_node_ = g_.node_count();
    first_rule_ = g_.rule_count();
  }
  auto parse = [&](const std::string& key, RawNode& body) {
    context_rule_ = context;
    context_name_ = context < 0 ? "" : g_.rule(context).name;
    ParseRule(key, std::move(body));
  };
  std::unordered_set<std::string_view> parsed;
  for (auto key = order.begin(); key != order.end() && status_.ok(); ++key) {
    auto it = rules.find(*key);
    if (it != rules.end() && parsed.insert(it.key()).second) parse(it.key(), it.value());
  }
  for (auto it = rules.begin(); it != rules.end() && status_.ok(); ++it) {
    if (!parsed.contains(it.key())) parse(it.key(), it.value());
  }
  context_rule_ = saved_rule;
  context_name_ = saved_name;
  return status_;
}

int Compiler::ParseRule(const std::string& key, RawNode body) {
  RawNode raw;
  if (body.is_string()) {
    raw = {{"valeur", std::move(body)}};
  } else if (body.is_number()) {
    raw = {{"valeur", body.dump()}};
  } else if (body.is_null()) {
    raw = RawNode::object();
  } else if (body.is_object()) {
    raw = std::move(body);
  } else {
    Fail("rules.invalid_rule", "La règle " + key + " est mal écrite. Donnez-lui une valeur correcte.");
    return -1;
  }
  const std::string prefix = "[privé] ";
  bool is_private = StartsWith(key, prefix) || (raw.contains("privé") && raw["privé"] == "oui");
  std::string name = StartsWith(key, prefix) ? key.substr(prefix.size()) : key;
  if (HasEmptyPart(name)) {
    Fail("rules.invalid_rule_name",
         "Le nom de règle « " + name + " » est invalide : ni le nom ni ses parties (séparées par « . ») ne peuvent être vides.");
    return -1;
  }
  std::string dotted = JoinName(context_name_, name);
  if (g_.FindRule(dotted) >= 0) {
    Fail("rules.duplicate_rule", "La référence '" + dotted + "' a déjà été définie");
    return -1;
  }
  Rule rule;
  rule.name = dotted;
  rule.is_private = is_private;
  rule.is_situation_slot = EndsWith(dotted, kSituationSuffix) || dotted == "$SITUATION";
  rule.is_internal = dotted.find("$INTERNAL") != std::string::npos;
  rule.possibly_not_applicable = raw.contains("possiblement non applicable") && raw["possiblement non applicable"] == "oui";
  if (raw.contains("type") && raw["type"].is_string()) rule.raw_type = raw["type"].get<std::string>();
  rule.has_question = raw.contains("question");
  rule.tagged_experimental = raw.contains("experimental") && raw["experimental"] == "oui";
  int id = g_.AddRule(std::move(rule));

  int saved_rule = context_rule_;
  std::string saved_name = context_name_;
  context_rule_ = id;
  context_name_ = dotted;

  // The formula is moved out of the body: what stays is the rule's metadata (Model::RawRule).
  RawNode value = RawNode::object();
  RawNode avec = RawNode::object();
  if (auto it = raw.find("avec"); it != raw.end()) {
    if (it->is_object()) avec = std::move(*it);
    raw.erase(it);
  }
  int possibilities = ParsePossibilities(raw, &avec);
  for (auto it = raw.begin(); it != raw.end();) {
    if (!IsMechanismKey(it.key())) {
      ++it;
      continue;
    }
    RawNode& v = value[it.key()] = std::move(*it);
    if (it.key() == "valeur" && v.is_object()) v.erase("une possibilité");
    it = raw.erase(it);
  }
  if (auto it = raw.find("formule"); it != raw.end()) {
    RawNode& f = value["valeur"] = std::move(*it);
    if (f.is_object()) f.erase("une possibilité");
    raw.erase(it);
  }
  if (!is_private && !g_.rule(id).is_situation_slot) {
    value["dans la situation"] = dotted + kSituationSuffix;
    avec["[privé] $SITUATION"] = {{"valeur", {{kSlotMarker, g_.rule(id).possibly_not_applicable}}}};
    if (value.contains("par défaut") && !value["par défaut"].is_null()) {
      value["par défaut"] = {{"valeur", value["par défaut"]}, {"variable manquante", dotted}};
    }
  }
  if (!avec.empty()) value["avec"] = std::move(avec);
  int node = Parse(value);
  if (status_.ok()) {
    Rule& r = g_.mutable_rule(id);
    r.value = node;
    r.possibilities = possibilities;
    if (!is_private && !r.is_situation_slot) r.situation_rule = g_.FindRule(dotted + kSituationSuffix);
    std::vector<Replacement> replacements;
    if (raw.contains("rend non applicable")) ParseReplacements(raw["rend non applicable"], true, &replacements);
    if (raw.contains("remplace")) ParseReplacements(raw["remplace"], false, &replacements);
    g_.mutable_rule(id).replacements = std::move(replacements);
    g_.mutable_rule(id).raw = std::move(raw);
  }
  context_rule_ = saved_rule;
  context_name_ = saved_name;
  return id;
}

int Compiler::ParsePossibilities(const RawNode& raw_rule, RawNode* avec) {
  RawNode list;
  for (const char* holder : {"valeur", "formule"}) {
    if (raw_rule.contains(holder) && raw_rule[holder].is_object() && raw_rule[holder].contains("une possibilité")) {
      list = raw_rule[holder]["une possibilité"];
      warnings_->push_back("Règle « " + context_name_ + " » : la clé 'une possibilité' à l'intérieur de '" +
                           holder + "' est dépréciée, déplacez-la au niveau supérieur.");
    }
  }
  if (raw_rule.contains("une possibilité")) {
    list = raw_rule["une possibilité"];
    if (list.is_null() || (list.is_array() && list.empty())) {
      Fail("rules.invalid_possibilities", "La clé 'une possibilité' ne peut pas être vide");
      return -1;
    }
  }
  if (list.is_null()) return -1;
  if (list.is_object() && list.contains("possibilités")) list = list["possibilités"];
  if (!list.is_array() || list.empty()) {
    Fail("rules.invalid_possibilities",
         "La clé 'une possibilité' doit être un tableau contenant au moins un élément");
    return -1;
  }
  Node n;
  n.kind = NodeKind::kUnePossibilite;
  n.label = "une possibilité";
  std::string type;
  UnitId ref_unit = kNoUnit;
  bool ref_unit_set = false;
  for (const auto& option : list) {
    RawNode name = option;
    if (option.is_object()) {
      if (option.size() != 1) {
        Fail("rules.invalid_possibilities", "Il ne peut y avoir qu'une seule définition de règle par possibilité.");
        return -1;
      }
      std::string key = option.begin().key();
      if (avec->contains(key)) {
        Fail("rules.invalid_possibilities", "La règle \"" + key + "\" est déjà définie");
        return -1;
      }
      (*avec)[key] = option.begin().value();
      name = key;
    }
    int id = Parse(name);
    if (!status_.ok()) return -1;
    const Node& parsed = g_.node(id);
    std::string option_type;
    int not_applicable = -1;
    if (parsed.kind == NodeKind::kReference) {
      option_type = "reference";
      g_.mutable_node(id).no_replace = true;
      int copy = Reference(g_.node(id).name);
      g_.mutable_node(copy).no_replace = true;
      not_applicable = EstNonApplicable(copy);
      g_.mutable_node(id).value.kind = Value::Kind::kString;
      g_.mutable_node(id).value.string = g_.node(id).name;
    } else if (parsed.kind == NodeKind::kConstant &&
               (parsed.const_type == VType::kNumber || parsed.const_type == VType::kString)) {
      option_type = parsed.const_type == VType::kNumber ? "number" : "string";
      if (option_type == "number" && parsed.unit != kNoUnit) {
        if (ref_unit_set && !AreUnitsConvertible(parsed.unit, ref_unit)) {
          Fail("rules.invalid_possibilities", "Les possibilités doivent être toutes dans la même classe d'unité.");
          return -1;
        }
        ref_unit = parsed.unit;
        ref_unit_set = true;
      }
    } else {
      Fail("rules.invalid_possibilities",
           "\"" + name.dump() + "\" n'est pas une constante ou une référence. Les choix possibles doivent être des constantes ou des références.");
      return -1;
    }
    if (!type.empty() && type != option_type) {
      Fail("rules.invalid_possibilities", "Les possibilités doivent être toutes du même type.");
      return -1;
    }
    type = option_type;
    n.kids.push_back(id);
    n.rare.Mutable().kids2.push_back(not_applicable);
  }
  n.name = type;
  n.unit = ref_unit;
  return Add(std::move(n));
}

void Compiler::ParseReplacements(const RawNode& spec, bool non_applicable, std::vector<Replacement>* out) {
  static int next_id = 0;
  std::vector<RawNode> items;
  if (spec.is_array()) {
    for (const auto& s : spec) items.push_back(s);
  } else {
    items.push_back(spec);
  }
  auto refs = [&](const RawNode& names, std::vector<int>* ids) {
    if (names.is_null()) return;
    std::vector<RawNode> list;
    if (names.is_array()) {
      for (const auto& x : names) list.push_back(x);
    } else {
      list.push_back(names);
    }
    for (const auto& x : list) {
      int ref = Parse(x);
      if (!status_.ok()) return;
      g_.mutable_node(ref).no_replace = true;
      ids->push_back(ref);  // node ids; turned into rule ids in Finish
    }
  };
  for (const auto& item : items) {
    RawNode r = item.is_string() ? RawNode{{"références à", item}} : item;
    if (!r.is_object() || !r.contains("références à")) {
      Fail("rules.invalid_replacement", "Remplacement invalide : 'références à' attendu");
      return;
    }
    Replacement rep;
    rep.non_applicable = non_applicable;
    rep.replaced_rule = Parse(r["références à"]);  // node id until Finish
    if (!status_.ok()) return;
    g_.mutable_node(rep.replaced_rule).no_replace = true;
    refs(FieldOrNull(r, "dans"), &rep.whitelist);
    refs(FieldOrNull(r, "sauf dans"), &rep.blacklist);
    if (r.contains("priorité")) {
      if (!r["priorité"].is_number() || r["priorité"].get<double>() < 0) {
        Fail("rules.invalid_replacement", "La priorité du remplacement doit être un nombre positif");
        return;
      }
      rep.priority = r["priorité"].get<double>();
    }
    rep.definition_rule = context_rule_;
    rep.definition_ref = ReferenceTo(context_rule_);
    g_.mutable_node(rep.definition_ref).no_replace = true;
    rep.id = next_id++;
    out->push_back(std::move(rep));
  }
}

Result<int> Compiler::ParseRootExpression(const RawNode& value) {
  if (first_node_ < 0) {
    first_node_ = g_.node_count();
    first_rule_ = g_.rule_count();
  }
  context_rule_ = -1;
  context_name_.clear();
  int node = Parse(value);
  if (!status_.ok()) return status_;
  roots_.push_back(node);
  return node;
}

Result<int> Compiler::ParseSituationValue(const RawNode& value, int slot_rule) {
  if (first_node_ < 0) {
    first_node_ = g_.node_count();
    first_rule_ = g_.rule_count();
  }
  context_rule_ = slot_rule;
  context_name_ = g_.rule(slot_rule).name;
  RawNode body;
  if (value.is_object()) {
    RETURN_IF_ERROR(RejectReservedKeys("", value));
    body = RawNode::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (IsMechanismKey(it.key())) body[it.key()] = it.value();
    }
    if (value.contains("formule")) body["valeur"] = value["formule"];
  } else if (value.is_number()) {
    body = value.dump();
  } else {
    body = value;
  }
  // Texts already known as constants (ConstantTexts) were looked up by the engine's situation
  // loading before coming here; the others are remembered once parsed.
  const CompiledModel* model = g_.base();
  const int first_new = g_.node_count();
  const size_t warnings = warnings_->size();
  int node = Parse(body);
  if (!status_.ok()) return status_;
  if (model != nullptr && body.is_string() && node == first_new && g_.node_count() == first_new + 1 &&
      warnings_->size() == warnings &&
      g_.node(node).kind == NodeKind::kConstant) {
    model->situation_constants.Add(body.get_ref<const std::string&>(), g_.node(node));
  }
  roots_.push_back(node);
  return node;
}

namespace {

// A number written first, as the expression parser reads it (digits, then '.' and digits),
// and the text after it when that is nothing or starts with a space ("646.29 €/mois"): the
// rest alone decides how such a text parses, whatever the number.
struct LeadingNumber {
  std::string_view digits, rest;
};
bool SplitLeadingNumber(std::string_view text, LeadingNumber* out) {
  auto digit = [&](size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  size_t end = 0;
  while (digit(end)) ++end;
  if (end == 0) return false;
  if (end < text.size() && text[end] == '.' && digit(end + 1)) {
    ++end;
    while (digit(end)) ++end;
  }
  if (end < text.size() && text[end] != ' ') return false;
  out->digits = text.substr(0, end);
  out->rest = text.substr(end);
  return true;
}

}  // namespace

const Node* ConstantTexts::Find(const std::string& text, double* number) const {
  LeadingNumber leading;
  const bool numeric = SplitLeadingNumber(text, &leading);
  *number = std::numeric_limits<double>::quiet_NaN();
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = numeric ? numbers_.find(leading.rest) : numbers_.end(); it != numbers_.end()) {
    // Decimal digits only: correctly rounded, as the parser's strtod reads them.
    std::from_chars(leading.digits.data(), leading.digits.data() + leading.digits.size(), *number);
    return &it->second;
  }
  auto it = nodes_.find(text);
  return it == nodes_.end() ? nullptr : &it->second;
}

void ConstantTexts::Add(const std::string& text, const Node& constant) {
  LeadingNumber number;
  const bool numeric = SplitLeadingNumber(text, &number) && constant.value.is_number();
  std::lock_guard<std::mutex> lock(mutex_);
  if (numeric) {
    if (numbers_.size() < kMax) numbers_.emplace(std::string(number.rest), constant);
  } else if (nodes_.size() < kMax) {
    nodes_.emplace(text, constant);
  }
}

}  // namespace parcours::rules::detail
