#include "parcours/journeys/plan.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "parcours/rules/engine.h"

namespace parcours::journeys {
namespace {

using catalog::QuestionType;

struct StatusInfo {
  StepStatus status;
  std::string_view name;
  catalog::Text label;
};
const std::array<StatusInfo, 5>& Statuses() {
  static const std::array<StatusInfo, 5> kStatuses = {{
      {StepStatus::kTodo, "a_faire", {"À faire", "To do"}},
      {StepStatus::kInProgress, "en_cours", {"En cours", "In progress"}},
      {StepStatus::kSent, "envoyee", {"Envoyée", "Sent"}},
      {StepStatus::kDone, "terminee", {"Terminée", "Done"}},
      {StepStatus::kNotConcerned, "non_concernee", {"Non concernée", "Does not apply"}},
  }};
  return kStatuses;
}

// Parses the "JJ/MM/AAAA" dates of Publicodes metadata.
std::optional<CivilDate> ParseFrenchDate(std::string_view s) {
  if (s.size() != 10 || s[2] != '/' || s[5] != '/') return std::nullopt;
  std::string iso = std::string(s.substr(6, 4)) + "-" + std::string(s.substr(3, 2)) + "-" + std::string(s.substr(0, 2));
  return CivilDate::Parse(iso);
}

std::string JsonText(const Json& raw, const char* key) {
  if (!raw.is_object()) return "";
  auto it = raw.find(key);
  return (it != raw.end() && it->is_string()) ? it->get<std::string>() : "";
}

bool IsAnswered(const Answers& answers, std::string_view rule) {
  auto it = answers.find(rule);
  return it != answers.end() && !it->second.empty();
}

// The Publicodes situation of `answers` restricted to the rules of `model`.
Json SituationFor(const catalog::Catalog& catalog, const catalog::Event& event, const rules::Model& model,
                  const Answers& answers) {
  Json situation = Json::object();
  for (const auto& [name, value] : answers) {
    if (value.empty() || !model.HasRule(name)) continue;
    const catalog::Question* question = FindQuestion(catalog, event, name);
    if (question == nullptr) continue;  // attributes no question defines feed no condition
    situation[name] = PublicodesLiteral(*question, value);
  }
  return situation;
}

// Evaluates the aids of an aid step; fills `plan` (applicability, aids, explanation).
Status EvaluateAids(const catalog::Catalog& catalog, const catalog::Event& event, const Answers& answers,
                    const CivilDate& event_date, StepPlan* plan) {
  const catalog::Step& step = *plan->step;
  for (const std::string& rule : step.questions) {
    if (!IsAnswered(answers, rule)) plan->missing.push_back(rule);
  }
  if (!plan->missing.empty()) {
    plan->applicability = Applicability::kUndetermined;
    return Status::Ok();
  }
  const catalog::ExternalModel* external = catalog.FindModel(step.aid->model);
  if (external == nullptr || external->model == nullptr) {
    return Internal("journeys.model_missing", "Le modèle « " + step.aid->model + " » n'est pas chargé.");
  }
  rules::Engine engine(external->model);
  Status set = engine.SetSituation(SituationFor(catalog, event, *external->model, answers));
  if (!set.ok()) return InvalidArgument("journeys.rules_error", set.message());
  const std::string& prefix = step.aid->rules_prefix;
  for (const std::string& name : external->model->RuleNames()) {
    if (name.rfind(prefix, 0) != 0 || name.find(" . ", prefix.size()) != std::string::npos) continue;
    // An aid is a titled rule right under the prefix; untitled ones are aggregates (commune,
    // région...) or allowances, as in the package's own list of localised aids.
    const Json raw = external->model->RawRule(name);
    const std::string title = JsonText(raw, "titre");
    if (title.empty()) continue;
    // Amounts only: no aid asks questions of its own here (values only, about a fifth cheaper).
    Result<rules::Evaluation> evaluation = engine.Evaluate(name, {.missing = false});
    if (!evaluation.ok()) return InvalidArgument("journeys.rules_error", evaluation.status().message());
    if (!evaluation->value.is_number() || evaluation->value.number <= 0) continue;
    AidResult aid;
    aid.rule = name;
    aid.title = title;
    aid.amount = evaluation->value.number;
    aid.formatted = evaluation->FormattedValue();
    aid.end_date = JsonText(raw, "date de fin");
    if (auto end = ParseFrenchDate(aid.end_date)) aid.ended = *end < event_date;
    aid.url = JsonText(raw, "lien");
    aid.explanation = ExplainForPeople(*evaluation, event);
    plan->aid_total += aid.amount;
    plan->aids.push_back(std::move(aid));
  }
  std::sort(plan->aids.begin(), plan->aids.end(),
            [](const AidResult& a, const AidResult& b) { return a.amount > b.amount; });
  if (plan->aids.empty()) {
    plan->applicability = Applicability::kNotApplicable;
    plan->explanation.fr += "\nAucune aide du modèle « " + external->source + " » ne s'applique à cette situation.";
    plan->explanation.en += "\nNo aid of the “" + external->source + "” model applies to this situation.";
  }
  return Status::Ok();
}

}  // namespace

catalog::Text ExplainForPeople(const rules::Evaluation& evaluation, const catalog::Event& event) {
  const Json tree = evaluation.ExplanationJson();  // walked once, written in both languages
  catalog::Text out;
  for (const char* lang : {"fr", "en"}) {
    rules::ExplanationStyle style;
    style.lang = lang;
    style.label = [&event, lang](const std::string& rule) -> std::string {
      if (const catalog::Question* q = event.FindQuestion(rule)) return q->label.In(lang);
      for (const catalog::Step& step : event.steps) {
        if (step.rule == rule) return step.title.In(lang);
      }
      return "";
    };
    (std::string_view(lang) == "en" ? out.en : out.fr) = rules::ExplanationTextOf(tree, style);
  }
  return out;
}

std::string_view StepStatusName(StepStatus status) {
  for (const auto& s : Statuses()) {
    if (s.status == status) return s.name;
  }
  return "a_faire";
}

std::optional<StepStatus> ParseStepStatus(std::string_view name) {
  for (const auto& s : Statuses()) {
    if (s.name == name) return s.status;
  }
  return std::nullopt;
}

const catalog::Text& StepStatusLabel(StepStatus status) {
  for (const auto& s : Statuses()) {
    if (s.status == status) return s.label;
  }
  return Statuses()[0].label;
}

std::string_view ApplicabilityName(Applicability a) {
  switch (a) {
    case Applicability::kApplies: return "applies";
    case Applicability::kNotApplicable: return "not_applicable";
    case Applicability::kUndetermined: return "undetermined";
  }
  return "undetermined";
}

const StepPlan* Plan::Find(std::string_view step_id) const {
  for (const StepPlan& s : steps) {
    if (s.step->id == step_id) return &s;
  }
  return nullptr;
}

const catalog::Question* FindQuestion(const catalog::Catalog& catalog, const catalog::Event& event,
                                      std::string_view rule) {
  if (const catalog::Question* q = event.FindQuestion(rule)) return q;
  for (const catalog::Event& other : catalog.events()) {
    if (const catalog::Question* q = other.FindQuestion(rule)) return q;
  }
  return nullptr;
}

std::string PublicodesLiteral(const catalog::Question& question, std::string_view canonical) {
  switch (question.type) {
    case QuestionType::kBoolean:
      return std::string(canonical);
    case QuestionType::kNumber:
      return question.unit.empty() ? std::string(canonical) : std::string(canonical) + " " + question.unit;
    case QuestionType::kDate:
      if (auto d = CivilDate::Parse(canonical)) return d->ToFrench();
      return "'" + std::string(canonical) + "'";
    case QuestionType::kChoice:
    case QuestionType::kText:
      return "'" + std::string(canonical) + "'";
  }
  return std::string(canonical);
}

Result<Plan> ComputePlan(const catalog::Catalog& catalog, const catalog::Event& event, const CivilDate& event_date,
                         const Answers& answers, const std::map<std::string, StepStatus, std::less<>>& recorded,
                         const CivilDate& today) {
  rules::Engine engine(catalog.plan_model());
  Status set = engine.SetSituation(SituationFor(catalog, event, *catalog.plan_model(), answers));
  if (!set.ok()) return InvalidArgument("journeys.rules_error", set.message());

  Plan plan;
  std::map<std::string, int, std::less<>> decisive;  // question rule -> steps it would decide
  for (const catalog::Step& step : event.steps) {
    StepPlan sp;
    sp.step = &step;
    Result<rules::Evaluation> evaluation = engine.Evaluate(step.rule);
    if (!evaluation.ok()) return InvalidArgument("journeys.rules_error", evaluation.status().message());
    const rules::Value& v = evaluation->value;
    sp.explanation = ExplainForPeople(*evaluation, event);
    if (v.is_boolean()) {
      sp.applicability = v.boolean ? Applicability::kApplies : Applicability::kNotApplicable;
    } else if (v.is_null()) {
      sp.applicability = Applicability::kNotApplicable;
    } else {
      sp.applicability = Applicability::kUndetermined;
    }
    if (sp.applicability == Applicability::kUndetermined) {
      for (const rules::MissingVariable& m : evaluation->missing) {
        if (event.FindQuestion(m.name) != nullptr && !IsAnswered(answers, m.name)) sp.missing.push_back(m.name);
      }
    }
    if (sp.applicability == Applicability::kApplies && step.aid) {
      RETURN_IF_ERROR(EvaluateAids(catalog, event, answers, event_date, &sp));
    }
    for (const std::string& rule : sp.missing) decisive[rule] += 1;

    auto it = recorded.find(step.id);
    if (sp.applicability == Applicability::kNotApplicable) {
      sp.status = StepStatus::kNotConcerned;
    } else {
      sp.status = it != recorded.end() ? it->second : StepStatus::kTodo;
    }
    if (step.deadline) sp.deadline = event_date.AddMonths(step.deadline->months).AddDays(step.deadline->days);
    sp.overdue = sp.deadline && sp.applicability == Applicability::kApplies && *sp.deadline < today &&
                 (sp.status == StepStatus::kTodo || sp.status == StepStatus::kInProgress);
    if (sp.applicability == Applicability::kApplies) ++plan.applicable;
    if (sp.applicability == Applicability::kUndetermined) ++plan.undetermined;
    if (sp.applicability != Applicability::kNotApplicable &&
        (sp.status == StepStatus::kSent || sp.status == StepStatus::kDone)) {
      ++plan.done;
    }
    plan.steps.push_back(std::move(sp));
  }
  // Dependencies: a step waits for the applicable steps it depends on until they are sent or done.
  for (StepPlan& sp : plan.steps) {
    for (const std::string& dep : sp.step->depends_on) {
      const StepPlan* d = plan.Find(dep);
      if (d != nullptr && d->applicability != Applicability::kNotApplicable && d->status != StepStatus::kSent &&
          d->status != StepStatus::kDone) {
        sp.waiting_for.push_back(dep);
      }
    }
  }
  for (const catalog::Question& q : event.questions) {
    if (decisive.contains(q.rule)) plan.next_questions.push_back(&q);
  }
  std::stable_sort(plan.next_questions.begin(), plan.next_questions.end(),
                   [&](const catalog::Question* a, const catalog::Question* b) {
                     return decisive[a->rule] > decisive[b->rule];
                   });
  return plan;
}

}  // namespace parcours::journeys
