#include "journey_forms.h"

#include <cctype>

#include "parcours/journeys/answers.h"
#include "field_errors.h"
#include "vault_format.h"

namespace parcours::web::detail {
namespace {

using nlohmann::json;

std::string ChoiceKey(std::size_t i) { return "c" + std::to_string(i); }

// What the field shows: the raw posted value, else the stored answer (as posted).
std::string Shown(const catalog::Question& q, const journeys::Answers& answers, const FormFields* raw) {
  if (raw != nullptr) {
    auto it = raw->find(q.rule);
    return it != raw->end() ? it->second : "";
  }
  auto it = answers.find(q.rule);
  if (it == answers.end()) return "";
  if (q.type == catalog::QuestionType::kChoice) {
    for (std::size_t i = 0; i < q.choices.size(); ++i) {
      if (q.choices[i].value == it->second) return ChoiceKey(i);
    }
    return "";
  }
  if (q.type == catalog::QuestionType::kNumber) {
    std::string v = it->second;
    if (!q.unit.empty() && q.unit.find('%') == std::string::npos) {
      for (char& c : v) {
        if (c == '.') c = ',';
      }
    }
    return v;
  }
  return it->second;
}

}  // namespace

std::string QuestionId(const catalog::Event& event, const catalog::Question& question) {
  for (std::size_t i = 0; i < event.questions.size(); ++i) {
    if (event.questions[i].rule == question.rule) return "q-" + std::to_string(i);
  }
  return "q-x";
}

json QuestionComponent(const catalog::Event& event, const catalog::Question& q, const journeys::Answers& answers,
                       const FormFields* raw, const std::map<std::string, std::string>& errors,
                       const std::string& lang) {
  const std::string id = QuestionId(event, q);
  const std::string shown = Shown(q, answers, raw);
  json data = {{"id", id}, {"name", q.rule}};
  if (!q.hint.In(lang).empty()) data["hint"] = q.hint.In(lang);
  if (auto it = errors.find(q.rule); it != errors.end()) data["error"] = it->second;
  if (q.type == catalog::QuestionType::kBoolean || q.type == catalog::QuestionType::kChoice) {
    data["legend"] = q.label.In(lang);
    json options = json::array();
    if (q.type == catalog::QuestionType::kBoolean) {
      options.push_back({{"value", "oui"}, {"label", lang == "en" ? "Yes" : "Oui"}, {"checked", shown == "oui"}});
      options.push_back({{"value", "non"}, {"label", lang == "en" ? "No" : "Non"}, {"checked", shown == "non"}});
    } else {
      for (std::size_t i = 0; i < q.choices.size(); ++i) {
        options.push_back({{"value", ChoiceKey(i)}, {"label", q.choices[i].label.In(lang)}, {"checked", shown == ChoiceKey(i)}});
      }
    }
    data["options"] = std::move(options);
    return {{"radios", std::move(data)}};
  }
  data["label"] = q.label.In(lang);
  data["value"] = shown;
  if (q.type == catalog::QuestionType::kNumber) {
    data["inputmode"] = "decimal";
    data["width"] = "short";
  } else if (q.type == catalog::QuestionType::kDate) {
    data["type"] = "date";
  }
  return {{"field", std::move(data)}};
}

Result<journeys::Answers> ReadAnswers(const catalog::Event& event, const std::vector<std::string>& questions,
                                      const FormFields& form) {
  FormFields converted;
  for (const std::string& rule : questions) {
    const catalog::Question* q = event.FindQuestion(rule);
    auto it = form.find(rule);
    if (q == nullptr || it == form.end()) continue;
    std::string value = it->second;
    if (q->type == catalog::QuestionType::kChoice && !value.empty()) {
      std::string mapped = "\x01";  // refused by CanonicalAnswer: not one of the choices
      for (std::size_t i = 0; i < q->choices.size(); ++i) {
        if (value == ChoiceKey(i)) mapped = q->choices[i].value;
      }
      value = mapped;
    }
    converted.emplace(rule, value);
  }
  return journeys::AnswersFromForm(event, converted, false);
}

void AddHint(json& component, const std::string& text) {
  json& data = component.contains("radios") ? component["radios"] : component["field"];
  const std::string hint = data.value("hint", std::string());
  data["hint"] = hint.empty() ? text : hint + " " + text;
}

NeedView DescribeNeed(const catalog::Catalog& catalog, const catalog::Event& event,
                      const vault::AttributeRegistry* registry, const std::string& need, const std::string& lang) {
  if (const catalog::Question* q = journeys::FindQuestion(catalog, event, need)) return {q->label.In(lang), {need}};
  if (const vault::AttributeDef* def = registry != nullptr ? registry->Find(need) : nullptr) {
    return {lang == "en" ? def->label_en : def->label_fr, {need}};
  }
  if (const catalog::Information* info = catalog.FindInformation(need)) {
    return {info->label.In(lang), info->vault, info->since_journey_start};
  }
  return {need, {need}};
}

std::string KnownSource(const journeys::KnownAnswer& known, const std::string& lang) {
  std::string out = vault::DescribeProvenance(known.provenance, lang);
  if (known.collected_ms > 0) out += (lang == "en" ? ", on " : ", le ") + VaultDate(known.collected_ms);
  return out;
}

journeys::Answers KnownAnswers(const journeys::Prefill& prefill) {
  journeys::Answers out;
  for (const journeys::KnownAnswer& k : prefill.known) out[k.rule] = k.value;
  return out;
}

std::vector<std::string> KnownNames(const journeys::Prefill& prefill) {
  std::vector<std::string> out;
  for (const journeys::KnownAnswer& k : prefill.known) out.push_back(k.rule);
  return out;
}

namespace {
std::string UrlEncode(const std::string& in) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}
}  // namespace

std::string FeedbackHref(const std::string& event_id, const std::string& step_id, const std::string& service) {
  std::string href = "/avis?parcours=" + UrlEncode(event_id);
  if (!step_id.empty()) href += "&etape=" + UrlEncode(step_id);
  if (!service.empty()) href += "&service=" + UrlEncode(service);
  return href;
}

void CollectErrors(const Renderer& renderer, const std::string& lang, const catalog::Event& event,
                   const Status& status, json* summary, std::map<std::string, std::string>* by_field) {
  if (status.field_errors().empty()) {  // the refusal as a whole, worded like a field-less error
    const FieldError whole{"", status.message(), {}, {}};
    summary->push_back({{"href", "#contenu"}, {"message", JourneyFieldErrorMessage(renderer, lang, event, whole)}});
    return;
  }
  for (const FieldError& fe : status.field_errors()) {
    std::string href = "#" + fe.field;
    if (const catalog::Question* q = event.FindQuestion(fe.field)) href = "#" + QuestionId(event, *q);
    const std::string message = JourneyFieldErrorMessage(renderer, lang, event, fe);
    summary->push_back({{"href", href}, {"message", message}});
    (*by_field)[fe.field] = message;
  }
}

std::string StepStatusKind(journeys::StepStatus s) {
  switch (s) {
    case journeys::StepStatus::kTodo: return "todo";
    case journeys::StepStatus::kInProgress: return "in_progress";
    case journeys::StepStatus::kSent: return "sent";
    case journeys::StepStatus::kDone: return "done";
    case journeys::StepStatus::kNotConcerned: return "not_concerned";
  }
  return "todo";
}

}  // namespace parcours::web::detail
