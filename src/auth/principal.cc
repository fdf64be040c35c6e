#include "parcours/auth/principal.h"

#include <algorithm>

#include "parcours/http/message.h"

namespace parcours::auth {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kUsager: return "usager";
    case Role::kAidant: return "aidant";
    case Role::kAgent: return "agent";
    case Role::kPilote: return "pilote";
    case Role::kAdmin: return "admin";
    case Role::kIntegrateur: return "integrateur";
  }
  return "usager";
}

std::string_view RoleLabel(Role role) {
  switch (role) {
    case Role::kUsager: return "Usager";
    case Role::kAidant: return "Aidant";
    case Role::kAgent: return "Agent";
    case Role::kPilote: return "Pilote";
    case Role::kAdmin: return "Administrateur";
    case Role::kIntegrateur: return "Intégrateur";
  }
  return "Usager";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool IsMandateScope(std::string_view scope) {
  return std::find(std::begin(kMandateScopes), std::end(kMandateScopes), scope) != std::end(kMandateScopes);
}

bool Principal::HasRole(Role role) const {
  return std::any_of(grants.begin(), grants.end(), [&](const RoleGrant& g) { return g.role == role; });
}

bool Principal::HasRoleIn(Role role, std::string_view organisation_id) const {
  return std::any_of(grants.begin(), grants.end(), [&](const RoleGrant& g) {
    return g.role == role && (g.organisation_id.empty() || g.organisation_id == organisation_id);
  });
}

bool Principal::HasMandateFor(std::string_view person, int64_t now_ms, std::string_view scope) const {
  if (person.empty()) return false;
  return std::any_of(mandates.begin(), mandates.end(), [&](const Mandate& m) {
    if (m.person_id != person || m.ends_ms <= now_ms) return false;
    if (scope.empty()) return true;
    return std::any_of(m.scopes.begin(), m.scopes.end(),
                       [&](const std::string& s) { return s == "*" || s == scope; });
  });
}

std::string Principal::Actor() const {
  if (method == AuthMethod::kApiKey) return "service:" + user_id;
  std::string_view role = grants.empty() ? "usager" : RoleName(grants.front().role);
  return std::string(role) + ":" + user_id;
}

const Principal* PrincipalOf(const http::Request& request) {
  return static_cast<const Principal*>(request.principal.get());
}

void SetPrincipal(http::Request& request, std::shared_ptr<const Principal> principal) {
  request.principal = std::move(principal);
}

}  // namespace parcours::auth
