#include "event_reader.h"

#include <functional>
#include <nlohmann/json.hpp>

#include "plan_model.h"

namespace parcours::catalog::detail {
namespace {

bool IsAttributeKnown(const EventContext& ctx, const std::string& name) {
  if (ctx.situation_rules == nullptr) return true;  // the rules' own errors are reported already
  auto it = ctx.situation_rules->find(name);
  return it != ctx.situation_rules->end();
}

void CheckAttribute(YamlReader& r, const EventContext& ctx, const YAML::Node& at, const std::string& name) {
  if (!IsAttributeKnown(ctx, name)) {
    r.Error(at, "Attribut inconnu « " + name + " » : il doit être une règle du modèle de situation (rules/).");
  }
}

Question ReadQuestion(YamlReader& r, const YAML::Node& q, const EventContext& ctx) {
  Question out;
  out.pos = r.Pos(q);
  if (!r.ExpectMap(q, "question",
                   {"rule", "label", "hint", "type", "unit", "min", "max", "integer", "choices", "sensitive"})) {
    return out;
  }
  out.rule = r.RequiredString(q, "rule");
  if (!out.rule.empty()) CheckAttribute(r, ctx, q["rule"], out.rule);
  out.label = r.ReadText(q, "label", true);
  out.hint = r.ReadText(q, "hint", false);
  const std::string type = r.RequiredString(q, "type");
  if (auto t = ParseQuestionType(type)) {
    out.type = *t;
  } else if (!type.empty()) {
    r.Error(q["type"], "Type de question inconnu « " + type + " » (boolean, number, choice, text, date).");
  }
  out.unit = r.OptionalString(q, "unit");
  out.min = r.OptionalNumber(q, "min");
  out.max = r.OptionalNumber(q, "max");
  if (out.min && out.max && *out.min > *out.max) r.Error(q, "« min » est supérieur à « max ».");
  if (const YAML::Node sensitive = q["sensitive"]) {
    const std::string v = sensitive.IsScalar() ? sensitive.Scalar() : "";
    if (v != "true" && v != "false") r.Error(sensitive, "« sensitive » vaut true ou false.");
    out.sensitive = v == "true";
  }
  if (const YAML::Node integer = q["integer"]) {
    const std::string v = integer.IsScalar() ? integer.Scalar() : "";
    if (v != "true" && v != "false") r.Error(integer, "« integer » vaut true ou false.");
    if (out.type != QuestionType::kNumber) {
      r.Error(integer, "« integer » ne vaut que pour une question de type number.");
    }
    out.integer = v == "true";
  }
  if (const YAML::Node choices = q["choices"]) {
    if (!choices.IsSequence()) {
      r.Error(choices, "« choices » doit être une liste.");
    } else {
      for (const auto& c : choices) {
        if (!r.ExpectMap(c, "choix", {"value", "label"})) continue;
        Choice choice{r.RequiredString(c, "value"), r.ReadText(c, "label", true)};
        if (choice.value.find('\'') != std::string::npos || choice.value.find('"') != std::string::npos) {
          r.Error(c["value"], "Une valeur de choix ne peut pas contenir de guillemet.");
        }
        out.choices.push_back(std::move(choice));
      }
    }
  }
  if (out.type == QuestionType::kChoice && out.choices.empty()) {
    r.Error(q, "Une question de type « choice » doit lister ses choix (choices).");
  }
  if (out.type != QuestionType::kChoice && !out.choices.empty()) {
    r.Error(q, "Seule une question de type « choice » peut lister des choix.");
  }
  return out;
}

Reference ReadReference(YamlReader& r, const YAML::Node& n) {
  Reference ref;
  if (!r.ExpectMap(n, "référence", {"label", "url", "sheet", "law", "date"})) return ref;
  ref.label = r.ReadText(n, "label", true);
  ref.url = r.RequiredString(n, "url");
  if (!ref.url.empty() && ref.url.rfind("https://", 0) != 0) {
    r.Error(n["url"], "L'adresse d'une référence doit commencer par https://.");
  }
  ref.sheet = r.OptionalString(n, "sheet");
  ref.law = r.OptionalString(n, "law");
  ref.date = r.Date(n, "date", true);
  return ref;
}

Amount ReadAmount(YamlReader& r, const YAML::Node& n) {
  Amount a;
  if (!r.ExpectMap(n, "montant", {"label", "value", "source", "date"})) return a;
  a.label = r.ReadText(n, "label", true);
  a.value = r.RequiredString(n, "value");
  a.source = r.RequiredString(n, "source");
  a.date = r.Date(n, "date", true);
  return a;
}

Deadline ReadDeadline(YamlReader& r, const YAML::Node& n) {
  Deadline d;
  if (!r.ExpectMap(n, "délai", {"days", "months", "label", "law"})) return d;
  d.days = r.OptionalInt(n, "days").value_or(0);
  d.months = r.OptionalInt(n, "months").value_or(0);
  if (d.days == 0 && d.months == 0) r.Error(n, "Un délai doit donner « days » ou « months ».");
  if (d.days < -3660 || d.days > 3660 || d.months < -120 || d.months > 120) {
    r.Error(n, "Délai hors limites (10 ans au plus).");
  }
  d.label = r.ReadText(n, "label", true);
  d.law = r.RequiredString(n, "law");
  return d;
}

Step ReadStep(YamlReader& r, const YAML::Node& s, const EventContext& ctx, Json* condition) {
  Step step;
  *condition = "oui";
  step.pos = r.Pos(s);
  if (!r.ExpectMap(s, "étape",
                   {"id", "kind", "title", "summary", "administration", "applicable_if", "why", "deadline",
                    "needs", "questions", "channels", "references", "amounts", "depends_on", "aid",
                    "online_url", "fulfilled_by"})) {
    return step;
  }
  step.id = r.RequiredString(s, "id");
  if (!step.id.empty() && !IsSlug(step.id)) {
    r.Error(s["id"], "Identifiant d'étape invalide « " + step.id + " » (a-z, 0-9 et tirets).");
  }
  const std::string kind = r.RequiredString(s, "kind");
  if (auto k = ParseStepKind(kind)) {
    step.kind = *k;
  } else if (!kind.empty()) {
    r.Error(s["kind"], "Nature d'étape inconnue « " + kind +
                           " » (information, online_procedure, service_request, appointment, document).");
  }
  step.title = r.ReadText(s, "title", true);
  step.summary = r.ReadText(s, "summary", true);
  step.administration = r.RequiredString(s, "administration");
  if (!step.administration.empty() && !ctx.administrations.contains(step.administration)) {
    r.Error(s["administration"], "Administration inconnue « " + step.administration +
                                     " » (voir administrations.yaml).");
  }
  if (const YAML::Node cond = s["applicable_if"]) {
    if (cond.IsScalar() && !cond.Scalar().empty()) {
      step.condition = cond.Scalar();
    } else if (cond.IsMap()) {
      YAML::Emitter emitter;
      emitter << YAML::Flow << cond;
      step.condition = emitter.c_str();
    } else {
      r.Error(cond, "« applicable_if » doit être une expression ou un mécanisme Publicodes.");
    }
    *condition = YamlToJson(cond);
    if (ctx.situation_rules != nullptr && !step.condition.empty()) {
      const std::string problem = CheckCondition(*ctx.situation_rules, *condition);
      if (!problem.empty()) r.Error(cond, "Condition « applicable_if » invalide : " + problem);
    }
  }
  step.why = r.ReadText(s, "why", true);
  if (const YAML::Node d = s["deadline"]) step.deadline = ReadDeadline(r, d);
  step.needs = r.StringList(s, "needs");
  for (std::size_t i = 0; i < step.needs.size(); ++i) CheckAttribute(r, ctx, s["needs"][i], step.needs[i]);
  step.questions = r.StringList(s, "questions");
  for (std::size_t i = 0; i < step.questions.size(); ++i) {
    CheckAttribute(r, ctx, s["questions"][i], step.questions[i]);
  }
  for (const std::string& c : r.StringList(s, "channels")) {
    if (auto ch = ParseChannel(c)) {
      step.channels.push_back(*ch);
    } else {
      r.Error(s["channels"], "Canal inconnu « " + c + " » (online, counter, phone, post).");
    }
  }
  if (step.channels.empty()) r.Error(s, "Une étape doit indiquer au moins un canal (channels).");
  if (const YAML::Node refs = s["references"]; refs && refs.IsSequence()) {
    for (const auto& n : refs) step.references.push_back(ReadReference(r, n));
  }
  if (step.references.empty()) r.Error(s, "Une étape doit citer au moins une source officielle (references).");
  if (const YAML::Node amounts = s["amounts"]) {
    if (!amounts.IsSequence()) r.Error(amounts, "« amounts » doit être une liste.");
    for (const auto& n : amounts) step.amounts.push_back(ReadAmount(r, n));
  }
  step.depends_on = r.StringList(s, "depends_on");
  if (const YAML::Node aid = s["aid"]) {
    if (r.ExpectMap(aid, "aide", {"model", "rules_prefix"})) {
      AidSpec spec{r.RequiredString(aid, "model"), r.RequiredString(aid, "rules_prefix")};
      auto it = ctx.models.find(spec.model);
      if (it == ctx.models.end()) {
        r.Error(aid["model"], "Modèle externe inconnu « " + spec.model + " » (voir models.yaml).");
      } else if (it->second) {
        bool any = false;
        for (const std::string& name : it->second->RuleNames()) any = any || name.rfind(spec.rules_prefix, 0) == 0;
        if (!any) r.Error(aid["rules_prefix"], "Aucune règle du modèle ne commence par « " + spec.rules_prefix + " ».");
      }
      step.aid = std::move(spec);
    }
  }
  step.online_url = r.OptionalString(s, "online_url");
  if (!step.online_url.empty() && step.online_url.rfind("https://", 0) != 0) {
    r.Error(s["online_url"], "« online_url » doit commencer par https://.");
  }
  const YAML::Node f = s["fulfilled_by"];
  if (f && r.ExpectMap(f, "fulfilled_by", {"declaration", "service", "signal"})) {
    Fulfilment fulfilment{r.OptionalString(f, "declaration"), r.OptionalString(f, "service"),
                          r.OptionalString(f, "signal")};
    const int given = !fulfilment.declaration.empty() + !fulfilment.service.empty() + !fulfilment.signal.empty();
    if (given != 1) {
      r.Error(f, "« fulfilled_by » nomme exactement une déclaration, un service ou un signal.");
    } else if (!fulfilment.declaration.empty() && !ctx.exchange_bundles.contains(fulfilment.declaration)) {
      r.Error(f["declaration"], "Déclaration inconnue « " + fulfilment.declaration + " » (bundles de exchange.yaml).");
    } else if (!fulfilment.service.empty() && !ctx.exchange_services.contains(fulfilment.service)) {
      r.Error(f["service"], "Service d'échange inconnu « " + fulfilment.service + " » (services de exchange.yaml).");
    } else if (fulfilment.signal.size() > 200) {
      r.Error(f["signal"], "Type de signal trop long (200 caractères au plus).");
    }
    step.fulfilled_by = std::move(fulfilment);
  }
  return step;
}

// Reports dependencies on unknown steps and cycles (each cycle once, at its first step).
void CheckDependencies(YamlReader& r, const Event& event) {
  std::map<std::string, const Step*, std::less<>> by_id;
  for (const Step& s : event.steps) by_id[s.id] = &s;
  for (const Step& s : event.steps) {
    for (const std::string& dep : s.depends_on) {
      if (!by_id.contains(dep)) {
        r.ErrorAtLine(s.pos.line, "L'étape « " + s.id + " » dépend d'une étape inconnue « " + dep + " ».");
      } else if (dep == s.id) {
        r.ErrorAtLine(s.pos.line, "L'étape « " + s.id + " » dépend d'elle-même.");
      }
    }
  }
  enum class Mark { kNone, kActive, kDone };
  std::map<std::string, Mark, std::less<>> marks;
  std::vector<std::string> path;
  std::function<void(const Step&)> visit = [&](const Step& s) {
    marks[s.id] = Mark::kActive;
    path.push_back(s.id);
    for (const std::string& dep : s.depends_on) {
      auto it = by_id.find(dep);
      if (it == by_id.end() || dep == s.id) continue;
      const Mark m = marks[dep];
      if (m == Mark::kActive) {
        std::string cycle;
        bool in = false;
        for (const std::string& id : path) {
          in = in || id == dep;
          if (in) cycle += id + " → ";
        }
        r.ErrorAtLine(it->second->pos.line, "Dépendances circulaires : " + cycle + dep + ".");
      } else if (m == Mark::kNone) {
        visit(*it->second);
      }
    }
    path.pop_back();
    marks[s.id] = Mark::kDone;
  };
  for (const Step& s : event.steps) {
    if (marks[s.id] == Mark::kNone) visit(s);
  }
}

}  // namespace

ReadEventResult ReadEvent(YamlReader& r, const YAML::Node& root, const EventContext& ctx) {
  ReadEventResult result;
  Event& event = result.event;
  event.pos = r.Pos(root);
  if (!r.ExpectMap(root, "l'événement", {"id", "title", "description", "date_label", "questions", "steps"})) {
    return result;
  }
  event.id = r.RequiredString(root, "id");
  if (!event.id.empty() && !IsSlug(event.id)) {
    r.Error(root["id"], "Identifiant d'événement invalide « " + event.id + " » (a-z, 0-9 et tirets).");
  }
  event.title = r.ReadText(root, "title", true);
  event.description = r.ReadText(root, "description", true);
  event.date_label = r.ReadText(root, "date_label", true);
  if (const YAML::Node qs = root["questions"]) {
    if (!qs.IsSequence()) r.Error(qs, "« questions » doit être une liste.");
    for (const auto& q : qs) event.questions.push_back(ReadQuestion(r, q, ctx));
  }
  std::set<std::string, std::less<>> seen_rules;
  for (const Question& q : event.questions) {
    if (!q.rule.empty() && !seen_rules.insert(q.rule).second) {
      r.ErrorAtLine(q.pos.line, "Question en double pour « " + q.rule + " ».");
    }
  }
  const YAML::Node steps = root["steps"];
  if (!steps || !steps.IsSequence() || steps.size() == 0) {
    r.Error(root, "Un événement doit avoir une liste d'étapes (steps) non vide.");
    return result;
  }
  for (const auto& s : steps) {
    Json condition;
    event.steps.push_back(ReadStep(r, s, ctx, &condition));
    event.steps.back().rule = "parcours . " + event.id + " . " + event.steps.back().id;
    result.conditions.push_back(std::move(condition));
  }
  std::set<std::string, std::less<>> seen;
  for (const Step& s : event.steps) {
    if (!s.id.empty() && !seen.insert(s.id).second) {
      r.ErrorAtLine(s.pos.line, "Étape en double « " + s.id + " ».");
    }
    for (const std::string& rule : s.questions) {
      if (!seen_rules.contains(rule)) {
        r.ErrorAtLine(s.pos.line, "L'étape « " + s.id + " » pose la question « " + rule +
                                      " » qui n'est pas déclarée dans les questions de l'événement.");
      }
    }
  }
  CheckDependencies(r, event);
  return result;
}

}  // namespace parcours::catalog::detail
