// The household of the logged-in usager:
//   GET    /api/v1/me/vault/household                       the household and its members (or null)
//   POST   /api/v1/me/vault/household                       create it {label?, role?}
//   POST   /api/v1/me/vault/household/members               add {first_name, role, birth_date?, person_id?}
//   DELETE /api/v1/me/vault/household/members/{member_id}   remove a member
#include <nlohmann/json.hpp>

#include "vault_handlers.h"

namespace parcours::api::detail {
namespace {

using nlohmann::json;

const vault::Purpose kHousehold{"household", "Composition de votre foyer", "api"};

json HouseholdJson(const std::optional<vault::Household>& h) {
  if (!h) return nullptr;
  json members = json::array();
  for (const auto& m : h->members) {
    members.push_back({{"person_id", m.person_id},
                       {"role", vault::MemberRoleName(m.role)},
                       {"first_name", m.first_name},
                       {"birth_date", m.birth_date ? json(*m.birth_date) : json()}});
  }
  return {{"id", h->id}, {"label", h->label}, {"members", members}};
}

std::string Text(const json& body, const char* key) {
  return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
}

}  // namespace

void RegisterVaultHouseholdRoutes(http::Router& router, const Services& s) {
  router.Add("GET", "/api/v1/me/vault/household",
             Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a, const std::string& person) {
               auto h = v.GetHousehold(a, person, kHousehold);
               if (!h.ok()) return Fail(h.status(), r);
               return http::Response::Json({{"household", HouseholdJson(*h)}});
             }),
             "vault.me.household", "usager");

  router.Add("POST", "/api/v1/me/vault/household",
             Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a, const std::string& person) {
               auto body = r.JsonBody();
               if (!body.ok()) return Fail(body.status(), r);
               if (!body->is_object()) return Fail(InvalidArgument("vault.bad_body", "Objet JSON attendu."), r);
               const std::string role_text = Text(*body, "role");
               auto role = role_text.empty() ? Result<vault::MemberRole>(vault::MemberRole::kDemandeur)
                                             : vault::ParseMemberRole(role_text);
               if (!role.ok()) return Fail(role.status(), r);
               auto id = v.CreateHousehold(a, person, Text(*body, "label"), *role);
               if (!id.ok()) return Fail(id.status(), r);
               auto h = v.GetHousehold(a, person, kHousehold);
               if (!h.ok()) return Fail(h.status(), r);
               return http::Response::Json({{"household", HouseholdJson(*h)}}, 201);
             }),
             "vault.me.household_create", "usager");

  router.Add("POST", "/api/v1/me/vault/household/members",
             Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a, const std::string& person) {
               auto body = r.JsonBody();
               if (!body.ok()) return Fail(body.status(), r);
               if (!body->is_object()) return Fail(InvalidArgument("vault.bad_body", "Objet JSON attendu."), r);
               auto role = vault::ParseMemberRole(Text(*body, "role"));
               if (!role.ok()) return Fail(role.status(), r);
               vault::NewMember m;
               m.role = *role;
               m.first_name = Text(*body, "first_name");
               m.birth_date = Text(*body, "birth_date");
               if (const std::string id = Text(*body, "person_id"); !id.empty()) m.person_id = id;
               auto member = v.AddMember(a, person, m);
               if (!member.ok()) return Fail(member.status(), r);
               return http::Response::Json({{"person_id", *member}}, 201);
             }),
             "vault.me.household_add", "usager");

  router.Add("DELETE", "/api/v1/me/vault/household/members/{member_id}",
             Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a, const std::string& person) {
               Status st = v.RemoveMember(a, person, r.Param("member_id"));
               return st.ok() ? http::Response::NoContent() : Fail(st, r);
             }),
             "vault.me.household_remove", "usager");
}

}  // namespace parcours::api::detail
