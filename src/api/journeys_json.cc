#include "journeys_json.h"

#include "parcours/journeys/answers.h"

namespace parcours::api::detail {
namespace {

using nlohmann::json;

json QuestionJson(const catalog::Question& q, const std::string& lang) {
  json out = {{"rule", q.rule}, {"type", catalog::QuestionTypeName(q.type)}, {"label", q.label.In(lang)}};
  if (!q.hint.In(lang).empty()) out["hint"] = q.hint.In(lang);
  if (!q.unit.empty()) out["unit"] = q.unit;
  if (q.min) out["min"] = *q.min;
  if (q.max) out["max"] = *q.max;
  if (!q.choices.empty()) {
    out["choices"] = json::array();
    for (const auto& c : q.choices) out["choices"].push_back({{"value", c.value}, {"label", c.label.In(lang)}});
  }
  return out;
}

json StepJson(const catalog::Step& s, const catalog::Catalog& catalog, const std::string& lang) {
  json out = {{"id", s.id},
              {"kind", catalog::StepKindName(s.kind)},
              {"title", s.title.In(lang)},
              {"summary", s.summary.In(lang)},
              {"administration", s.administration},
              {"applicable_if", s.condition},
              {"channels", json::array()},
              {"references", json::array()},
              {"amounts", json::array()},
              {"needs", s.needs},
              {"depends_on", s.depends_on}};
  if (const catalog::Administration* a = catalog.FindAdministration(s.administration)) {
    out["administration_name"] = a->name.In(lang);
  }
  for (catalog::Channel c : s.channels) out["channels"].push_back(catalog::ChannelName(c));
  for (const auto& r : s.references) {
    json ref = {{"label", r.label.In(lang)}, {"url", r.url}, {"date", r.date}};
    if (!r.sheet.empty()) ref["sheet"] = r.sheet;
    if (!r.law.empty()) ref["law"] = r.law;
    out["references"].push_back(std::move(ref));
  }
  for (const auto& a : s.amounts) {
    out["amounts"].push_back({{"label", a.label.In(lang)}, {"value", a.value}, {"source", a.source}, {"date", a.date}});
  }
  if (s.deadline) {
    out["deadline_rule"] = {{"days", s.deadline->days},
                            {"months", s.deadline->months},
                            {"label", s.deadline->label.In(lang)},
                            {"law", s.deadline->law}};
  }
  if (!s.online_url.empty()) out["online_url"] = s.online_url;
  return out;
}

}  // namespace

json LifeEventJson(const catalog::Event& event, const catalog::Catalog& catalog, const std::string& lang, bool full) {
  json out = {{"id", event.id},
              {"title", event.title.In(lang)},
              {"description", event.description.In(lang)},
              {"date_label", event.date_label.In(lang)},
              {"steps_count", event.steps.size()}};
  if (!full) return out;
  out["questions"] = json::array();
  for (const auto& q : event.questions) out["questions"].push_back(QuestionJson(q, lang));
  out["steps"] = json::array();
  for (const auto& s : event.steps) out["steps"].push_back(StepJson(s, catalog, lang));
  return out;
}

json JourneySummaryJson(const journeys::Journey& j, const catalog::Catalog& catalog, const std::string& lang) {
  json out = {{"id", j.id},
              {"event_id", j.event_id},
              {"event_date", j.event_date.ToIso()},
              {"created_at", FormatRfc3339(TimePoint(std::chrono::milliseconds(j.created_ms)))},
              {"updated_at", FormatRfc3339(TimePoint(std::chrono::milliseconds(j.updated_ms)))}};
  if (const catalog::Event* e = catalog.FindEvent(j.event_id)) out["event_title"] = e->title.In(lang);
  return out;
}

json StepPlanJson(const journeys::StepPlan& sp, const catalog::Catalog& catalog, const std::string& lang) {
  json out = StepJson(*sp.step, catalog, lang);
  out["applicability"] = journeys::ApplicabilityName(sp.applicability);
  out["status"] = journeys::StepStatusName(sp.status);
  out["status_label"] = journeys::StepStatusLabel(sp.status).In(lang);
  out["why"] = sp.step->why.In(lang);
  out["explanation"] = sp.explanation.In(lang);
  out["missing"] = sp.missing;
  out["waiting_for"] = sp.waiting_for;
  if (sp.deadline) {
    out["deadline"] = sp.deadline->ToIso();
    out["overdue"] = sp.overdue;
  }
  if (sp.step->aid) {
    out["aids"] = json::array();
    for (const auto& a : sp.aids) {
      json aid = {{"rule", a.rule}, {"title", a.title}, {"amount", a.amount}, {"formatted", a.formatted},
                  {"explanation", a.explanation.In(lang)}};
      if (!a.end_date.empty()) aid["end_date"] = a.end_date;
      if (a.ended) aid["ended"] = true;
      if (!a.url.empty()) aid["url"] = a.url;
      out["aids"].push_back(std::move(aid));
    }
    out["aid_total"] = sp.aid_total;
  }
  return out;
}

json JourneyJson(const journeys::JourneyView& view, const catalog::Catalog& catalog, const std::string& lang) {
  json out = JourneySummaryJson(view.journey, catalog, lang);
  json situation = json::object();
  for (const auto& q : view.event->questions) {
    auto it = view.answers.find(q.rule);
    if (it != view.answers.end() && !it->second.empty()) situation[q.rule] = journeys::AnswerToJson(q, it->second);
  }
  out["situation"] = std::move(situation);
  json next = json::array();
  for (const catalog::Question* q : view.plan.next_questions) next.push_back(QuestionJson(*q, lang));
  out["next_questions"] = std::move(next);
  json steps = json::array();
  for (const auto& sp : view.plan.steps) steps.push_back(StepPlanJson(sp, catalog, lang));
  out["steps"] = std::move(steps);
  out["counts"] = {{"applicable", view.plan.applicable},
                   {"undetermined", view.plan.undetermined},
                   {"done", view.plan.done}};
  return out;
}

}  // namespace parcours::api::detail
