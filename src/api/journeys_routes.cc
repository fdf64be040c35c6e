// The JSON API of life events and journeys (see include/parcours/api/journeys.h).
#include <nlohmann/json.hpp>

#include "journeys_json.h"
#include "parcours/api/journeys.h"
#include "parcours/api/vault.h"
#include "parcours/journeys/answers.h"
#include "parcours/journeys/journeys.h"

namespace parcours::api {
namespace {

using nlohmann::json;

http::Response Fail(const Status& s, const http::Request& r) { return http::Problem(s, r.request_id); }

Status NoJourneys() { return Unavailable("journeys.unavailable", "Le service des parcours n'est pas disponible."); }

// A handler for the logged-in usager's own journeys.
using OwnHandler =
    std::function<http::Response(http::Request&, journeys::JourneyService&, const journeys::Actor&, const std::string&)>;

http::Handler Own(const Services& s, OwnHandler fn) {
  return [&s, fn = std::move(fn)](http::Request& r) {
    if (!s.journeys) return Fail(NoJourneys(), r);
    auto person = OwnPersonId(r);
    if (!person.ok()) return Fail(person.status(), r);
    return fn(r, *s.journeys, journeys::Actor{"usager:" + *person, "api"}, *person);
  };
}

// The vault's refusal of an answer names the rule: the API points at it in the body.
Status AnswerPaths(const Status& s) {
  if (s.reason() != "journeys.invalid_answers") return s;
  Status out(s.code(), s.reason(), s.message());
  for (const FieldError& fe : s.field_errors()) {
    FieldError pointed = fe;  // its reason and parameters stay
    if (fe.field.rfind("/", 0) != 0) pointed.field = "/answers/" + fe.field;
    out.WithField(std::move(pointed));
  }
  return out;
}

Result<json> ObjectBody(const http::Request& r) {
  ASSIGN_OR_RETURN(json body, r.JsonBody());
  if (!body.is_object()) {
    return InvalidArgument("journeys.bad_body", "Le corps de la requête doit être un objet JSON.").WithField("/", "Objet attendu.");
  }
  return body;
}

// Answers sent through the API are a form like the web's, for the DLNUF counters: its id is
// "<event>/api" and `prefilled` (optional) names the answers the client showed prefilled from
// what the journey already knew; any other answer the vault already held counts as asked again.
Result<journeys::FormSubmission> ApiForm(const json& body, const std::string& event_id) {
  journeys::FormSubmission form{event_id + "/api", {}};
  auto it = body.find("prefilled");
  if (it == body.end()) return form;
  Status bad = InvalidArgument("journeys.bad_body", "« prefilled » doit être une liste de noms de questions.")
                   .WithField("/prefilled", "Liste de noms de questions attendue.");
  if (!it->is_array() || it->size() > 500) return bad;
  for (const json& name : *it) {
    if (!name.is_string()) return bad;
    form.prefilled.push_back(name.get<std::string>());
  }
  return form;
}

http::Response StartJourney(http::Request& r, journeys::JourneyService& svc, const journeys::Actor& actor,
                            const std::string& person) {
  auto body = ObjectBody(r);
  if (!body.ok()) return Fail(body.status(), r);
  Status errors = InvalidArgument("journeys.bad_body", "La demande contient des erreurs.");
  bool failed = false;
  const json& event_id = (*body)["event_id"];
  const json& event_date = (*body)["event_date"];
  if (!event_id.is_string()) {
    errors.WithField("/event_id", "Chaîne attendue : l'identifiant d'un événement de vie.");
    failed = true;
  }
  if (!event_date.is_string()) {
    errors.WithField("/event_date", "Chaîne attendue : une date AAAA-MM-JJ.");
    failed = true;
  }
  if (failed) return Fail(errors, r);
  const catalog::Event* event = svc.catalog().FindEvent(event_id.get<std::string>());
  if (event == nullptr) {
    return Fail(NotFound("journeys.unknown_event", "Événement de vie inconnu : « " + event_id.get<std::string>() + " ».")
                    .WithField("/event_id", "Événement de vie inconnu."),
                r);
  }
  journeys::Answers answers;
  if (body->contains("answers")) {
    auto parsed = journeys::AnswersFromJson(*event, (*body)["answers"], "/answers");
    if (!parsed.ok()) return Fail(parsed.status(), r);
    answers = std::move(*parsed);
  }
  auto form = ApiForm(*body, event->id);
  if (!form.ok()) return Fail(form.status(), r);
  auto view = svc.Start(actor, person, event->id, event_date.get<std::string>(), answers, &*form);
  if (!view.ok()) {
    Status st = view.status();
    if (st.reason() == "journeys.invalid_date" || st.reason() == "journeys.date_out_of_range") {
      Status mapped(st.code(), st.reason(), st.message());
      FieldError date = st.field_errors().empty() ? FieldError{"", st.message(), "", {}} : st.field_errors()[0];
      date.field = "/event_date";  // its reason and parameters stay
      return Fail(mapped.WithField(std::move(date)), r);
    }
    return Fail(AnswerPaths(st), r);
  }
  http::Response res = http::Response::Json(detail::JourneyJson(*view, svc.catalog(), r.Language()), 201);
  res.SetHeader("Location", "/api/v1/me/journeys/" + view->journey.id);
  return res;
}

void RegisterCatalogRoutes(http::Router& router, const Services& s) {
  router.Add("GET", "/api/v1/life-events",
             [&s](http::Request& r) {
               if (!s.journeys) return Fail(NoJourneys(), r);
               json events = json::array();
               for (const auto& e : s.journeys->catalog().events()) {
                 events.push_back(detail::LifeEventJson(e, s.journeys->catalog(), r.Language(), false));
               }
               return http::Response::Json({{"life_events", events}});
             },
             "journeys.life_events", "public");
  router.Add("GET", "/api/v1/life-events/{event_id}",
             [&s](http::Request& r) {
               if (!s.journeys) return Fail(NoJourneys(), r);
               const catalog::Event* e = s.journeys->catalog().FindEvent(r.Param("event_id"));
               if (e == nullptr) {
                 return Fail(NotFound("journeys.unknown_event", "Événement de vie inconnu : « " + r.Param("event_id") + " »."), r);
               }
               return http::Response::Json(detail::LifeEventJson(*e, s.journeys->catalog(), r.Language(), true));
             },
             "journeys.life_event", "public");
}

}  // namespace

void RegisterJourneyRoutes(http::Router& router, const Services& s) {
  RegisterCatalogRoutes(router, s);

  router.Add("GET", "/api/v1/me/journeys",
             Own(s, [](http::Request& r, journeys::JourneyService& svc, const journeys::Actor&, const std::string& person) {
               auto list = svc.List(person);
               if (!list.ok()) return Fail(list.status(), r);
               json out = json::array();
               for (const auto& j : *list) out.push_back(detail::JourneySummaryJson(j, svc.catalog(), r.Language()));
               return http::Response::Json({{"journeys", out}});
             }),
             "journeys.list", "usager");

  router.Add("POST", "/api/v1/me/journeys", Own(s, StartJourney), "journeys.start", "usager");

  router.Add("GET", "/api/v1/me/journeys/{journey_id}",
             Own(s, [](http::Request& r, journeys::JourneyService& svc, const journeys::Actor& a, const std::string& person) {
               auto view = svc.Get(a, person, r.Param("journey_id"));
               if (!view.ok()) return Fail(view.status(), r);
               return http::Response::Json(detail::JourneyJson(*view, svc.catalog(), r.Language()));
             }),
             "journeys.get", "usager");

  router.Add("PATCH", "/api/v1/me/journeys/{journey_id}/situation",
             Own(s, [](http::Request& r, journeys::JourneyService& svc, const journeys::Actor& a, const std::string& person) {
               auto body = ObjectBody(r);
               if (!body.ok()) return Fail(body.status(), r);
               auto current = svc.Get(a, person, r.Param("journey_id"));
               if (!current.ok()) return Fail(current.status(), r);
               if (!body->contains("answers")) {
                 return Fail(InvalidArgument("journeys.bad_body", "Le champ « answers » est obligatoire.")
                                 .WithField("/answers", "Objet {question: valeur} attendu."),
                             r);
               }
               auto answers = journeys::AnswersFromJson(*current->event, (*body)["answers"], "/answers");
               if (!answers.ok()) return Fail(answers.status(), r);
               auto form = ApiForm(*body, current->event->id);
               if (!form.ok()) return Fail(form.status(), r);
               auto view = svc.UpdateSituation(a, person, r.Param("journey_id"), *answers, &*form);
               if (!view.ok()) return Fail(AnswerPaths(view.status()), r);
               return http::Response::Json(detail::JourneyJson(*view, svc.catalog(), r.Language()));
             }),
             "journeys.situation", "usager");

  router.Add("GET", "/api/v1/me/journeys/{journey_id}/steps/{step_id}",
             Own(s, [](http::Request& r, journeys::JourneyService& svc, const journeys::Actor& a, const std::string& person) {
               auto view = svc.Get(a, person, r.Param("journey_id"));
               if (!view.ok()) return Fail(view.status(), r);
               const journeys::StepPlan* step = view->plan.Find(r.Param("step_id"));
               if (step == nullptr) {
                 return Fail(NotFound("journeys.unknown_step", "Étape inconnue : « " + r.Param("step_id") + " »."), r);
               }
               return http::Response::Json(detail::StepPlanJson(*step, svc.catalog(), r.Language()));
             }),
             "journeys.step", "usager");

  router.Add("PUT", "/api/v1/me/journeys/{journey_id}/steps/{step_id}/status",
             Own(s, [](http::Request& r, journeys::JourneyService& svc, const journeys::Actor& a, const std::string& person) {
               auto body = ObjectBody(r);
               if (!body.ok()) return Fail(body.status(), r);
               const json& status = (*body)["status"];
               std::optional<journeys::StepStatus> parsed;
               if (status.is_string()) parsed = journeys::ParseStepStatus(status.get<std::string>());
               if (!parsed) {
                 const std::string message = "Statut attendu : a_faire, en_cours, envoyee, terminee ou non_concernee.";
                 return Fail(InvalidArgument("journeys.invalid_status", message).WithField("/status", message), r);
               }
               auto view = svc.SetStepStatus(a, person, r.Param("journey_id"), r.Param("step_id"), *parsed);
               if (!view.ok()) return Fail(view.status(), r);
               const journeys::StepPlan* step = view->plan.Find(r.Param("step_id"));
               return http::Response::Json(detail::StepPlanJson(*step, svc.catalog(), r.Language()));
             }),
             "journeys.step_status", "usager");
}

}  // namespace parcours::api
