// Pilote dashboards, open data and the feedback form (see include/parcours/web/insight_pages.h).
#include "parcours/web/insight_pages.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "console_format.h"
#include "field_errors.h"
#include "insight_public.h"
#include "vault_format.h"
#include <nlohmann/json.hpp>

#include "parcours/api/insight.h"
#include "parcours/auth/principal.h"
#include "parcours/web/auth_pages.h"
#include "parcours/catalog/catalog.h"
#include "parcours/exchange/registry.h"
#include "parcours/insight/export.h"
#include "parcours/insight/service.h"
#include "parcours/journeys/journeys.h"
#include "parcours/web/page.h"

namespace parcours::web {
namespace {

using nlohmann::json;

// A figure as the page's language writes it: "24,0 %" in French, "24.0 %" in English.
std::string Fmt(const std::optional<double>& v, const char* format, double scale = 1.0, std::string_view lang = "fr") {
  if (!v) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, *v * scale);
  std::string out = buf;
  if (lang == "fr") std::replace(out.begin(), out.end(), '.', ',');
  return out;
}

// A day as people read it: "07/12/2026" for "2026-12-07" (which stays the query's form).
std::string ShownIso(const std::string& iso) {
  return iso.size() == 10 ? iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4) : iso;
}
std::string ShownDay(int64_t day) { return ShownIso(insight::DayToIso(day)); }
std::string Hours(const std::optional<int64_t>& h, std::string_view lang) {
  if (!h) return "–";
  return *h <= 48 ? std::to_string(*h) + " h" : std::to_string(*h / 24) + (lang == "en" ? " d" : " j");
}

std::string Encode(const std::string& v) {
  std::string out;
  for (unsigned char ch : v) {
    if (std::isalnum(ch) || ch == '-' || ch == '_') {
      out += static_cast<char>(ch);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", ch);
      out += buf;
    }
  }
  return out;
}


// A horizontal bar chart (SVG): one bar per row, value / max of the rows.
json BarChart(const std::string& title, const std::vector<std::pair<std::string, double>>& bars,
              const std::string& unit, std::string_view lang) {
  double max = 0;
  for (const auto& [label, v] : bars) max = std::max(max, v);
  json items = json::array();
  const int row = 28;
  int y = 0;
  for (const auto& [label, v] : bars) {
    const double w = max > 0 ? 380.0 * v / max : 0;
    items.push_back({{"label", label}, {"y", y + 18}, {"bar_y", y + 4}, {"width", static_cast<int>(w)},
                     {"text_x", 232 + static_cast<int>(w)},
                     {"value", Fmt(v, unit == "%" ? "%.1f %%" : "%.0f", 1.0, lang)}});
    y += row;
  }
  return {{"title", title}, {"height", std::max(y, row)}, {"bars", items}};
}

json Row(const std::string& label, const std::string& now, const std::string& before) {
  return {{"cells", json::array({{{"value", label}, {"header", true}},
                                 {{"value", now}, {"numeric", true}},
                                 {{"value", before}, {"numeric", true}}})}};
}

http::Response Dashboard(const api::Services& s, http::Request& r, bool journey) {
  if (!s.insight) return InsightRefuse(s, r, Unavailable("insight.unavailable", "Les indicateurs ne sont pas disponibles."));
  // The path names the journey or the service; the query string holds the other filters.
  http::Request copy = r;
  const std::string id = r.Param("id");
  std::string target = r.path + "?" + (journey ? "parcours=" : "service=") + Encode(id);
  for (const char* k : {"du", "au", "canal", "departement", "commune"}) {
    if (auto v = r.Query(k)) target += std::string("&") + k + "=" + Encode(*v);
  }
  json errors = json::array();
  insight::Filter filter;
  auto parsed = copy.SetTarget(target).ok() ? api::InsightFilterOf(s, copy)
                                            : Result<insight::Filter>(InvalidArgument("insight.bad_filter", "Filtres illisibles."));
  if (!parsed.ok()) {
    if (parsed.status().code() == StatusCode::kNotFound) return InsightRefuse(s, r, parsed.status());
    const std::string lang = PageLanguage(r);
    for (const auto& f : parsed.status().field_errors()) {
      errors.push_back({{"href", "#f-" + f.field}, {"message", detail::FieldErrorMessage(*s.renderer, lang, "insight", f)}});
    }
    if (errors.empty()) {
      errors.push_back({{"href", "#f-du"}, {"message", detail::RefusalMessage(*s.renderer, lang, parsed.status())}});
    }
    filter.journey = journey ? id : "";
    filter.service = journey ? "" : id;
    filter.to_day = s.insight->Today();
    filter.from_day = filter.to_day - 89;
  } else {
    filter = *parsed;
  }
  auto both = s.insight->Dashboard(filter);
  if (!both.ok()) return InsightRefuse(s, r, both.status());
  const insight::Indicators& c = both->first;
  const insight::Indicators& p = both->second;
  std::string label = id;
  if (s.journeys) {
    if (journey) {
      if (const auto* e = s.journeys->catalog().FindEvent(id)) label = e->title.In(PageLanguage(r));
    } else if (const auto* a = s.journeys->catalog().FindAdministration(id)) {
      label = a->name.In(PageLanguage(r));
    }
  }
  const std::string lang = PageLanguage(r);
  // Steps, administrations and exchange services by their names, not their ids.
  const catalog::Catalog* catalog = s.journeys != nullptr ? &s.journeys->catalog() : nullptr;
  auto step_title = [&](const std::string& step_id) {
    if (catalog == nullptr) return step_id;
    for (const catalog::Event& e : catalog->events()) {
      if (journey && e.id != id) continue;
      if (const catalog::Step* st = e.FindStep(step_id)) return st->title.In(lang);
    }
    return step_id;
  };
  auto service_name = [&](const std::string& service) {  // an administration, else an exchange service
    if (catalog != nullptr && catalog->FindAdministration(service) != nullptr) {
      return OrganisationName(s, service, lang);
    }
    if (auto tx = s.db->BeginRead(); tx.ok()) {
      if (auto def = exchange::GetService(**tx, service); def.ok()) return lang == "en" ? def->name_en : def->name_fr;
    }
    return service;
  };
  json rows = json::array();
  auto Pct = [&lang](const std::optional<double>& v) { return Fmt(v, "%.1f %%", 100.0, lang); };
  auto Score = [&lang](const std::optional<double>& v, const char* format) { return Fmt(v, format, 1.0, lang); };
  auto Dur = [&lang](const std::optional<int64_t>& h) { return Hours(h, lang); };
  rows.push_back(Row(Msg(s, r, "insight.started"), std::to_string(c.journeys_started), std::to_string(p.journeys_started)));
  rows.push_back(Row(Msg(s, r, "insight.completion"), Pct(c.completion_rate), Pct(p.completion_rate)));
  rows.push_back(Row(Msg(s, r, "insight.autonomy"), Pct(c.autonomy_rate), Pct(p.autonomy_rate)));
  rows.push_back(Row(Msg(s, r, "insight.time_median"), Dur(c.time_to_complete.median_hours), Dur(p.time_to_complete.median_hours)));
  rows.push_back(Row(Msg(s, r, "insight.time_p90"), Dur(c.time_to_complete.p90_hours), Dur(p.time_to_complete.p90_hours)));
  rows.push_back(Row(Msg(s, r, "insight.benefit_median"), Dur(c.time_to_benefit.median_hours), Dur(p.time_to_benefit.median_hours)));
  rows.push_back(Row(Msg(s, r, "insight.dlnuf_reasked"), std::to_string(c.fields_reasked) + " (" + Pct(c.reasked_rate) + ")",
                     std::to_string(p.fields_reasked) + " (" + Pct(p.reasked_rate) + ")"));
  rows.push_back(Row(Msg(s, r, "insight.dlnuf_prefilled"), Pct(c.prefilled_rate), Pct(p.prefilled_rate)));
  rows.push_back(Row(Msg(s, r, "insight.satisfaction"), Score(c.satisfaction, "%.1f / 10"),
                     Score(p.satisfaction, "%.1f / 10")));
  rows.push_back(Row(Msg(s, r, "insight.ease"), Score(c.ease, "%.1f / 10"),
                     Score(p.ease, "%.1f / 10")));
  rows.push_back(Row(Msg(s, r, "insight.clarity"), Score(c.clarity, "%.1f / 10"),
                     Score(p.clarity, "%.1f / 10")));
  rows.push_back(Row(Msg(s, r, "insight.help_reached"), Pct(c.help_reached_rate), Pct(p.help_reached_rate)));
  rows.push_back(Row(Msg(s, r, "insight.nps"), Score(c.nps, "%.0f"), Score(p.nps, "%.0f")));
  rows.push_back(Row(Msg(s, r, "insight.effort"), Score(c.effort, "%.1f / 7"), Score(p.effort, "%.1f / 7")));
  rows.push_back(Row(Msg(s, r, "insight.feedback"), std::to_string(c.feedback), std::to_string(p.feedback)));
  rows.push_back(Row(Msg(s, r, "insight.proactive"), Pct(c.proactive_take_up), Pct(p.proactive_take_up)));
  rows.push_back(Row(Msg(s, r, "insight.complaints"), std::to_string(c.complaints), std::to_string(p.complaints)));
  rows.push_back(Row(Msg(s, r, "insight.complaint_delay"), Dur(c.complaint_delay.median_hours), Dur(p.complaint_delay.median_hours)));

  std::vector<std::pair<std::string, double>> drop;
  json funnel_rows = json::array();
  for (const auto& st : c.funnel) {
    const std::string title = step_title(st.step);
    drop.push_back({title, st.dropoff_rate.value_or(0) * 100});
    funnel_rows.push_back({{"cells", json::array({{{"value", title}, {"header", true}},
                                                  {{"value", service_name(st.service)}},
                                                  {{"value", std::to_string(st.started)}, {"numeric", true}},
                                                  {{"value", std::to_string(st.done)}, {"numeric", true}},
                                                  {{"value", Pct(st.dropoff_rate)}, {"numeric", true}}})}});
  }
  std::vector<std::pair<std::string, double>> delays;
  json agency_rows = json::array();
  for (const auto& a : c.agencies) {
    const std::string name = service_name(a.service);  // one lookup per agency, for the chart and the table
    delays.push_back({name, static_cast<double>(a.decision.median_hours.value_or(0)) / 24.0});
    agency_rows.push_back({{"cells", json::array({{{"value", name}, {"header", true}},
                                                  {{"value", std::to_string(a.delivered)}, {"numeric", true}},
                                                  {{"value", std::to_string(a.failed + a.dead_lettered)}, {"numeric", true}},
                                                  {{"value", Dur(a.decision.median_hours)}, {"numeric", true}},
                                                  {{"value", Dur(a.decision.p90_hours)}, {"numeric", true}}})}});
  }
  // What the background fold has counted so far.
  std::string as_of = Msg(s, r, "insight.as_of_none");
  if (auto when = s.insight->AsOf(); when.ok() && when->has_value()) {
    as_of = Msg(s, r, "insight.as_of", {{"time", detail::VaultDateTime(**when, lang)}});
  }
  auto comments = insight::Comments(s.insight->db(), filter, 20);
  json comment_list = json::array();
  if (comments.ok()) {
    for (const auto& cm : *comments) {
      comment_list.push_back({{"day", ShownIso(cm.day)},
                              {"satisfaction", Msg(s, r, "insight.a_" + cm.satisfaction)},
                              {"text", cm.text}});
    }
  }
  std::string query = std::string(journey ? "parcours=" : "service=") + id + "&du=" + insight::DayToIso(filter.from_day) +
                      "&au=" + insight::DayToIso(filter.to_day);
  if (!filter.channel.empty()) query += "&canal=" + filter.channel;
  if (!filter.departement.empty()) query += "&departement=" + filter.departement;
  if (!filter.commune.empty()) query += "&commune=" + filter.commune;
  const std::string period = ShownDay(filter.from_day) + " – " + ShownDay(filter.to_day);
  const insight::Filter prev = insight::PreviousPeriod(filter);
  const std::string prev_period = ShownDay(prev.from_day) + " – " + ShownDay(prev.to_day);
  json data = {
      {"title", Msg(s, r, "insight.dashboard_title", {{"name", label}})},
      {"errors", errors},
      {"as_of", as_of},
      {"filter", {{"du", insight::DayToIso(filter.from_day)}, {"au", insight::DayToIso(filter.to_day)},
                  {"canal", filter.channel}, {"departement", filter.departement}, {"commune", filter.commune}}},
      {"channels", json::array({{{"value", ""}, {"label", Msg(s, r, "insight.all_channels")}, {"selected", filter.channel.empty()}},
                                {{"value", "web"},
                                 {"label", Msg(s, r, "insight.web")},
                                 {"selected", filter.channel == "web"}},
                                {{"value", "counter"}, {"label", Msg(s, r, "insight.counter")}, {"selected", filter.channel == "counter"}},
                                {{"value", "phone"}, {"label", Msg(s, r, "insight.phone")}, {"selected", filter.channel == "phone"}}})},
      {"summary", {{"caption", Msg(s, r, "insight.summary_caption", {{"period", period}, {"previous", prev_period}})},
                   {"head", json::array({{{"label", Msg(s, r, "insight.indicator")}},
                                         {{"label", period}, {"numeric", true}},
                                         {{"label", prev_period}, {"numeric", true}}})},
                   {"rows", rows}}},
      {"dropoff_chart", BarChart(Msg(s, r, "insight.dropoff_chart"), drop, "%", lang)},
      {"funnel", {{"caption", Msg(s, r, "insight.funnel_caption")},
                  {"head", json::array({{{"label", Msg(s, r, "insight.step")}}, {{"label", Msg(s, r, "insight.service")}},
                                        {{"label", Msg(s, r, "insight.step_started")}, {"numeric", true}},
                                        {{"label", Msg(s, r, "insight.step_done")}, {"numeric", true}},
                                        {{"label", Msg(s, r, "insight.dropoff")}, {"numeric", true}}})},
                  {"rows", funnel_rows}}},
      {"has_funnel", !c.funnel.empty()},
      {"delay_chart", BarChart(Msg(s, r, "insight.delay_chart"), delays, "j", lang)},
      {"agencies", {{"caption", Msg(s, r, "insight.agencies_caption")},
                    {"head", json::array({{{"label", Msg(s, r, "insight.service")}},
                                          {{"label", Msg(s, r, "insight.delivered")}, {"numeric", true}},
                                          {{"label", Msg(s, r, "insight.failed")}, {"numeric", true}},
                                          {{"label", Msg(s, r, "insight.decision_median")}, {"numeric", true}},
                                          {{"label", Msg(s, r, "insight.decision_p90")}, {"numeric", true}}})},
                    {"rows", agency_rows}}},
      {"has_agencies", !c.agencies.empty()},
      {"comments", comment_list},
      {"has_comments", !comment_list.empty()},
      {"export_csv", "/api/v1/insight/indicators.csv?" + query},
      {"export_json", "/api/v1/insight/indicators?" + query},
      {"action", r.path}};
  return RenderPage(s, r, "insight_dashboard", std::move(data), errors.empty() ? 200 : 400);
}

http::Response Home(const api::Services& s, http::Request& r) {
  json journeys = json::array(), services = json::array();
  if (s.journeys) {
    const std::string lang = PageLanguage(r);
    std::set<std::string> seen;
    for (const auto& e : s.journeys->catalog().events()) {
      journeys.push_back({{"href", "/pilote/parcours/" + e.id}, {"label", e.title.In(lang)}});
      for (const auto& step : e.steps) {
        if (!seen.insert(step.administration).second) continue;
        if (const auto* a = s.journeys->catalog().FindAdministration(step.administration)) {
          services.push_back({{"href", "/pilote/services/" + a->id}, {"label", a->name.In(lang)}});
        }
      }
    }
  }
  return RenderPage(s, r, "insight_home", {{"title", Msg(s, r, "insight.home_title")}, {"journeys", journeys}, {"services", services}});
}

}  // namespace

http::Response InsightRefuse(const api::Services& s, const http::Request& r, const Status& status) {
  // The pilote's pages lead back to the pilote's home; the public ones (open data, feedback) home.
  const bool pilote = r.path.rfind("/pilote", 0) == 0;
  return RefusalPage(s, r, status, pilote ? BackLink{"insight.back_home", "/pilote"} : BackLink{"nav.home", "/"});
}

void RegisterInsightPages(http::Router& router, const api::Services& s) {
  router.Add("GET", "/pilote", [&s](http::Request& r) { return Home(s, r); }, "web.insight.home", "pilote");
  router.Add("GET", "/pilote/parcours/{id}", [&s](http::Request& r) { return Dashboard(s, r, true); },
             "web.insight.journey", "pilote");
  router.Add("GET", "/pilote/services/{id}", [&s](http::Request& r) { return Dashboard(s, r, false); },
             "web.insight.service", "pilote");
  RegisterInsightPublicPages(router, s);
}

}  // namespace parcours::web
