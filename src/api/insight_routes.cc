// The JSON API of the indicators (see include/parcours/api/insight.h).
#include "parcours/api/insight.h"

#include "parcours/auth/principal.h"
#include "parcours/catalog/catalog.h"
#include "parcours/insight/export.h"
#include "parcours/insight/service.h"
#include "parcours/journeys/journeys.h"

namespace parcours::api {
namespace {

using nlohmann::json;

http::Response Fail(const Status& s, const http::Request& r) { return http::Problem(s, r.request_id); }

Status NoInsight() { return Unavailable("insight.unavailable", "Les indicateurs ne sont pas disponibles."); }

std::string Q(const http::Request& r, const char* name) { return r.Query(name).value_or(""); }

std::string Field(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_boolean()) return it->get<bool>() ? "oui" : "non";
  return "\x01";  // an invalid answer, reported by the validation
}

http::Response Indicators(const Services& s, http::Request& r, bool csv) {
  if (!s.insight) return Fail(NoInsight(), r);
  auto filter = InsightFilterOf(s, r);
  if (!filter.ok()) return Fail(filter.status(), r);
  // Up to when the counts are complete, read before them: a fold committing meanwhile only
  // makes the answer more complete than it says.
  if (Status st = s.insight->Refresh(); !st.ok()) return Fail(st, r);
  auto as_of = s.insight->AsOf();
  if (!as_of.ok()) return Fail(as_of.status(), r);
  auto both = s.insight->Dashboard(*filter);
  if (!both.ok()) return Fail(both.status(), r);
  if (!csv) return http::Response::Json(insight::ToJson(both->first, &both->second, *as_of));
  http::Response res =
      http::Response::Text(insight::ToCsv(both->first, both->second, *as_of), 200, "text/csv; charset=utf-8");
  res.SetHeader("Content-Disposition", "attachment; filename=\"indicateurs.csv\"");
  return res;
}

}  // namespace

Result<insight::Filter> InsightFilterOf(const Services& s, const http::Request& r) {
  insight::RawFilter raw{Q(r, "parcours"), Q(r, "service"), Q(r, "canal"), Q(r, "departement"),
                         Q(r, "commune"),  Q(r, "du"),      Q(r, "au")};
  const int64_t today = s.insight ? s.insight->Today() : 0;
  ASSIGN_OR_RETURN(insight::Filter f, insight::ParseFilter(raw, today));
  if (s.journeys != nullptr) {
    const catalog::Catalog& cat = s.journeys->catalog();
    if (!f.journey.empty() && cat.FindEvent(f.journey) == nullptr) {
      return NotFound("insight.unknown_journey", "Parcours inconnu : « " + f.journey + " ».")
          .WithField("parcours", "Parcours inconnu.");
    }
    if (!f.service.empty() && cat.FindAdministration(f.service) == nullptr) {
      return NotFound("insight.unknown_service", "Service inconnu : « " + f.service + " ».")
          .WithField("service", "Service inconnu.");
    }
  }
  return f;
}

void RegisterInsightRoutes(http::Router& router, const Services& s) {
  router.Add("GET", "/api/v1/insight/indicators", [&s](http::Request& r) { return Indicators(s, r, false); },
             "api.insight.indicators", "pilote");
  router.Add("GET", "/api/v1/insight/indicators.csv", [&s](http::Request& r) { return Indicators(s, r, true); },
             "api.insight.indicators_csv", "pilote");
  router.Add(
      "GET", "/api/v1/insight/comments",
      [&s](http::Request& r) {
        if (!s.insight) return Fail(NoInsight(), r);
        auto filter = InsightFilterOf(s, r);
        if (!filter.ok()) return Fail(filter.status(), r);
        if (Status st = s.insight->Refresh(); !st.ok()) return Fail(st, r);
        auto comments = insight::Comments(s.insight->db(), *filter, 100);
        if (!comments.ok()) return Fail(comments.status(), r);
        json out = json::array();
        for (const auto& c : *comments) {
          out.push_back({{"day", c.day}, {"step", c.step}, {"service", c.service}, {"channel", c.channel},
                         {"satisfaction", c.satisfaction}, {"comment", c.text}});
        }
        return http::Response::Json({{"comments", out}});
      },
      "api.insight.comments", "pilote");
  router.Add(
      "GET", "/api/v1/insight/open-data",
      [&s](http::Request& r) {
        if (!s.insight) return Fail(NoInsight(), r);
        auto filter = InsightFilterOf(s, r);
        if (!filter.ok()) return Fail(filter.status(), r);
        if (!filter->channel.empty() || !filter->commune.empty()) {
          return Fail(InvalidArgument("insight.bad_filter", "Les données ouvertes ne se filtrent pas par canal ni par commune.")
                          .WithField(filter->channel.empty() ? "commune" : "canal", "Filtre non disponible ici."),
                      r);
        }
        if (Status st = s.insight->Refresh(); !st.ok()) return Fail(st, r);
        auto as_of = s.insight->AsOf();
        if (!as_of.ok()) return Fail(as_of.status(), r);
        auto now = insight::Compute(s.insight->db(), *filter);
        if (!now.ok()) return Fail(now.status(), r);
        return http::Response::Json(insight::OpenData(*now, *as_of));
      },
      "api.insight.open_data", "public");
  router.Add(
      "POST", "/api/v1/insight/feedback",
      [&s](http::Request& r) {
        if (!s.insight) return Fail(NoInsight(), r);
        auto body = r.JsonBody();
        if (!body.ok()) return Fail(body.status(), r);
        if (!body->is_object()) {
          return Fail(InvalidArgument("insight.bad_feedback", "Le corps de la requête doit être un objet JSON.")
                          .WithField("/", "Objet attendu."),
                      r);
        }
        insight::FeedbackInput in;
        in.life_event = Field(*body, "parcours");
        in.journey_id = Field(*body, "parcours_id");
        in.step_id = Field(*body, "etape");
        in.service = Field(*body, "service");
        in.satisfaction = Field(*body, "satisfaction");
        in.ease = Field(*body, "facilite");
        in.clarity = Field(*body, "clarte");
        in.help_sought = Field(*body, "aide");
        in.help_reached = Field(*body, "aide_obtenue");
        in.nps = Field(*body, "recommandation");
        in.effort = Field(*body, "effort");
        in.comment = Field(*body, "commentaire");
        in.commune = Field(*body, "commune");
        in.channel = "api";
        in.link_identity = Field(*body, "lier_identite") == "oui";
        const auth::Principal* p = auth::PrincipalOf(r);
        const std::string person = p != nullptr ? p->person_id : "";
        const std::string client = p != nullptr && !p->user_id.empty() ? "user:" + p->user_id : "ip:" + r.remote_address;
        auto id = s.insight->feedback().Submit(client, person, in);
        if (!id.ok()) return Fail(id.status(), r);
        return http::Response::Json({{"id", *id}, {"linked", in.link_identity && !person.empty()}}, 201);
      },
      "api.insight.feedback", "public");
}

}  // namespace parcours::api
