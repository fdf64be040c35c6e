// The one authorisation layer. Every route declares a policy name (http::RouteInfo::policy);
// the authorisation middleware (middleware.h) looks the policy up here and decides, before
// the handler runs, from the principal and the object the request addresses. A route whose
// policy is unknown is refused (and fails the authorisation matrix test).
//
// Policies (the table lives in policy.cc; keep tests/authz-matrix/expected.json in step):
//   public          anyone, logged in or not
//   authenticated   any logged-in principal (session or API key)
//   usager          a usager, on their own data ("me" routes: the object is the principal)
//   person          {person_id}: the usager themself, or an aidant / agent holding a mandate
//   person_self     {person_id}: the usager themself only (what they alone decide: their
//                   mandates); a mandate gives no access
//   organisation    {organisation_id}: an agent, pilote or admin of that organisation
//   journey         {journey_id}: the journey's person (self or mandate) or an agent of its
//                   organisation
//   dossier         {dossier_id}: a request sent to an agency: its person (self or mandate),
//                   an agent of the receiving organisation, an intégrateur key of that
//                   organisation scoped to its service
//   service         {service_id}: an intégrateur key of the service's organisation scoped to
//                   it, or an admin
//   agent           any agent (console pages; each object inside is checked by its route)
//   agent_dossier   {dossier_id}: an agent of the organisation that received the dossier (the
//                   agent console's dossier pages; a mandate for the person is not enough)
//   aidant          any aidant (their home: the persons they hold a mandate for)
//   pilote          a pilote or an admin (aggregated indicators, no personal data)
//   admin           an admin
//   integrateur     an API client (intégrateur key)
//
// A route may name the mandate scope it needs after a colon: "person:vault",
// "journey:journeys", "person:declarations" (scopes: principal.h kMandateScopes). The person
// themself is not concerned; an aidant or agent then needs a mandate in force for the person
// carrying that scope or "*". Without a scope, any mandate in force for the person is enough.
//
// Objects addressed by id (journey, dossier, agent_dossier, service) are resolved to their owners by
// resolvers that the modules owning them register (ResolverFn).
// Thread-safety: configure (AddResolver) before serving; Decide is then read-only.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parcours/auth/principal.h"
#include "parcours/base/status.h"

namespace parcours::auth {

// Who owns the object a request addresses.
struct ObjectRef {
  std::string person_id;        // the usager concerned, "" when none
  std::string organisation_id;  // the organisation in charge, "" when none
  std::string service_id;       // the agency service concerned, "" when none
};

// Maps an object id to its owners. NotFound when the object does not exist.
using ResolverFn = std::function<Result<ObjectRef>(std::string_view id)>;

enum class ObjectRule {
  kNone,          // the role is enough
  kSelf,          // the object is the principal's own data
  kPerson,        // the path parameter is a person id
  kOrganisation,  // the path parameter is an organisation id
  kResolved,      // the path parameter is resolved by `resolver`
};

struct PolicySpec {
  std::string name;
  bool requires_login = true;
  std::vector<Role> roles;  // roles that may pass (empty + requires_login = any principal)
  ObjectRule rule = ObjectRule::kNone;
  std::string param;        // path parameter naming the object
  std::string resolver;     // resolver kind for kResolved
};

// The built-in table, in a stable order.
const std::vector<PolicySpec>& Policies();
// The spec of a declared policy ("person" or "person:vault"); nullptr when the name or the
// scope is unknown.
const PolicySpec* FindPolicy(std::string_view declared);
// "person:vault" -> {"person", "vault"}; "person" -> {"person", ""}.
std::pair<std::string_view, std::string_view> SplitPolicy(std::string_view declared);


// Object checks, usable by handlers that filter lists (the same rules Decide applies).
// The principal acts for `person_id`: it is theirs, or they hold a mandate in force.
// With a `scope`, the mandate must carry it (or "*").
bool CanActForPerson(const Principal& p, std::string_view person_id, int64_t now_ms,
                     std::string_view scope = "");
// The principal may reach `object` with one of `roles` (mandates: with `scope`, see above).
bool CanReachObject(const Principal& p, const ObjectRef& object, const std::vector<Role>& roles,
                    int64_t now_ms, std::string_view scope = "");

class Authorizer {
 public:
  // Registers how to resolve ids of `kind` ("journey", "dossier", "service").
  void AddResolver(std::string kind, ResolverFn resolver);
  bool HasResolver(std::string_view kind) const;

  // Decides whether `principal` (nullptr = anonymous) may run a route with `policy`, given
  // the route's path parameters. OK, or Unauthenticated("auth.login_required") when a login is
  // needed, PermissionDenied("auth.forbidden"), NotFound from a resolver, or
  // Internal("auth.unknown_policy" | "auth.policy_param" | "auth.no_resolver") for a route
  // declared wrongly.
  Status Decide(const Principal* principal, std::string_view policy,
                const std::map<std::string, std::string, std::less<>>& path_params,
                int64_t now_ms) const;

 private:
  std::map<std::string, ResolverFn, std::less<>> resolvers_;
};

}  // namespace parcours::auth
