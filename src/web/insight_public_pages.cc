// Open data and "Je donne mon avis" pages (see include/parcours/web/insight_pages.h).
#include <nlohmann/json.hpp>

#include "field_errors.h"
#include "insight_public.h"
#include "vault_format.h"
#include "parcours/api/insight.h"
#include "parcours/auth/principal.h"
#include "parcours/catalog/catalog.h"
#include "parcours/insight/export.h"
#include "parcours/insight/service.h"
#include "parcours/journeys/journeys.h"
#include "parcours/web/page.h"

namespace parcours::web {
namespace {

using nlohmann::json;

std::string Cell(const json& v, const char* format, double scale = 1.0) {
  if (v.value("suppressed", false)) return "secret (< 10)";
  const json& x = v["value"];
  if (x.is_null()) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, x.get<double>() * scale);
  return buf;
}

http::Response OpenDataPage(const api::Services& s, http::Request& r) {
  if (!s.insight || !s.journeys) {
    return InsightRefuse(s, r, Unavailable("insight.unavailable", "Les indicateurs ne sont pas disponibles."));
  }
  if (Status st = s.insight->Refresh(); !st.ok()) return InsightRefuse(s, r, st);
  const std::string lang = PageLanguage(r);
  // Up to when the figures are complete, as the pilote's dashboards say it.
  auto when = s.insight->AsOf();
  if (!when.ok()) return InsightRefuse(s, r, when.status());
  const std::string as_of = when->has_value()
                                ? Msg(s, r, "insight.as_of", {{"time", detail::VaultDateTime(**when, lang)}})
                                : Msg(s, r, "insight.as_of_none");
  insight::Filter f;
  f.to_day = s.insight->Today();
  f.from_day = f.to_day - 89;
  json rows = json::array();
  for (const auto& e : s.journeys->catalog().events()) {
    f.journey = e.id;
    auto now = insight::Compute(s.insight->db(), f);
    if (!now.ok()) return InsightRefuse(s, r, now.status());
    const json d = insight::OpenData(*now);
    rows.push_back({{"cells", json::array({{{"value", e.title.In(lang)}, {"header", true}},
                                          {{"value", Cell(d["journeys_started"], "%.0f")}, {"numeric", true}},
                                          {{"value", Cell(d["completion_rate"], "%.1f %%", 100)}, {"numeric", true}},
                                          {{"value", Cell(d["satisfaction"], "%.1f / 10")}, {"numeric", true}},
                                          {{"value", Cell(d["nps"], "%.0f")}, {"numeric", true}},
                                          {{"value", Cell(d["reasked_rate"], "%.1f %%", 100)}, {"numeric", true}}})}});
  }
  const std::string period = insight::DayToIso(f.from_day) + " – " + insight::DayToIso(f.to_day);
  json table = {{"caption", Msg(s, r, "insight.open_caption", {{"period", period}})},
                {"head", json::array({{{"label", Msg(s, r, "insight.journey")}},
                                      {{"label", Msg(s, r, "insight.started")}, {"numeric", true}},
                                      {{"label", Msg(s, r, "insight.completion")}, {"numeric", true}},
                                      {{"label", Msg(s, r, "insight.satisfaction")}, {"numeric", true}},
                                      {{"label", Msg(s, r, "insight.nps")}, {"numeric", true}},
                                      {{"label", Msg(s, r, "insight.dlnuf_reasked")}, {"numeric", true}}})},
                {"rows", rows}};
  return RenderPage(s, r, "insight_open_data",
                    {{"title", Msg(s, r, "insight.open_title")}, {"as_of", as_of}, {"table", table}});
}

json Options(const api::Services& s, const http::Request& r, const std::string& chosen,
             std::initializer_list<const char*> values, const char* prefix) {
  json out = json::array();
  for (const char* v : values) {
    out.push_back({{"value", v}, {"label", Msg(s, r, std::string("insight.") + prefix + v)}, {"checked", chosen == v}});
  }
  return out;
}

http::Response FeedbackPage(const api::Services& s, http::Request& r, const insight::FeedbackInput& in,
                            const Status& status, bool thanks) {
  json errors = json::array();
  std::map<std::string, std::string> by_field;
  const std::string lang = PageLanguage(r);
  for (const auto& f : status.field_errors()) {
    const std::string message = detail::FieldErrorMessage(*s.renderer, lang, "insight", f);
    errors.push_back({{"href", "#avis-" + f.field}, {"message", message}});
    by_field[f.field] = message;
  }
  if (!status.ok() && errors.empty()) {
    errors.push_back({{"href", "#avis-satisfaction"}, {"message", detail::RefusalMessage(*s.renderer, lang, status)}});
  }
  auto Err = [&](const char* f) { return by_field.count(f) ? json(by_field[f]) : json(nullptr); };
  const auth::Principal* p = auth::PrincipalOf(r);
  json data = {
      {"title", Msg(s, r, "insight.feedback_title")},
      {"errors", errors},
      {"thanks", thanks},
      {"csrf", p != nullptr ? p->csrf_token : ""},
      {"parcours", in.life_event},
      {"etape", in.step_id},
      {"service", in.service},
      {"can_link", p != nullptr && !p->person_id.empty()},
      {"link_checked", in.link_identity},  // kept after an error, as the other answers
      {"radios", json::array({
          {{"id", "avis-satisfaction"}, {"name", "satisfaction"}, {"legend", Msg(s, r, "insight.q_satisfaction")},
           {"required", true}, {"error", Err("satisfaction")}, {"options", Options(s, r, in.satisfaction, {"bien", "moyen", "mal"}, "a_")}},
          {{"id", "avis-facilite"}, {"name", "facilite"}, {"legend", Msg(s, r, "insight.q_ease")}, {"error", Err("facilite")},
           {"options", Options(s, r, in.ease, {"bien", "moyen", "mal"}, "a_")}},
          {{"id", "avis-clarte"}, {"name", "clarte"}, {"legend", Msg(s, r, "insight.q_clarity")}, {"error", Err("clarte")},
           {"options", Options(s, r, in.clarity, {"bien", "moyen", "mal"}, "a_")}},
          {{"id", "avis-aide"}, {"name", "aide"}, {"legend", Msg(s, r, "insight.q_help")}, {"error", Err("aide")},
           {"options", Options(s, r, in.help_sought, {"oui", "non"}, "yn_")}},
          {{"id", "avis-aide_obtenue"}, {"name", "aide_obtenue"}, {"legend", Msg(s, r, "insight.q_help_reached")},
           {"hint", Msg(s, r, "insight.q_help_reached_hint")}, {"error", Err("aide_obtenue")},
           {"options", Options(s, r, in.help_reached, {"oui", "non"}, "yn_")}}})},
      {"fields", json::array({
          {{"id", "avis-recommandation"}, {"name", "recommandation"}, {"label", Msg(s, r, "insight.q_nps")},
           {"hint", Msg(s, r, "insight.q_nps_hint")}, {"value", in.nps}, {"inputmode", "numeric"}, {"width", "short"},
           {"error", Err("recommandation")}},
          {{"id", "avis-effort"}, {"name", "effort"}, {"label", Msg(s, r, "insight.q_effort")},
           {"hint", Msg(s, r, "insight.q_effort_hint")}, {"value", in.effort}, {"inputmode", "numeric"}, {"width", "short"},
           {"error", Err("effort")}}})},
      {"comment", in.comment},
      {"comment_error", Err("commentaire")},
      {"parcours_error", Err("parcours")}};
  int code = 200;
  if (!status.ok()) code = status.code() == StatusCode::kResourceExhausted ? 429 : 400;
  return RenderPage(s, r, "insight_feedback", std::move(data), code);
}

std::string First(const std::multimap<std::string, std::string>& form, const char* key) {
  auto it = form.find(key);
  return it == form.end() ? "" : it->second;
}

}  // namespace

void RegisterInsightPublicPages(http::Router& router, const api::Services& s) {
  router.Add("GET", "/donnees-ouvertes", [&s](http::Request& r) { return OpenDataPage(s, r); }, "web.insight.open_data",
             "public");
  router.Add(
      "GET", "/avis",
      [&s](http::Request& r) {
        insight::FeedbackInput in;
        in.life_event = r.Query("parcours").value_or("");
        in.step_id = r.Query("etape").value_or("");
        in.service = r.Query("service").value_or("");
        return FeedbackPage(s, r, in, Status::Ok(), false);
      },
      "web.insight.feedback", "public");
  router.Add(
      "POST", "/avis",
      [&s](http::Request& r) {
        const auto form = r.FormFields();
        insight::FeedbackInput in;
        in.life_event = First(form, "parcours");
        in.step_id = First(form, "etape");
        in.service = First(form, "service");
        in.satisfaction = First(form, "satisfaction");
        in.ease = First(form, "facilite");
        in.clarity = First(form, "clarte");
        in.help_sought = First(form, "aide");
        in.help_reached = in.help_sought == "oui" ? First(form, "aide_obtenue") : "";
        in.nps = First(form, "recommandation");
        in.effort = First(form, "effort");
        in.comment = First(form, "commentaire");
        in.link_identity = First(form, "lier") == "oui";
        in.channel = "web";
        if (!s.insight) return InsightRefuse(s, r, Unavailable("insight.unavailable", "Les avis ne sont pas disponibles."));
        if (s.journeys && !in.life_event.empty() && s.journeys->catalog().FindEvent(in.life_event) == nullptr) {
          return FeedbackPage(s, r, in,
                              InvalidArgument("insight.bad_feedback", "Parcours inconnu.").WithField("parcours", "Parcours inconnu."),
                              false);
        }
        const auth::Principal* p = auth::PrincipalOf(r);
        const std::string person = p != nullptr ? p->person_id : "";
        const std::string client = p != nullptr && !p->user_id.empty() ? "user:" + p->user_id : "ip:" + r.remote_address;
        auto id = s.insight->feedback().Submit(client, person, in);
        if (!id.ok()) return FeedbackPage(s, r, in, id.status(), false);
        return FeedbackPage(s, r, insight::FeedbackInput{}, Status::Ok(), true);
      },
      "web.insight.feedback_post", "public");
}

}  // namespace parcours::web
