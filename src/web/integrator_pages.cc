// The intégrateur's page (policy integrateur): their organisation's services, the API keys
// that act for it with their scopes and last use, and the API documentation links.
#include <nlohmann/json.hpp>

#include "console_format.h"
#include "parcours/auth/auth.h"
#include "parcours/exchange/registry.h"
#include "parcours/web/admin_pages.h"
#include "parcours/web/auth_pages.h"
#include "parcours/web/page.h"
#include "vault_format.h"

namespace parcours::web {
namespace {

using nlohmann::json;

std::string OrganisationOf(const auth::Principal& p) {
  for (const auto& g : p.grants) {
    if (g.role == auth::Role::kIntegrateur) return g.organisation_id;
  }
  return "";
}

}  // namespace

void RegisterIntegratorPages(http::Router& router, const api::Services& services) {
  const api::Services& s = services;
  router.Add(
      "GET", "/integrateur",
      [&s](http::Request& r) {
        const std::string lang = PageLanguage(r);
        const std::string org = OrganisationOf(*auth::PrincipalOf(r));
        json service_rows = json::array();
        if (auto tx = s.db->BeginRead(); tx.ok()) {
          if (auto list = exchange::ListServices(**tx); list.ok()) {
            for (const auto& svc : *list) {
              if (svc.organisation != org) continue;
              std::string attributes;
              for (const auto& a : svc.attributes) attributes += (attributes.empty() ? "" : ", ") + a;
              service_rows.push_back(
                  {{"name", lang == "en" ? svc.name_en : svc.name_fr},
                   {"id", svc.id},
                   {"attributes", attributes},
                   {"delay", Msg(s, r, "integrator.delay_days", {{"days", std::to_string(svc.expected_delay_days)}})}});
            }
          }
        }
        json key_rows = json::array();
        if (auto keys = s.auth->ListApiKeys(org); keys.ok()) {
          for (const auto& k : *keys) {
            if (k.revoked_at_ms) continue;
            std::string scopes;
            for (const auto& id : k.services) scopes += (scopes.empty() ? "" : ", ") + id;
            key_rows.push_back({{"label", k.label.empty() ? "—" : k.label},
                                {"prefix", "pk_" + k.prefix + "_…"},
                                {"services", scopes.empty() ? Msg(s, r, "admin.no_services") : scopes},
                                {"created", detail::VaultDate(k.created_at_ms)},
                                {"last_used", k.last_used_ms ? detail::VaultDateTime(*k.last_used_ms, lang)
                                                             : Msg(s, r, "admin.never_used")}});
          }
        }
        return RenderPage(s, r, "integrator",
                          {{"title", Msg(s, r, "integrator.title")},
                           {"organisation", OrganisationName(s, org, lang)},
                           {"services", service_rows},
                           {"has_services", !service_rows.empty()},
                           {"keys", key_rows},
                           {"has_keys", !key_rows.empty()}});
      },
      "web.integrator", "integrateur");
}

}  // namespace parcours::web
