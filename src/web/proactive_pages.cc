// "Mes droits" (see include/parcours/web/proactive_pages.h).
#include "parcours/web/proactive_pages.h"

#include <nlohmann/json.hpp>

#include "parcours/api/vault.h"
#include "parcours/auth/principal.h"
#include "parcours/proactive/offers.h"
#include "parcours/web/auth_pages.h"
#include "parcours/web/page.h"
#include "vault_format.h"

namespace parcours::web {
namespace {

using nlohmann::json;

http::Response Unavailable(const api::Services& s, const http::Request& r) {
  return RefusalPage(s, r, parcours::Unavailable("proactive.unavailable", "Les propositions de droits ne sont pas disponibles."));
}

json StatusTag(const api::Services& s, const http::Request& r, proactive::OfferStatus status) {
  switch (status) {
    case proactive::OfferStatus::kAccepted:
      return {{"label", Msg(s, r, "proactive.status_accepted")}, {"kind", "sent"}};
    case proactive::OfferStatus::kDeclined:
      return {{"label", Msg(s, r, "proactive.status_declined")}, {"kind", "not_concerned"}};
    case proactive::OfferStatus::kOffered:
      break;
  }
  return {{"label", Msg(s, r, "proactive.status_offered")}, {"kind", "todo"}};
}

json OfferView(const api::Services& s, const proactive::OfferService& offers, const http::Request& r,
               const proactive::Offer& o, const std::string& lang, const std::string& csrf) {
  const proactive::Entitlement* e = o.entitlement;
  std::string title = e ? e->title.In(lang) : o.entitlement_id;
  std::string administration;
  if (e != nullptr) {
    const catalog::Administration* a = offers.entitlements().catalog().FindAdministration(e->administration);
    administration = a ? a->name.In(lang) : e->administration;
  }
  json v = {{"id", o.id},
            {"title", title},
            {"summary", e ? e->summary.In(lang) : ""},
            {"administration", administration},
            {"amount", o.amount_text},
            {"has_amount", !o.amount_text.empty()},
            {"explanation", o.ExplanationIn(lang)},
            {"csrf_token", csrf},
            {"date", detail::VaultDate(o.decided_ms.value_or(o.created_ms))},
            {"tag", StatusTag(s, r, o.status)},
            {"accept_label", Msg(s, r, "proactive.accept_for", {{"title", title}})},
            {"decline_label", Msg(s, r, "proactive.decline_for", {{"title", title}})}};
  if (o.status == proactive::OfferStatus::kAccepted && e != nullptr && !o.journey_id.empty()) {
    v["step_href"] = "/mes-parcours/" + o.journey_id + "/etapes/" + e->step_id;
  }
  return v;
}

}  // namespace

void RegisterProactivePages(http::Router& router, const api::Services& services, proactive::OfferService* offers) {
  const api::Services& s = services;

  router.Add(
      "GET", "/mes-droits",
      [&s, offers](http::Request& r) {
        if (offers == nullptr) return Unavailable(s, r);
        auto person = api::OwnPersonId(r);
        if (!person.ok()) return RefusalPage(s, r, person.status());
        auto list = offers->List(*person);
        if (!list.ok()) return RefusalPage(s, r, list.status());
        const std::string lang = PageLanguage(r);
        const auth::Principal* p = auth::PrincipalOf(r);
        const std::string csrf = p ? p->csrf_token : "";
        json open = json::array();
        json past = json::array();
        for (const auto& o : *list) {
          (o.status == proactive::OfferStatus::kOffered ? open : past).push_back(OfferView(s, *offers, r, o, lang, csrf));
        }
        json data = {{"title", Msg(s, r, "proactive.title")},
                     {"offers", open},
                     {"has_offers", !open.empty()},
                     {"past", past},
                     {"has_past", !past.empty()}};
        if (r.Query("refus")) data["notice"] = {{"text", Msg(s, r, "proactive.declined_notice")}, {"kind", "info"}};
        return RenderPage(s, r, "proactive_offers", std::move(data));
      },
      "web.proactive.list", "usager");

  router.Add(
      "POST", "/mes-droits/{offer_id}/demande",
      [&s, offers](http::Request& r) {
        if (offers == nullptr) return Unavailable(s, r);
        auto person = api::OwnPersonId(r);
        if (!person.ok()) return RefusalPage(s, r, person.status());
        auto accepted = offers->Accept({"usager:" + *person, "web"}, *person, r.Param("offer_id"));
        if (!accepted.ok()) return RefusalPage(s, r, accepted.status());
        return http::Response::Redirect("/mes-parcours/" + accepted->journey_id + "/etapes/" + accepted->step_id);
      },
      "web.proactive.accept", "usager");

  router.Add(
      "POST", "/mes-droits/{offer_id}/refus",
      [&s, offers](http::Request& r) {
        if (offers == nullptr) return Unavailable(s, r);
        auto person = api::OwnPersonId(r);
        if (!person.ok()) return RefusalPage(s, r, person.status());
        auto declined = offers->Decline({"usager:" + *person, "web"}, *person, r.Param("offer_id"));
        if (!declined.ok()) return RefusalPage(s, r, declined.status());
        return http::Response::Redirect("/mes-droits?refus=1");
      },
      "web.proactive.decline", "usager");
}

}  // namespace parcours::web
