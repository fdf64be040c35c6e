// Explanations of evaluations: the evaluated part of the graph as JSON and French text.
#include <cmath>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "engine_core.h"
#include "fold.h"

namespace parcours::rules {
namespace {

using detail::Graph;
using detail::Node;
using detail::NodeKind;
using detail::Res;

constexpr int kMaxNodes = 3000;
constexpr int kMaxDepth = 60;

const char* KindName(const Node& n) {
  if (n.label != nullptr) return n.label;
  switch (n.kind) {
    case NodeKind::kConstant: return "constante";
    case NodeKind::kReference: return "référence";
    case NodeKind::kOperation: return "opération";
    case NodeKind::kCondition: return "condition";
    case NodeKind::kVariations: return "variations";
    case NodeKind::kEstNonDefini: return "est non défini";
    case NodeKind::kEstNonApplicable: return "est non applicable";
    case NodeKind::kArrondi: return "arrondi";
    case NodeKind::kUnite: return "unité";
    case NodeKind::kSimplifierUnite: return "simplifier l'unité";
    case NodeKind::kVariableManquante: return "par défaut";
    default: return "mécanisme";
  }
}

const char* OpSymbol(detail::Op op) {
  static const char* kSymbols[] = {"+", "-", "×", "/", "//", "**", "<", "≤", ">", "≥", "=", "≠", "et", "ou"};
  return kSymbols[static_cast<int>(op)];
}

class Explainer {
 public:
  Explainer(const detail::EngineCore& core) : core_(core), g_(core.graph) {}

  // `state` is the engine's state, or the model's fold state below a folded rule.
  Json Node(int id, int depth, const detail::EvalState* state) {
    const auto& n = g_.node(id);
    const Res* r = state->Cached(id);
    // A folded node was evaluated in the model's state: its children are explained from there.
    if (state->IsFoldedNode(id)) state = &fold_state();
    Json j = Json::object();
    if (++count_ > kMaxNodes || depth > kMaxDepth) {
      j["tronqué"] = true;
      return j;
    }
    j["mécanisme"] = KindName(n);
    if (n.kind == NodeKind::kOperation) j["opérateur"] = OpSymbol(n.op);
    if (r != nullptr) Describe(*r, &j);
    if (n.kind == NodeKind::kReference) {
      j["règle"] = g_.rule(n.rule).name;
      if (seen_.insert(n.rule).second) {
        int value = g_.rule(n.rule).value;
        if (const detail::Override* o = state->GetOverride(g_.rule(n.rule).situation_rule)) {
          j["source"] = "situation";
          if (o->node < 0 && o->fixed) {  // a known constant (EngineCore::KnownConstant)
            Json constant = Json::object();
            constant["mécanisme"] = "constante";
            Describe(o->result, &constant);
            j["explication"] = std::move(constant);
            return j;
          }
          if (o->node >= 0) value = o->node;
        }
        // A folded rule was evaluated in the model's state: explain it from there.
        const detail::EvalState* below = state->IsFolded(n.rule) ? &fold_state() : state;
        if (value >= 0 && below->Cached(value) != nullptr) j["explication"] = Node(value, depth + 1, below);
      }
      return j;
    }
    Json children = Json::array();
    auto add = [&](int child) {
      if (child >= 0 && state->Cached(child) != nullptr) children.push_back(Node(child, depth + 1, state));
    };
    add(n.a);
    add(n.b);
    add(n.c);
    for (int k : n.kids) add(k);
    if (!children.empty()) j["éléments"] = std::move(children);
    return j;
  }

  static void Describe(const Res& r, Json* j) {
    (*j)["valeur"] = detail::ToValue(r.value).ToJson();
    if (r.unit != kNoUnit) (*j)["unité"] = SerializeUnit(r.unit);
    (*j)["texte"] = detail::FormatResult(r);
  }

 private:
  // The fold state is shared by the model's engines: hold its lock while reading it.
  const detail::EvalState& fold_state() {
    if (!fold_lock_.owns_lock()) {
      fold_lock_ = std::unique_lock<std::mutex>(core_.compiled->Fold().mutex());
    }
    return core_.compiled->Fold().state();
  }

  const detail::EngineCore& core_;
  const Graph& g_;
  std::unique_lock<std::mutex> fold_lock_;
  std::unordered_set<int> seen_;
  int count_ = 0;
};

// The plumbing of situation values: the "X . $SITUATION" slots and generated rules, which the
// text leaves out (the rule given in the situation says so on its own line).
bool Plumbing(const Json& j) {
  if (!j.contains("règle")) return false;
  const std::string& name = j["règle"].get_ref<const std::string&>();
  return name.find("$SITUATION") != std::string::npos || name.find("$INTERNAL") != std::string::npos;
}

// Durations as people say them: "58 ans" (the engine writes "58 an", as the reference does:
// Publicodes units take no plural), "58 years", "€/year". Other units are left as they are.
std::string PeopleUnits(const std::string& text, double number, const std::string& lang) {
  static const std::map<std::string, std::pair<std::string, std::string>> kDurations = {
      {"an", {"ans", "year"}},           {"année", {"années", "year"}},   {"mois", {"mois", "month"}},
      {"semaine", {"semaines", "week"}}, {"jour", {"jours", "day"}},       {"heure", {"heures", "hour"}},
      {"minute", {"minutes", "minute"}}, {"trimestre", {"trimestres", "quarter"}}};
  const std::string space = "\u00A0";
  const size_t at = text.rfind(space);
  if (at == std::string::npos) return text;
  std::string unit = text.substr(at + space.size());
  const size_t slash = unit.rfind('/');
  const std::string word = slash == std::string::npos ? unit : unit.substr(slash + 1);
  auto found = kDurations.find(word);
  if (found == kDurations.end()) return text;
  const auto& [french_plural, english] = found->second;
  if (slash != std::string::npos) {  // a rate: per year, per month
    if (lang != "en") return text;
    unit = unit.substr(0, slash + 1) + english;
  } else if (lang == "en") {
    unit = english + (std::fabs(number) == 1 ? "" : "s");
  } else {
    unit = std::fabs(number) >= 2 ? french_plural : word;
  }
  return text.substr(0, at + space.size()) + unit;
}

// A value's text in the style's language: the words of yes, no, not yet known and not
// applicable, durations as people say them (numbers and other units as the engine formats them).
std::string ValueText(const Json& j, const ExplanationStyle& style) {
  const std::string& text = j["texte"].get_ref<const std::string&>();
  if (!j.contains("valeur")) return text;
  const Json& v = j["valeur"];
  if (v.is_number()) return PeopleUnits(text, v.get<double>(), style.lang);
  if (style.lang != "en") return text;
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_null()) return "not applicable";
  if (v.is_string() && v.get_ref<const std::string&>() == "undefined" && text == "Pas encore défini") {
    return "not yet known";
  }
  return text;
}

void Text(const Json& j, int depth, const ExplanationStyle& style, std::string* out) {
  if (j.contains("tronqué") || Plumbing(j)) return;
  // "dans la situation" chooses between the situation's value and the rule's own: only the
  // latter is shown, in its place.
  if (j.value("mécanisme", "") == "dans la situation") {
    if (!j.contains("éléments")) return;
    for (const auto& child : j["éléments"]) {
      const std::string kind = child.value("mécanisme", "");
      if (kind != "constante" && kind != "est non défini") Text(child, depth, style, out);
    }
    return;
  }
  std::string line(depth * 2, ' ');
  line += "- ";
  if (j.contains("règle")) {
    const std::string& name = j["règle"].get_ref<const std::string&>();
    const std::string label = style.label ? style.label(name) : "";
    line += (style.lang == "en" ? "“" : "« ") + (label.empty() ? name : label) + (style.lang == "en" ? "”" : " »");
  } else {
    line += j.value("mécanisme", "");
    if (j.contains("opérateur")) line += " (" + j["opérateur"].get<std::string>() + ")";
  }
  if (j.contains("texte")) line += (style.lang == "en" ? ": " : " : ") + ValueText(j, style);
  if (j.contains("source")) line += style.lang == "en" ? " (given in the situation)" : " (valeur donnée dans la situation)";
  *out += line + "\n";
  // A value given in the situation is on the rule's line already.
  if (j.contains("explication") && !(j.contains("source") && j["explication"].value("mécanisme", "") == "constante")) {
    Text(j["explication"], depth + 1, style, out);
  }
  if (j.contains("éléments")) {
    for (const auto& child : j["éléments"]) {
      // Constants are already visible in their parent's value; keep the text short.
      if (child.value("mécanisme", "") == "constante") continue;
      Text(child, depth + 1, style, out);
    }
  }
}

}  // namespace

Json Evaluation::ExplanationJson() const {
  if (!trace) return Json::object();
  Explainer e(*trace->core);
  return e.Node(trace->root, 0, trace->core->state.get());
}

std::string ExplanationTextOf(const Json& explanation, const ExplanationStyle& style) {
  std::string out;
  Text(explanation, 0, style, &out);
  return out;
}

std::string Evaluation::ExplanationText(const ExplanationStyle& style) const {
  return ExplanationTextOf(ExplanationJson(), style);
}

std::vector<std::string> Evaluation::warnings() const {
  std::vector<std::string> out;
  if (!trace) return out;
  out.reserve(trace->warnings.size());
  for (const auto& w : trace->warnings) out.push_back(detail::WarningText(trace->core->graph, w));
  return out;
}

std::string Evaluation::FormattedValue() const {
  if (trace) return detail::FormatResult(trace->result);
  return FormatValue(value, unit);
}

}  // namespace parcours::rules
