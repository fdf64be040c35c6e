// The citizen's declaration pages (see include/parcours/web/exchange_pages.h).
#include "parcours/web/exchange_pages.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "parcours/api/vault.h"
#include "parcours/auth/principal.h"
#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/exchange/delivery.h"
#include "parcours/exchange/inbound.h"
#include "parcours/exchange/outbox.h"
#include "parcours/exchange/registry.h"
#include "parcours/store/store.h"
#include "parcours/vault/vault.h"
#include "parcours/web/auth_pages.h"
#include "parcours/web/page.h"
#include "exchange_format.h"
#include "vault_format.h"
#include "field_errors.h"

namespace parcours::web {
namespace {

using nlohmann::json;
using detail::AttributeLabels;
using detail::DeclarationView;

const vault::Purpose kSelf{"self", "Consultation de vos informations", "web"};
constexpr const char* kAddress[] = {"adresse . voie", "adresse . complément", "adresse . code postal",
                                    "adresse . commune"};


// The form of a new declaration, with `checked` services and an optional error.
http::Response NewPage(const api::Services& s, const http::Request& r, const std::string& person,
                       const std::string& bundle_id, const std::vector<std::string>* checked,
                       const std::string& key, const std::string& error) {
  const std::string lang = PageLanguage(r);
  const vault::Actor me = vault::Actor::Usager(person);
  if (Status st = s.vault->EnsurePerson(me, person); !st.ok()) return RefusalPage(s, r, st);
  auto tx = s.db->BeginRead();
  if (!tx.ok()) return RefusalPage(s, r, tx.status());
  auto bundle = exchange::GetBundle(**tx, bundle_id);
  if (!bundle.ok()) return RefusalPage(s, r, bundle.status());
  std::vector<exchange::ServiceDef> services;
  for (const auto& sid : bundle->services) {
    auto svc = exchange::GetService(**tx, sid);
    if (svc.ok() && svc->active) services.push_back(*svc);
  }
  tx->reset();

  auto consents = s.vault->ListConsents(me, person);
  auto records = s.vault->Read(me, person, {std::begin(kAddress), std::end(kAddress)}, kSelf);
  std::string address;
  if (records.ok()) {
    for (const char* name : kAddress) {
      for (const auto& rec : *records) {
        if (rec.name != name) continue;
        const vault::AttributeDef* def = s.vault->registry().Find(rec.name);
        address += (address.empty() ? "" : ", ") + (def ? vault::DisplayValue(*def, rec.value) : rec.value);
      }
    }
  }
  json items = json::array();
  int index = 0;
  for (const auto& svc : services) {
    bool consented = false;
    if (consents.ok()) {
      for (const auto& c : *consents) consented = consented || (c.active && c.service_id == svc.id && c.purpose == svc.purpose);
    }
    const bool is_checked =
        checked ? std::find(checked->begin(), checked->end(), svc.id) != checked->end() : true;
    items.push_back({{"index", index++},
                     {"id", svc.id},
                     {"name", lang == "en" ? svc.name_en : svc.name_fr},
                     {"receives", AttributeLabels(*s.vault, svc.attributes, lang)},
                     {"purpose", lang == "en" && !svc.purpose_label_en.empty() ? svc.purpose_label_en : svc.purpose_label},
                     {"basis", svc.legal_basis},
                     {"consented", consented},
                     {"checked", is_checked}});
  }
  const auth::Principal* p = auth::PrincipalOf(r);
  json data = {{"title", lang == "en" ? bundle->title_en : bundle->title_fr},
               {"bundle_title", lang == "en" ? bundle->title_en : bundle->title_fr},
               {"bundle_id", bundle->id},
               {"idempotency_key", key},
               {"csrf_token", p ? p->csrf_token : ""},
               {"address", address},
               {"has_address", !address.empty()},
               {"services", items}};
  if (!error.empty()) {
    data["field_error"] = error;
    data["errors"] = json::array({{{"href", "#service-0"}, {"message", error}}});
  }
  return RenderPage(s, r, "declaration_new", std::move(data), error.empty() ? 200 : 422);
}

}  // namespace

void RegisterExchangePages(http::Router& router, const api::Services& services) {
  const api::Services& s = services;

  router.Add(
      "GET", "/mes-declarations",
      [&s](http::Request& r) {
        auto person = api::OwnPersonId(r);
        if (!person.ok()) return RefusalPage(s, r, person.status());
        const std::string lang = PageLanguage(r);
        auto list = s.outbox->ListForPerson(*person);
        if (!list.ok()) return RefusalPage(s, r, list.status());
        json items = json::array();
        for (const auto& d : *list) items.push_back(DeclarationView(s, d, lang));
        json data = {{"title", Msg(s, r, "exchange.list_title")},
                     {"declarations", items},
                     {"new_button", {{"href", "/mes-declarations/nouvelle?demarche=changement-adresse"},
                                     {"label", Msg(s, r, "exchange.new_link")}}}};
        return RenderPage(s, r, "declarations", std::move(data));
      },
      "web.declarations.list", "usager");

  router.Add(
      "GET", "/mes-declarations/nouvelle",
      [&s](http::Request& r) {
        auto person = api::OwnPersonId(r);
        if (!person.ok()) return RefusalPage(s, r, person.status());
        const std::string bundle = r.Query("demarche").value_or("changement-adresse");
        // A fresh idempotency key per form: submitting it twice declares once.
        return NewPage(s, r, *person, bundle, nullptr, NewId(), "");
      },
      "web.declarations.new", "usager");

  router.Add(
      "POST", "/mes-declarations",
      [&s](http::Request& r) {
        auto person = api::OwnPersonId(r);
        if (!person.ok()) return RefusalPage(s, r, person.status());
        const auto fields = r.FormFields();
        auto first = [&fields](const std::string& k) {
          auto it = fields.find(k);
          return it == fields.end() ? std::string() : it->second;
        };
        const std::string bundle = first("demarche");
        std::string key = first("cle");
        if (key.empty() || key.size() > 128) key = NewId();
        std::vector<std::string> chosen;
        for (auto [it, end] = fields.equal_range("service"); it != end; ++it) chosen.push_back(it->second);
        if (chosen.empty()) {
          return NewPage(s, r, *person, bundle, &chosen, key, Msg(s, r, "exchange.error_nothing_checked"));
        }
        const vault::Actor me = vault::Actor::Usager(*person);
        if (Status st = s.vault->EnsurePerson(me, *person); !st.ok()) return RefusalPage(s, r, st);
        // Ticking an agency is the consent to send it what it declared, for its purpose.
        auto consents = s.vault->ListConsents(me, *person);
        if (!consents.ok()) return RefusalPage(s, r, consents.status());
        {
          auto tx = s.db->BeginRead();
          if (!tx.ok()) return RefusalPage(s, r, tx.status());
          for (const auto& sid : chosen) {
            auto svc = exchange::GetService(**tx, sid);
            if (!svc.ok()) return NewPage(s, r, *person, bundle, &chosen, key, detail::RefusalMessage(*s.renderer, PageLanguage(r), svc.status()));
            bool active = false;
            for (const auto& c : *consents) active = active || (c.active && c.service_id == sid && c.purpose == svc->purpose);
            if (active) continue;
            auto granted = s.vault->GrantConsent(me, *person, {sid, svc->purpose, {}, {}, "web"});
            if (!granted.ok()) return RefusalPage(s, r, granted.status());
          }
        }
        exchange::SubmitInput in;
        in.person_id = *person;
        in.bundle_id = bundle;
        in.idempotency_key = key;
        in.services = chosen;
        auto decl = s.outbox->Submit(me, in);
        if (!decl.ok()) {
          if (decl.status().code() == StatusCode::kInvalidArgument) {
            return NewPage(s, r, *person, bundle, &chosen, key, detail::RefusalMessage(*s.renderer, PageLanguage(r), decl.status()));
          }
          return RefusalPage(s, r, decl.status());
        }
        if (s.delivery_worker) s.delivery_worker->Wake();
        return http::Response::Redirect("/mes-declarations/" + decl->id + "?envoyee=1");
      },
      "web.declarations.create", "usager");

  router.Add(
      "GET", "/mes-declarations/{declaration_id}",
      [&s](http::Request& r) {
        auto person = api::OwnPersonId(r);
        if (!person.ok()) return RefusalPage(s, r, person.status());
        auto d = s.outbox->Get(r.Param("declaration_id"));
        if (!d.ok() || d->person_id != *person) {
          return RefusalPage(s, r, NotFound("exchange.unknown_declaration", "Déclaration introuvable."));
        }
        const std::string lang = PageLanguage(r);
        json data = DeclarationView(s, *d, lang);
        data["title"] = Msg(s, r, "exchange.detail_title") + " : " + data["title"].get<std::string>();
        if (r.Query("envoyee")) data["notice"] = {{"text", Msg(s, r, "exchange.sent_notice")}, {"kind", "success"}};
        return RenderPage(s, r, "declaration", std::move(data));
      },
      "web.declarations.get", "usager");
}

}  // namespace parcours::web
