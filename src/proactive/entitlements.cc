// Loading catalog/entitlements.yaml and assessing an entitlement (see proactive/entitlements.h).
#include "parcours/proactive/entitlements.h"

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "parcours/journeys/plan.h"
#include "parcours/rules/engine.h"

namespace parcours::proactive {
namespace {

struct Problems {
  std::string file;
  std::vector<std::pair<std::string, std::string>> list;  // "file:line" -> message
  void Add(const YAML::Node& at, std::string message) {
    list.emplace_back(file + ":" + std::to_string(at.Mark().line + 1), std::move(message));
  }
};

std::string Scalar(const YAML::Node& map, const char* key, Problems& p, bool required = true) {
  const YAML::Node v = map[key];
  if (!v || v.IsNull()) {
    if (required) p.Add(map, std::string("champ « ") + key + " » manquant");
    return "";
  }
  if (!v.IsScalar()) {
    p.Add(v, std::string("« ") + key + " » doit être un texte");
    return "";
  }
  return v.as<std::string>();
}

catalog::Text TextOf(const YAML::Node& map, const char* key, Problems& p) {
  const YAML::Node v = map[key];
  if (!v || !v.IsMap()) {
    p.Add(v ? v : map, std::string("« ") + key + " » doit donner le texte en fr et en en");
    return {};
  }
  catalog::Text t{Scalar(v, "fr", p), Scalar(v, "en", p)};
  return t;
}

void CheckKeys(const YAML::Node& map, std::initializer_list<std::string_view> allowed, Problems& p) {
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) p.Add(kv.first, "clé inconnue « " + key + " »");
  }
}

rules::ModelPtr ModelOf(const catalog::Catalog& catalog, const std::string& model_id) {
  if (model_id.empty()) return catalog.plan_model();
  const catalog::ExternalModel* m = catalog.FindModel(model_id);
  return m == nullptr ? nullptr : m->model;
}

// The Publicodes situation of `answers` for `model`: the attributes a question defines, as
// the journeys' plans give them (same literals, so the same rules decide the same way).
Json SituationFor(const catalog::Catalog& catalog, const catalog::Event& event, const rules::Model& model,
                  const journeys::Answers& answers) {
  Json situation = Json::object();
  for (const auto& [name, value] : answers) {
    if (value.empty() || !model.HasRule(name)) continue;
    const catalog::Question* question = journeys::FindQuestion(catalog, event, name);
    if (question == nullptr) continue;
    situation[name] = journeys::PublicodesLiteral(*question, value);
  }
  return situation;
}

// Checks that `expression` compiles against `model` (an empty situation may leave it
// undetermined; only a refusal by the engine is a problem).
void CheckExpression(const rules::ModelPtr& model, const std::string& expression, const YAML::Node& at,
                     Problems& p) {
  rules::Engine engine(model);
  Result<rules::Evaluation> e = engine.Evaluate(expression);
  if (!e.ok()) p.Add(at, "expression refusée par le moteur de règles : " + e.status().message());
}

}  // namespace

const Entitlement* Entitlements::Find(std::string_view id) const {
  for (const Entitlement& e : list_) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

std::string_view EligibilityName(Eligibility e) {
  switch (e) {
    case Eligibility::kEligible: return "eligible";
    case Eligibility::kNotEligible: return "not_eligible";
    case Eligibility::kUndetermined: return "undetermined";
  }
  return "undetermined";
}

Result<Entitlements> LoadEntitlements(catalog::CatalogPtr catalog, const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return Entitlements(std::move(catalog), {});
  Problems p{file.filename().string(), {}};
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    return InvalidArgument("proactive.invalid_entitlements",
                           "Fichier des droits illisible : " + file.string() + " : " + e.what());
  }
  std::vector<Entitlement> list;
  std::set<std::string> seen;
  const YAML::Node items = root["entitlements"];
  if (!root.IsMap() || !items || !items.IsSequence()) {
    p.Add(root, "une liste « entitlements » est attendue");
  } else {
    for (const YAML::Node& n : items) {
      if (!n.IsMap()) {
        p.Add(n, "chaque droit est un dictionnaire");
        continue;
      }
      CheckKeys(n, {"id", "title", "summary", "administration", "eligible_if", "amount", "requires",
                    "only_with_journey", "claim"},
                p);
      Entitlement e;
      e.id = Scalar(n, "id", p);
      if (!e.id.empty() && !seen.insert(e.id).second) p.Add(n, "droit « " + e.id + " » défini deux fois");
      e.title = TextOf(n, "title", p);
      e.summary = TextOf(n, "summary", p);
      e.administration = Scalar(n, "administration", p);
      if (!e.administration.empty() && catalog->FindAdministration(e.administration) == nullptr) {
        p.Add(n["administration"], "organisme inconnu « " + e.administration + " »");
      }
      e.eligible_if = Scalar(n, "eligible_if", p);
      if (!e.eligible_if.empty()) CheckExpression(catalog->plan_model(), e.eligible_if, n["eligible_if"], p);
      if (const YAML::Node a = n["amount"]) {
        if (!a.IsMap()) {
          p.Add(a, "« amount » est {rule, model?}");
        } else {
          CheckKeys(a, {"rule", "model"}, p);
          e.amount_rule = Scalar(a, "rule", p);
          e.amount_model = Scalar(a, "model", p, false);
          rules::ModelPtr model = ModelOf(*catalog, e.amount_model);
          if (model == nullptr) {
            p.Add(a, "modèle inconnu « " + e.amount_model + " »");
          } else if (!e.amount_rule.empty() && !model->HasRule(e.amount_rule)) {
            p.Add(a, "règle de montant inconnue « " + e.amount_rule + " »");
          }
        }
      }
      if (const YAML::Node o = n["only_with_journey"]) {
        try {
          e.only_with_journey = o.as<bool>();
        } catch (const YAML::Exception&) {
          p.Add(o, "« only_with_journey » est true ou false");
        }
      }
      const YAML::Node claim = n["claim"];
      const catalog::Step* step = nullptr;
      if (!claim || !claim.IsMap()) {
        p.Add(claim ? claim : n, "« claim » est {event, step}");
      } else {
        CheckKeys(claim, {"event", "step"}, p);
        e.event_id = Scalar(claim, "event", p);
        e.step_id = Scalar(claim, "step", p);
        const catalog::Event* event = catalog->FindEvent(e.event_id);
        if (event == nullptr) {
          p.Add(claim, "événement inconnu « " + e.event_id + " »");
        } else if ((step = event->FindStep(e.step_id)) == nullptr) {
          p.Add(claim, "étape « " + e.step_id + " » inconnue dans « " + e.event_id + " »");
        }
      }
      if (const YAML::Node r = n["requires"]) {
        if (!r.IsSequence()) {
          p.Add(r, "« requires » est une liste d'attributs");
        } else {
          for (const YAML::Node& a : r) {
            const std::string name = a.IsScalar() ? a.as<std::string>() : "";
            if (!catalog->IsAttribute(name)) p.Add(a, "attribut inconnu « " + name + " »");
            e.required.push_back(name);
          }
        }
      } else if (step != nullptr) {
        e.required = step->questions;
      }
      list.push_back(std::move(e));
    }
  }
  if (!p.list.empty()) {
    Status s = InvalidArgument("proactive.invalid_entitlements",
                               std::to_string(p.list.size()) + " problème(s) dans " + file.string());
    for (auto& [where, message] : p.list) s.WithField(where, message);
    return s;
  }
  return Entitlements(std::move(catalog), std::move(list));
}

Result<Assessment> Assess(const Entitlements& entitlements, const Entitlement& entitlement,
                          const journeys::Answers& answers) {
  const catalog::Catalog& catalog = entitlements.catalog();
  const catalog::Event* event = catalog.FindEvent(entitlement.event_id);
  if (event == nullptr) return Internal("proactive.rules_error", "Événement inconnu : " + entitlement.event_id);
  Assessment out;
  for (const std::string& name : entitlement.required) {
    auto it = answers.find(name);
    if (it == answers.end() || it->second.empty()) out.missing.push_back(name);
  }
  if (!out.missing.empty()) return out;

  rules::Engine engine(catalog.plan_model());
  if (Status s = engine.SetSituation(SituationFor(catalog, *event, *catalog.plan_model(), answers)); !s.ok()) {
    return InvalidArgument("proactive.rules_error", s.message());
  }
  // Values first: answers settle most conditions and amounts, and only an undefined value needs
  // the missing variables (an evaluation that lists them costs about a fifth more).
  const rules::EvaluationOptions values_only{.missing = false};
  Result<rules::Evaluation> condition = engine.Evaluate(entitlement.eligible_if, values_only);
  if (condition.ok() && condition->value.is_undefined()) condition = engine.Evaluate(entitlement.eligible_if);
  if (!condition.ok()) return InvalidArgument("proactive.rules_error", condition.status().message());
  out.explanation = journeys::ExplainForPeople(*condition, *event);
  const rules::Value& v = condition->value;
  if (v.is_undefined()) {
    for (const rules::MissingVariable& m : condition->missing) out.missing.push_back(m.name);
    return out;
  }
  if (!(v.is_boolean() && v.boolean)) {
    out.eligibility = Eligibility::kNotEligible;
    return out;
  }
  if (entitlement.amount_rule.empty()) {
    out.eligibility = Eligibility::kEligible;
    return out;
  }
  rules::ModelPtr model =
      entitlement.amount_model.empty() ? catalog.plan_model() : catalog.FindModel(entitlement.amount_model)->model;
  rules::Engine amount_engine(model);
  if (Status s = amount_engine.SetSituation(SituationFor(catalog, *event, *model, answers)); !s.ok()) {
    return InvalidArgument("proactive.rules_error", s.message());
  }
  Result<rules::Evaluation> amount = amount_engine.Evaluate(entitlement.amount_rule, values_only);
  if (amount.ok() && amount->value.is_undefined()) amount = amount_engine.Evaluate(entitlement.amount_rule);
  if (!amount.ok()) return InvalidArgument("proactive.rules_error", amount.status().message());
  const catalog::Text amount_explanation = journeys::ExplainForPeople(*amount, *event);
  out.explanation.fr += "\n" + amount_explanation.fr;
  out.explanation.en += "\n" + amount_explanation.en;
  if (amount->value.is_undefined()) {
    for (const rules::MissingVariable& m : amount->missing) out.missing.push_back(m.name);
    return out;
  }
  if (!amount->value.is_number() || amount->value.number <= 0) {
    out.eligibility = Eligibility::kNotEligible;
    return out;
  }
  out.eligibility = Eligibility::kEligible;
  out.amount = amount->value.number;
  out.amount_text = amount->FormattedValue();
  return out;
}

}  // namespace parcours::proactive
