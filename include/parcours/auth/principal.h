// Who is making a request: a person logged in through a session (usager, aidant, agent,
// pilote, admin) or an API client (intégrateur) presenting a key. Authentication middleware
// stores it in `http::Request::principal`; the policy layer (policy.h) reads it.
// Thread-safety: a Principal is immutable once stored in a request.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parcours::http {
struct Request;
}

namespace parcours::auth {

enum class Role { kUsager, kAidant, kAgent, kPilote, kAdmin, kIntegrateur };

inline constexpr Role kAllRoles[] = {Role::kUsager, Role::kAidant,  Role::kAgent,
                                     Role::kPilote, Role::kAdmin,   Role::kIntegrateur};

// "usager", "aidant", "agent", "pilote", "admin", "integrateur".
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
// French label for pages ("Usager", "Agent", "Intégrateur"...).
std::string_view RoleLabel(Role role);

// A role, held within one organisation ("" = not bound to an organisation: usager, aidant,
// platform-wide admin or pilote).
struct RoleGrant {
  Role role;
  std::string organisation_id;
};

// The scopes a mandate may carry ("*" = all of them): what the holder may do for the person.
//   vault         read and complete the person's information (Mes informations)
//   journeys      follow and update the person's journeys (Mes parcours)
//   declarations  send declarations to agencies and follow them (Mes déclarations)
inline constexpr std::string_view kMandateScopes[] = {"vault", "journeys", "declarations"};
bool IsMandateScope(std::string_view scope);

// A time-limited, scoped mandate letting an aidant (or an agent at a counter) act for a person.
struct Mandate {
  std::string id;
  std::string person_id;
  std::vector<std::string> scopes;  // e.g. "journeys", "vault.read"; "*" = every scope
  int64_t ends_ms = 0;
};

enum class AuthMethod { kSession, kApiKey };

struct Principal {
  std::string user_id;        // auth user id (API keys: the key id)
  std::string display_name;
  std::string person_id;      // the usager's own person (vault), "" for others
  std::vector<RoleGrant> grants;
  std::vector<Mandate> mandates;      // mandates in force when the request started
  std::vector<std::string> services;  // API keys: services the key may act for
  AuthMethod method = AuthMethod::kSession;
  std::string session_id;     // opaque session handle (hash), for logout and CSRF
  std::string csrf_token;     // the session's synchronizer token
  std::string provider;       // "franceconnect", "proconnect", "local", "demo", "api_key"
  std::string acr;            // authentication context from the provider ("eidas1")
  bool demo = false;

  bool HasRole(Role role) const;
  // True when `role` is held in `organisation_id`, or held with no organisation binding
  // (platform-wide).
  bool HasRoleIn(Role role, std::string_view organisation_id) const;
  // True when a mandate for `person_id` is in force at `now_ms` (any scope when `scope` is
  // empty, otherwise that scope or "*").
  bool HasMandateFor(std::string_view person_id, int64_t now_ms, std::string_view scope = "") const;
  // The audit actor: "usager:<id>", "agent:<id>", "service:<key id>"... (first role).
  std::string Actor() const;
};

// The principal attached to a request, or nullptr for an anonymous request.
const Principal* PrincipalOf(const http::Request& request);
void SetPrincipal(http::Request& request, std::shared_ptr<const Principal> principal);

}  // namespace parcours::auth
