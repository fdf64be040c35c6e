// The proactive offers' JSON API (see include/parcours/api/proactive.h).
#include "parcours/api/proactive.h"

#include "parcours/api/vault.h"
#include "parcours/base/clock.h"
#include "parcours/proactive/offers.h"
#include "parcours/vault/actor.h"

namespace parcours::api {
namespace {

using nlohmann::json;

http::Response NoService(const http::Request& r) {
  return http::Problem(Unavailable("proactive.unavailable", "Les propositions de droits ne sont pas disponibles."),
                       r.request_id);
}

using Handler = std::function<http::Response(http::Request&, proactive::OfferService&, const journeys::Actor&,
                                             const std::string&)>;

// Resolves who acts for {person_id} (the person, or under a mandate) and calls `fn`.
http::Handler ForPerson(const Services& s, proactive::OfferService* offers, Handler fn) {
  return [&s, offers, fn = std::move(fn)](http::Request& r) {
    if (offers == nullptr) return NoService(r);
    const std::string person = r.Param("person_id");
    auto actor = VaultActorFor(r, person, *s.clock);
    if (!actor.ok()) return http::Problem(actor.status(), r.request_id);
    return fn(r, *offers, journeys::Actor{actor->ToString(), "api"}, person);
  };
}

}  // namespace

json OfferJson(const proactive::Offer& o, const std::string& lang) {
  json j = {{"id", o.id},
            {"entitlement", o.entitlement_id},
            {"status", std::string(proactive::OfferStatusName(o.status))},
            {"origin", o.origin},
            {"explanation", o.ExplanationIn(lang)},
            {"created_at", FormatRfc3339(TimePoint(std::chrono::milliseconds(o.created_ms)))}};
  j["amount"] = o.amount ? json(*o.amount) : json(nullptr);
  j["amount_text"] = o.amount_text;
  if (o.decided_ms) j["decided_at"] = FormatRfc3339(TimePoint(std::chrono::milliseconds(*o.decided_ms)));
  if (!o.journey_id.empty()) j["journey_id"] = o.journey_id;
  if (o.entitlement != nullptr) {
    j["title"] = o.entitlement->title.In(lang);
    j["summary"] = o.entitlement->summary.In(lang);
    j["administration"] = o.entitlement->administration;
    j["claim"] = {{"event", o.entitlement->event_id}, {"step", o.entitlement->step_id}};
  }
  return j;
}

void RegisterProactiveRoutes(http::Router& router, const Services& s, proactive::OfferService* offers) {
  router.Add("GET", "/api/v1/persons/{person_id}/offers",
             ForPerson(s, offers, [](http::Request& r, proactive::OfferService& offers, const journeys::Actor&,
                             const std::string& person) {
               auto list = offers.List(person);
               if (!list.ok()) return http::Problem(list.status(), r.request_id);
               json items = json::array();
               for (const auto& o : *list) items.push_back(OfferJson(o, r.Language()));
               return http::Response::Json({{"person_id", person}, {"offers", items}});
             }),
             "proactive.offers.list", "person");

  router.Add("POST", "/api/v1/persons/{person_id}/offers/{offer_id}/accept",
             ForPerson(s, offers, [](http::Request& r, proactive::OfferService& offers, const journeys::Actor& actor,
                             const std::string& person) {
               auto accepted = offers.Accept(actor, person, r.Param("offer_id"));
               if (!accepted.ok()) return http::Problem(accepted.status(), r.request_id);
               return http::Response::Json(
                   {{"offer", OfferJson(accepted->offer, r.Language())},
                    {"journey_id", accepted->journey_id},
                    {"step_id", accepted->step_id},
                    {"step_url", "/mes-parcours/" + accepted->journey_id + "/etapes/" + accepted->step_id}});
             }),
             "proactive.offers.accept", "person");

  router.Add("POST", "/api/v1/persons/{person_id}/offers/{offer_id}/decline",
             ForPerson(s, offers, [](http::Request& r, proactive::OfferService& offers, const journeys::Actor& actor,
                             const std::string& person) {
               auto declined = offers.Decline(actor, person, r.Param("offer_id"));
               if (!declined.ok()) return http::Problem(declined.status(), r.request_id);
               return http::Response::Json({{"offer", OfferJson(*declined, r.Language())}});
             }),
             "proactive.offers.decline", "person");
}

}  // namespace parcours::api
