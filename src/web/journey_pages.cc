// The citizen pages of life events and journeys (see include/parcours/web/journey_pages.h).
#include "parcours/web/journey_pages.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "field_errors.h"
#include "journey_forms.h"
#include "parcours/api/vault.h"
#include "parcours/auth/principal.h"
#include "parcours/journeys/answers.h"
#include "parcours/journeys/journeys.h"
#include "parcours/vault/vault.h"
#include "parcours/web/auth_pages.h"
#include "parcours/web/page.h"

namespace parcours::web {
namespace {

using nlohmann::json;
using detail::FormFields;

struct Who {
  std::string person;
  journeys::Actor actor;
  std::string csrf;
};

Result<Who> Person(const api::Services& s, const http::Request& r) {
  if (!s.journeys) return Unavailable("journeys.unavailable", "Le service des parcours n'est pas disponible.");
  ASSIGN_OR_RETURN(std::string person, api::OwnPersonId(r));
  Who who{person, {"usager:" + person, "web"}, ""};
  if (const auth::Principal* p = auth::PrincipalOf(r)) who.csrf = p->csrf_token;
  return who;
}

// The logged-in person, their journey "journey_id" and, with `with_step`, its step "step_id".
struct Opened {
  Who who;
  journeys::JourneyView view;
  std::string step_id;
  const journeys::StepPlan& step() const { return *view.plan.Find(step_id); }  // with_step only
};

Result<Opened> OpenJourney(const api::Services& s, const http::Request& r, bool with_step) {
  ASSIGN_OR_RETURN(Who who, Person(s, r));
  ASSIGN_OR_RETURN(journeys::JourneyView view, s.journeys->Get(who.actor, who.person, r.Param("journey_id")));
  std::string step_id;
  if (with_step) {
    step_id = r.Param("step_id");
    if (view.plan.Find(step_id) == nullptr) return NotFound("journeys.unknown_step", "Étape inconnue.");
  }
  return Opened{std::move(who), std::move(view), std::move(step_id)};
}

// An HTML page for a refusal (unknown event or journey, service unavailable...), leading back
// to the life events when the journey was not started, else to the person's journeys.
http::Response Refuse(const api::Services& s, const http::Request& r, const Status& status) {
  const bool event_page = r.path.rfind("/evenements", 0) == 0;
  return RefusalPage(s, r, status,
                     event_page ? BackLink{"journeys.events_title", "/evenements"}
                                : BackLink{"journeys.mine_title", "/mes-parcours"});
}

json Breadcrumb(const api::Services& s, const http::Request& r, std::vector<std::pair<std::string, std::string>> items) {
  json out = json::array({{{"href", "/"}, {"label", Msg(s, r, "nav.home")}}});
  for (auto& [href, label] : items) {
    json item = {{"label", label}};
    if (!href.empty()) item["href"] = href;
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<std::string> QuestionRules(const catalog::Event& event) {
  std::vector<std::string> rules;
  for (const catalog::Question& q : event.questions) rules.push_back(q.rule);
  return rules;
}

std::string QuestionLabels(const catalog::Event& event, const std::vector<std::string>& rules, const std::string& lang) {
  std::string out;
  for (const std::string& rule : rules) {
    const catalog::Question* q = event.FindQuestion(rule);
    out += (out.empty() ? "" : " ; ") + (q != nullptr ? q->label.In(lang) : rule);
  }
  return out;
}

// ---- Catalogue and start -------------------------------------------------------------

http::Response EventsPage(const api::Services& s, http::Request& r) {
  if (!s.journeys) return Refuse(s, r, Unavailable("journeys.unavailable", "Le service des parcours n'est pas disponible."));
  const std::string lang = PageLanguage(r);
  json events = json::array();
  for (const catalog::Event& e : s.journeys->catalog().events()) {
    events.push_back({{"href", "/evenements/" + e.id},
                      {"title", e.title.In(lang)},
                      {"description", e.description.In(lang)},
                      {"steps_count", Msg(s, r, "journeys.steps_count", {{"count", std::to_string(e.steps.size())}})}});
  }
  const auth::Principal* p = auth::PrincipalOf(r);
  return RenderPage(s, r, "life_events",
                    {{"title", Msg(s, r, "journeys.events_title")}, {"events", events},
                     {"mine", p != nullptr && !p->person_id.empty()}});
}

http::Response EventPage(const api::Services& s, http::Request& r, const FormFields* posted, const Status* error) {
  if (!s.journeys) return Refuse(s, r, Unavailable("journeys.unavailable", "Le service des parcours n'est pas disponible."));
  const std::string lang = PageLanguage(r);
  const catalog::Catalog& cat = s.journeys->catalog();
  const catalog::Event* event = cat.FindEvent(r.Param("event_id"));
  if (event == nullptr) return Refuse(s, r, NotFound("journeys.unknown_event", "Événement de vie inconnu."));
  const auth::Principal* p = auth::PrincipalOf(r);
  const bool logged_in = p != nullptr && !p->person_id.empty();
  // What the vault already holds is shown prefilled, apart, with where it came from: the
  // person confirms or corrects it; only the rest is asked.
  journeys::Prefill prefill;
  if (logged_in) {
    auto who = Person(s, r);
    if (who.ok()) {
      auto found = s.journeys->PrefillFor(who->actor, who->person, event->id, QuestionRules(*event));
      if (found.ok()) prefill = std::move(*found);
    }
  }
  const journeys::Answers answers = detail::KnownAnswers(prefill);
  json summary = json::array();
  std::map<std::string, std::string> by_field;
  if (error != nullptr) detail::CollectErrors(*s.renderer, lang, *event, *error, &summary, &by_field);
  json questions = json::array();
  json known = json::array();
  for (const catalog::Question& q : event->questions) {
    json component = detail::QuestionComponent(*event, q, answers, posted, by_field, lang);
    if (const journeys::KnownAnswer* k = prefill.Find(q.rule)) {
      detail::AddHint(component, Msg(s, r, "journeys.known_hint", {{"source", detail::KnownSource(*k, lang)}}));
      known.push_back(std::move(component));
    } else {
      questions.push_back(std::move(component));
    }
  }
  std::string date_value;
  if (posted != nullptr) {
    auto it = posted->find("event_date");
    if (it != posted->end()) date_value = it->second;
  }
  json date_field = {{"id", "event_date"}, {"name", "event_date"}, {"type", "date"}, {"required", true},
                     {"label", event->date_label.In(lang)}, {"hint", Msg(s, r, "journeys.date_hint")},
                     {"value", date_value}};
  if (auto it = by_field.find("event_date"); it != by_field.end()) date_field["error"] = it->second;
  json steps = json::array();
  for (const catalog::Step& step : event->steps) {
    const catalog::Administration* a = cat.FindAdministration(step.administration);
    steps.push_back({{"title", step.title.In(lang)}, {"administration", a ? a->name.In(lang) : step.administration}});
  }
  const std::string title = Msg(s, r, "journeys.start_title", {{"title", event->title.In(lang)}});
  json data = {{"title", title},
               {"heading", title},
               {"event", {{"title", event->title.In(lang)}, {"description", event->description.In(lang)}}},
               {"breadcrumb", Breadcrumb(s, r, {{"/evenements", Msg(s, r, "journeys.events_title")}, {"", event->title.In(lang)}})},
               {"action", "/evenements/" + event->id},
               {"csrf_token", p != nullptr ? p->csrf_token : ""},
               {"date_field", date_field},
               {"questions", questions},
               {"has_questions", !questions.empty()},
               {"known", known},
               {"has_known", !known.empty()},
               {"known_summary", Msg(s, r, "journeys.known_summary", {{"count", std::to_string(known.size())}})},
               {"steps", steps},
               {"logged_in", logged_in},
               {"login_notice", {{"text", Msg(s, r, "journeys.login_needed")}}},
               {"submit", {{"label", Msg(s, r, "journeys.start_button")}}},
               {"errors", summary},
               {"has_errors", !summary.empty()}};
  if (!logged_in) data["submit"] = {{"label", Msg(s, r, "journeys.start_button")}, {"href", "/connexion?retour=/evenements/" + event->id}};
  return RenderPage(s, r, "life_event", std::move(data), error != nullptr ? 400 : 200);
}

http::Response StartJourney(const api::Services& s, http::Request& r) {
  auto who = Person(s, r);
  if (!who.ok()) return Refuse(s, r, who.status());
  const catalog::Event* event = s.journeys->catalog().FindEvent(r.Param("event_id"));
  if (event == nullptr) return Refuse(s, r, NotFound("journeys.unknown_event", "Événement de vie inconnu."));
  const FormFields form = r.FormFields();
  const std::vector<std::string> rules = QuestionRules(*event);
  auto answers = detail::ReadAnswers(*event, rules, form);
  std::string date;
  if (auto it = form.find("event_date"); it != form.end()) date = it->second;
  if (!answers.ok()) {
    // Report the date too, so that the person fixes everything at once.
    Status all = answers.status();
    if (!journeys::CivilDate::Parse(date)) {
      all.WithField(FieldError{"event_date", "Saisissez une date existante au format AAAA-MM-JJ (par exemple 2026-03-12).",
                               journeys::kBadDate, {}});
    }
    return EventPage(s, r, &form, &all);
  }
  // The form showed prefilled what the vault held: the submission says so (DLNUF counters).
  auto shown = s.journeys->PrefillFor(who->actor, who->person, event->id, rules);
  if (!shown.ok()) return Refuse(s, r, shown.status());
  const journeys::FormSubmission submission{event->id + "/debut", detail::KnownNames(*shown)};
  auto view = s.journeys->Start(who->actor, who->person, event->id, date, *answers, &submission);
  if (!view.ok()) {
    if (view.status().code() == StatusCode::kInvalidArgument) return EventPage(s, r, &form, &view.status());
    return Refuse(s, r, view.status());
  }
  return http::Response::Redirect("/mes-parcours/" + view->journey.id);
}

// ---- My journeys ---------------------------------------------------------------------

http::Response JourneysPage(const api::Services& s, http::Request& r) {
  auto who = Person(s, r);
  if (!who.ok()) return Refuse(s, r, who.status());
  const std::string lang = PageLanguage(r);
  auto list = s.journeys->List(who->person);
  if (!list.ok()) return Refuse(s, r, list.status());
  json items = json::array();
  for (const journeys::Journey& j : *list) {
    const catalog::Event* e = s.journeys->catalog().FindEvent(j.event_id);
    items.push_back({{"href", "/mes-parcours/" + j.id},
                     {"title", e ? e->title.In(lang) : j.event_id},
                     {"date", j.event_date.ToDisplay(lang)}});
  }
  return RenderPage(s, r, "journeys",
                    {{"title", Msg(s, r, "journeys.mine_title")}, {"journeys", items}, {"empty", items.empty()}});
}

http::Response JourneyPage(const api::Services& s, http::Request& r, const Who& who, const journeys::JourneyView& v,
                           const FormFields* posted, const Status* error, bool saved) {
  const std::string lang = PageLanguage(r);
  const catalog::Event& event = *v.event;
  const std::string base = "/mes-parcours/" + v.journey.id;
  json summary = json::array();
  std::map<std::string, std::string> by_field;
  if (error != nullptr) detail::CollectErrors(*s.renderer, lang, event, *error, &summary, &by_field);
  json questions = json::array();
  for (const catalog::Question* q : v.plan.next_questions) {
    questions.push_back(detail::QuestionComponent(event, *q, v.answers, posted, by_field, lang));
  }
  // After an error, keep showing the questions that were posted even if the plan moved on.
  if (posted != nullptr) {
    for (const catalog::Question& q : event.questions) {
      bool listed = false;
      for (const catalog::Question* n : v.plan.next_questions) listed = listed || n == &q;
      if (!listed && posted->contains(q.rule)) {
        questions.push_back(detail::QuestionComponent(event, q, v.answers, posted, by_field, lang));
      }
    }
  }
  json tasks = json::array();
  json not_concerned = json::array();
  for (const journeys::StepPlan& sp : v.plan.steps) {
    const std::string href = base + "/etapes/" + sp.step->id;
    if (sp.applicability == journeys::Applicability::kNotApplicable) {
      not_concerned.push_back({{"href", href}, {"label", sp.step->title.In(lang)}});
      continue;
    }
    json task = {{"id", "etape-" + sp.step->id}, {"href", href}, {"label", sp.step->title.In(lang)}};
    json status = {{"label", journeys::StepStatusLabel(sp.status).In(lang)}, {"kind", detail::StepStatusKind(sp.status)}};
    std::string hint = sp.step->why.In(lang);
    if (sp.applicability == journeys::Applicability::kUndetermined) {
      status = {{"label", Msg(s, r, "journeys.to_clarify")}, {"kind", "todo"}};
      hint = Msg(s, r, "journeys.depends_on_answers", {{"questions", QuestionLabels(event, sp.missing, lang)}});
    }
    if (!sp.waiting_for.empty()) {
      std::string names;
      for (const std::string& id : sp.waiting_for) {
        const catalog::Step* d = event.FindStep(id);
        names += (names.empty() ? "" : ", ") + (d ? d->title.In(lang) : id);
      }
      hint += " " + Msg(s, r, "journeys.waiting_for", {{"steps", names}});
    }
    task["hint"] = hint;
    task["status"] = status;
    if (sp.deadline) {
      task["deadline"] = Msg(s, r, sp.overdue ? "journeys.deadline_overdue" : "journeys.deadline",
                             {{"date", sp.deadline->ToDisplay(lang)}});
    }
    tasks.push_back(std::move(task));
  }
  const std::string title = event.title.In(lang);
  json data = {{"title", title},
               {"heading", title},
               {"breadcrumb", Breadcrumb(s, r, {{"/mes-parcours", Msg(s, r, "journeys.mine_title")}, {"", title}})},
               {"date_line", Msg(s, r, "journeys.journey_date",
                                 {{"label", event.date_label.In(lang)}, {"date", v.journey.event_date.ToDisplay(lang)}})},
               {"progress", Msg(s, r, "journeys.progress", {{"done", std::to_string(v.plan.done)},
                                                            {"applicable", std::to_string(v.plan.applicable)}})},
               {"has_questions", !questions.empty()},
               {"next_questions", questions},
               {"action", base},
               {"csrf_token", who.csrf},
               {"submit", {{"label", Msg(s, r, "journeys.update_button")}}},
               {"tasks", tasks},
               {"not_concerned", not_concerned},
               {"has_not_concerned", !not_concerned.empty()},
               {"feedback_href", detail::FeedbackHref(event.id, "", "")},
               {"errors", summary},
               {"has_errors", !summary.empty()}};
  if (v.plan.undetermined > 0) {
    data["undetermined_line"] = Msg(s, r, "journeys.undetermined", {{"count", std::to_string(v.plan.undetermined)}});
  }
  if (saved) data["saved_notice"] = {{"text", Msg(s, r, "journeys.updated")}, {"kind", "success"}};
  return RenderPage(s, r, "journey", std::move(data), error != nullptr ? 400 : 200);
}


http::Response StepPage(const api::Services& s, http::Request& r, const Who& who, const journeys::JourneyView& v,
                        const journeys::StepPlan& sp, const FormFields* posted, const Status* error, bool saved) {
  const std::string lang = PageLanguage(r);
  const catalog::Event& event = *v.event;
  const catalog::Step& step = *sp.step;
  const catalog::Catalog& cat = s.journeys->catalog();
  const std::string base = "/mes-parcours/" + v.journey.id;
  json summary = json::array();
  std::map<std::string, std::string> by_field;
  if (error != nullptr) detail::CollectErrors(*s.renderer, lang, event, *error, &summary, &by_field);
  // The step's questions, prefilled from the vault with where each answer came from, and
  // which of the information the step needs the vault already holds.
  journeys::Prefill prefill;
  std::vector<std::string> wanted = step.questions;
  const vault::AttributeRegistry* registry = s.vault ? &s.vault->registry() : nullptr;
  std::vector<detail::NeedView> needs;
  for (const std::string& n : step.needs) {
    needs.push_back(detail::DescribeNeed(cat, event, registry, n, lang));
    for (const std::string& part : needs.back().vault) {
      if (std::find(wanted.begin(), wanted.end(), part) == wanted.end()) wanted.push_back(part);
    }
  }
  if (!wanted.empty()) {
    auto found = s.journeys->PrefillFor(who.actor, who.person, event.id, wanted);
    if (found.ok()) prefill = std::move(*found);
  }
  const journeys::Answers known = detail::KnownAnswers(prefill);
  json questions = json::array();
  for (const std::string& rule : step.questions) {
    if (const catalog::Question* q = event.FindQuestion(rule)) {
      json component = detail::QuestionComponent(event, *q, known, posted, by_field, lang);
      if (const journeys::KnownAnswer* k = prefill.Find(rule)) {
        detail::AddHint(component, Msg(s, r, "journeys.known_hint", {{"source", detail::KnownSource(*k, lang)}}));
      }
      questions.push_back(std::move(component));
    }
  }
  std::string chosen = journeys::StepStatusName(sp.status).data();
  if (posted != nullptr) {
    auto it = posted->find("statut");
    chosen = it != posted->end() ? it->second : "";
  }
  json options = json::array();
  for (journeys::StepStatus st : {journeys::StepStatus::kTodo, journeys::StepStatus::kInProgress,
                                  journeys::StepStatus::kSent, journeys::StepStatus::kDone}) {
    const std::string name(journeys::StepStatusName(st));
    options.push_back({{"value", name}, {"label", journeys::StepStatusLabel(st).In(lang)}, {"checked", chosen == name}});
  }
  json status_radios = {{"id", "statut"}, {"name", "statut"}, {"legend", Msg(s, r, "journeys.status_legend")},
                        {"options", options}};
  if (auto it = by_field.find("statut"); it != by_field.end()) status_radios["error"] = it->second;

  const bool applies = sp.applicability != journeys::Applicability::kNotApplicable;
  json data = {{"title", step.title.In(lang)},
               {"heading", step.title.In(lang)},
               {"breadcrumb", Breadcrumb(s, r, {{"/mes-parcours", Msg(s, r, "journeys.mine_title")},
                                                {base, event.title.In(lang)},
                                                {"", step.title.In(lang)}})},
               {"status", {{"label", sp.applicability == journeys::Applicability::kUndetermined
                                          ? Msg(s, r, "journeys.to_clarify")
                                          : journeys::StepStatusLabel(sp.status).In(lang)},
                           {"kind", detail::StepStatusKind(sp.status)}}},
               {"summary", step.summary.In(lang)},
               {"why_title", Msg(s, r, applies ? "journeys.step_why_title" : "journeys.step_why_not_title")},
               // `why` says why the step applies: when it does not, it is the case it is for.
               {"why", applies ? step.why.In(lang) : Msg(s, r, "journeys.step_why_not", {{"why", step.why.In(lang)}})},
               {"explanation", sp.explanation.In(lang)},
               {"is_aid", step.aid.has_value()},
               {"channels", json::array()},
               {"needs", json::array()},
               {"amounts", json::array()},
               {"references", json::array()},
               {"can_track", applies},
               {"action", base + "/etapes/" + step.id},
               {"csrf_token", who.csrf},
               {"has_questions", !questions.empty()},
               {"questions", questions},
               {"status_radios", status_radios},
               {"submit", {{"label", Msg(s, r, "journeys.save_button")}}},
               {"back_href", base},
               {"feedback_href", detail::FeedbackHref(event.id, step.id, step.administration)},
               {"errors", summary},
               {"has_errors", !summary.empty()}};
  if (!sp.missing.empty()) {
    data["missing_line"] = Msg(s, r, "journeys.depends_on_answers", {{"questions", QuestionLabels(event, sp.missing, lang)}});
  }
  if (step.aid) {
    json aids = json::array();
    char total[64];
    std::snprintf(total, sizeof total, "%.0f €", sp.aid_total);
    for (const journeys::AidResult& a : sp.aids) {
      aids.push_back({{"title", a.title}, {"formatted", a.formatted}, {"end_date", a.end_date}, {"ended", a.ended},
                      {"url", a.url}, {"explanation", a.explanation.In(lang)}});
    }
    data["aids"] = aids;
    data["has_aids"] = !aids.empty();
    data["aid_total"] = Msg(s, r, "journeys.aid_total", {{"amount", total}});
  }
  if (sp.deadline && step.deadline) {
    data["deadline_line"] = Msg(s, r, "journeys.step_deadline", {{"label", step.deadline->label.In(lang)},
                                                                 {"date", sp.deadline->ToDisplay(lang)},
                                                                 {"law", step.deadline->law}});
  }
  const catalog::Administration* a = cat.FindAdministration(step.administration);
  data["administration_line"] = Msg(s, r, "journeys.step_administration", {{"name", a ? a->name.In(lang) : step.administration}});
  for (catalog::Channel c : step.channels) data["channels"].push_back(catalog::ChannelLabel(c).In(lang));
  for (const detail::NeedView& need : needs) {
    // Known when the vault holds every part of it (recorded since the journey began, for a new
    // address); the first part says where it came from.
    const journeys::KnownAnswer* k = need.vault.empty() ? nullptr : prefill.Find(need.vault.front());
    for (const std::string& part : need.vault) {
      const journeys::KnownAnswer* found = prefill.Find(part);
      if (found == nullptr || (need.since_journey_start && found->collected_ms < v.journey.created_ms)) k = nullptr;
    }
    data["needs"].push_back(
        {{"label", need.label},
         {"known", k != nullptr},
         {"state", k != nullptr ? Msg(s, r, "journeys.known_hint", {{"source", detail::KnownSource(*k, lang)}})
                                : Msg(s, r, "journeys.need_missing")}});
  }
  data["has_needs"] = !step.needs.empty();
  if (!step.online_url.empty()) data["online_url"] = step.online_url;
  // Done through Parcours itself: one declaration to every agency chosen, followed on its page.
  if (step.fulfilled_by && !step.fulfilled_by->declaration.empty()) {
    data["declare_url"] = "/mes-declarations/nouvelle?demarche=" + step.fulfilled_by->declaration;
  } else if (step.fulfilled_by && !step.fulfilled_by->service.empty()) {
    data["declarations_url"] = "/mes-declarations";
  }
  for (const catalog::Amount& am : step.amounts) {
    const std::optional<journeys::CivilDate> since = journeys::CivilDate::Parse(am.date);
    data["amounts"].push_back({{"label", am.label.In(lang)},
                               {"value", am.value},
                               {"source", am.source},
                               {"date", since ? since->ToDisplay(lang) : am.date}});
  }
  data["has_amounts"] = !step.amounts.empty();
  for (const catalog::Reference& ref : step.references) {
    std::string detail = ref.sheet;
    if (!ref.law.empty()) detail += (detail.empty() ? "" : " · ") + ref.law;
    data["references"].push_back({{"label", ref.label.In(lang)}, {"url", ref.url}, {"detail", detail}});
  }
  if (saved) data["saved_notice"] = {{"text", Msg(s, r, "journeys.saved")}, {"kind", "success"}};
  return RenderPage(s, r, "journey_step", std::move(data), error != nullptr ? 400 : 200);
}

}  // namespace

void RegisterJourneyPages(http::Router& router, const api::Services& s) {
  router.Add("GET", "/evenements", [&s](http::Request& r) { return EventsPage(s, r); }, "web.journeys.events", "public");
  router.Add("GET", "/evenements/{event_id}", [&s](http::Request& r) { return EventPage(s, r, nullptr, nullptr); },
             "web.journeys.event", "public");
  router.Add("POST", "/evenements/{event_id}", [&s](http::Request& r) { return StartJourney(s, r); },
             "web.journeys.start", "usager");
  router.Add("GET", "/mes-parcours", [&s](http::Request& r) { return JourneysPage(s, r); }, "web.journeys.mine",
             "usager");
  router.Add("GET", "/mes-parcours/{journey_id}",
             [&s](http::Request& r) {
               auto opened = OpenJourney(s, r, false);
               if (!opened.ok()) return Refuse(s, r, opened.status());
               return JourneyPage(s, r, opened->who, opened->view, nullptr, nullptr, r.Query("ok").has_value());
             },
             "web.journeys.journey", "usager");
  router.Add("POST", "/mes-parcours/{journey_id}",
             [&s](http::Request& r) {
               auto opened = OpenJourney(s, r, false);
               if (!opened.ok()) return Refuse(s, r, opened.status());
               const Who* who = &opened->who;
               const journeys::JourneyView* view = &opened->view;
               const FormFields form = r.FormFields();
               std::vector<std::string> rules;
               for (const auto& q : view->event->questions) rules.push_back(q.rule);
               auto answers = detail::ReadAnswers(*view->event, rules, form);
               if (!answers.ok()) return JourneyPage(s, r, *who, *view, &form, &answers.status(), false);
               // The plan's questions are the ones still unanswered: nothing was shown prefilled.
               const journeys::FormSubmission submission{view->event->id + "/plan", {}};
               auto updated =
                   s.journeys->UpdateSituation(who->actor, who->person, view->journey.id, *answers, &submission);
               if (!updated.ok()) {
                 if (updated.status().code() == StatusCode::kInvalidArgument) {
                   return JourneyPage(s, r, *who, *view, &form, &updated.status(), false);
                 }
                 return Refuse(s, r, updated.status());
               }
               return http::Response::Redirect("/mes-parcours/" + view->journey.id + "?ok=1");
             },
             "web.journeys.situation", "usager");
  router.Add("GET", "/mes-parcours/{journey_id}/etapes/{step_id}",
             [&s](http::Request& r) {
               auto opened = OpenJourney(s, r, true);
               if (!opened.ok()) return Refuse(s, r, opened.status());
               return StepPage(s, r, opened->who, opened->view, opened->step(), nullptr, nullptr,
                               r.Query("ok").has_value());
             },
             "web.journeys.step", "usager");
  router.Add("POST", "/mes-parcours/{journey_id}/etapes/{step_id}",
             [&s](http::Request& r) {
               auto opened = OpenJourney(s, r, true);
               if (!opened.ok()) return Refuse(s, r, opened.status());
               const Who* who = &opened->who;
               const journeys::JourneyView* view = &opened->view;
               const journeys::StepPlan* sp = &opened->step();
               const FormFields form = r.FormFields();
               auto answers = detail::ReadAnswers(*view->event, sp->step->questions, form);
               std::optional<journeys::StepStatus> status;
               if (auto it = form.find("statut"); it != form.end()) status = journeys::ParseStepStatus(it->second);
               Status errors = answers.ok() ? InvalidArgument("journeys.invalid_answers", "Certaines réponses sont invalides.")
                                            : answers.status();
               bool failed = !answers.ok();
               if (form.contains("statut") && !status) {
                 errors.WithField(FieldError{"statut", "Choisissez où vous en êtes.", "unknown_status", {}});
                 failed = true;
               }
               if (failed) return StepPage(s, r, *who, *view, *sp, &form, &errors, false);
               const std::string step_id = sp->step->id;
               if (!answers->empty()) {
                 auto shown = s.journeys->PrefillFor(who->actor, who->person, view->event->id, sp->step->questions);
                 if (!shown.ok()) return Refuse(s, r, shown.status());
                 const journeys::FormSubmission submission{view->event->id + "/" + step_id, detail::KnownNames(*shown)};
                 auto updated =
                     s.journeys->UpdateSituation(who->actor, who->person, view->journey.id, *answers, &submission);
                 if (!updated.ok()) {
                   if (updated.status().code() == StatusCode::kInvalidArgument) {
                     return StepPage(s, r, *who, *view, *sp, &form, &updated.status(), false);
                   }
                   return Refuse(s, r, updated.status());
                 }
               }
               if (status) {
                 auto set = s.journeys->SetStepStatus(who->actor, who->person, view->journey.id, step_id, *status);
                 if (!set.ok() && set.status().code() != StatusCode::kConflict) return Refuse(s, r, set.status());
               }
               return http::Response::Redirect("/mes-parcours/" + view->journey.id + "/etapes/" + step_id + "?ok=1");
             },
             "web.journeys.step_save", "usager");
}

}  // namespace parcours::web
