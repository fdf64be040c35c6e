#include "parcours/auth/policy.h"

#include <algorithm>

namespace parcours::auth {
namespace {

using R = Role;

std::vector<PolicySpec> BuildPolicies() {
  return {
      {"public", false, {}, ObjectRule::kNone, "", ""},
      {"authenticated", true, {}, ObjectRule::kNone, "", ""},
      {"usager", true, {R::kUsager}, ObjectRule::kSelf, "", ""},
      {"person", true, {R::kUsager, R::kAidant, R::kAgent}, ObjectRule::kPerson, "person_id", ""},
      {"person_self", true, {R::kUsager}, ObjectRule::kPerson, "person_id", ""},
      {"organisation", true, {R::kAgent, R::kPilote, R::kAdmin}, ObjectRule::kOrganisation,
       "organisation_id", ""},
      {"journey", true, {R::kUsager, R::kAidant, R::kAgent}, ObjectRule::kResolved, "journey_id",
       "journey"},
      {"dossier", true, {R::kUsager, R::kAidant, R::kAgent, R::kIntegrateur},
       ObjectRule::kResolved, "dossier_id", "dossier"},
      {"service", true, {R::kIntegrateur, R::kAdmin}, ObjectRule::kResolved, "service_id",
       "service"},
      {"agent", true, {R::kAgent}, ObjectRule::kNone, "", ""},
      {"agent_dossier", true, {R::kAgent}, ObjectRule::kResolved, "dossier_id", "agent_dossier"},
      {"aidant", true, {R::kAidant}, ObjectRule::kNone, "", ""},
      {"pilote", true, {R::kPilote, R::kAdmin}, ObjectRule::kNone, "", ""},
      {"admin", true, {R::kAdmin}, ObjectRule::kNone, "", ""},
      {"integrateur", true, {R::kIntegrateur}, ObjectRule::kNone, "", ""},
  };
}

bool HasAnyRole(const Principal& p, const std::vector<Role>& roles) {
  return roles.empty() ||
         std::any_of(roles.begin(), roles.end(), [&](Role r) { return p.HasRole(r); });
}

bool Allows(const std::vector<Role>& roles, Role r) {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

Status Forbidden() {
  return PermissionDenied("auth.forbidden", "Vous n'avez pas accès à cette ressource.");
}

}  // namespace

const std::vector<PolicySpec>& Policies() {
  static const std::vector<PolicySpec> kPolicies = BuildPolicies();
  return kPolicies;
}

std::pair<std::string_view, std::string_view> SplitPolicy(std::string_view declared) {
  const auto colon = declared.find(':');
  if (colon == std::string_view::npos) return {declared, ""};
  return {declared.substr(0, colon), declared.substr(colon + 1)};
}

const PolicySpec* FindPolicy(std::string_view declared) {
  const auto [name, scope] = SplitPolicy(declared);
  if (!scope.empty() && !IsMandateScope(scope)) return nullptr;
  for (const auto& p : Policies()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool CanActForPerson(const Principal& p, std::string_view person_id, int64_t now_ms, std::string_view scope) {
  if (person_id.empty()) return false;
  if (p.HasRole(Role::kUsager) && p.person_id == person_id) return true;
  return (p.HasRole(Role::kAidant) || p.HasRole(Role::kAgent)) &&
         p.HasMandateFor(person_id, now_ms, scope);
}

bool CanReachObject(const Principal& p, const ObjectRef& o, const std::vector<Role>& roles,
                    int64_t now_ms, std::string_view scope) {
  if (!o.person_id.empty()) {
    if (Allows(roles, R::kUsager) && p.HasRole(R::kUsager) && p.person_id == o.person_id) {
      return true;
    }
    if ((Allows(roles, R::kAidant) && p.HasRole(R::kAidant)) ||
        (Allows(roles, R::kAgent) && p.HasRole(R::kAgent))) {
      if (p.HasMandateFor(o.person_id, now_ms, scope)) return true;
    }
  }
  if (!o.organisation_id.empty()) {
    for (Role r : {R::kAgent, R::kPilote, R::kAdmin}) {
      if (Allows(roles, r) && p.HasRoleIn(r, o.organisation_id)) return true;
    }
    if (Allows(roles, R::kIntegrateur) && p.method == AuthMethod::kApiKey &&
        p.HasRoleIn(R::kIntegrateur, o.organisation_id)) {
      return o.service_id.empty() ||
             std::find(p.services.begin(), p.services.end(), o.service_id) != p.services.end();
    }
  }
  return false;
}

void Authorizer::AddResolver(std::string kind, ResolverFn resolver) {
  resolvers_[std::move(kind)] = std::move(resolver);
}

bool Authorizer::HasResolver(std::string_view kind) const {
  return resolvers_.find(kind) != resolvers_.end();
}

Status Authorizer::Decide(const Principal* principal, std::string_view policy,
                          const std::map<std::string, std::string, std::less<>>& params,
                          int64_t now_ms) const {
  const PolicySpec* spec = FindPolicy(policy);
  const std::string_view scope = SplitPolicy(policy).second;
  if (spec == nullptr) {
    return Internal("auth.unknown_policy", "Route mal déclarée : politique d'accès inconnue.");
  }
  if (!spec->requires_login) return Status::Ok();
  if (principal == nullptr) {
    return Unauthenticated("auth.login_required", "Connectez-vous pour accéder à cette page.");
  }
  if (!HasAnyRole(*principal, spec->roles)) return Forbidden();

  std::string object_id;
  if (!spec->param.empty()) {
    auto it = params.find(spec->param);
    if (it == params.end()) {
      return Internal("auth.policy_param",
                      "Route mal déclarée : le paramètre « " + spec->param + " » manque.");
    }
    object_id = it->second;
  }
  switch (spec->rule) {
    case ObjectRule::kNone:
      return Status::Ok();
    case ObjectRule::kSelf:
      return principal->person_id.empty() ? Forbidden() : Status::Ok();
    case ObjectRule::kPerson:
      return CanReachObject(*principal, ObjectRef{object_id, "", ""}, spec->roles, now_ms, scope)
                 ? Status::Ok()
                 : Forbidden();
    case ObjectRule::kOrganisation:
      return CanReachObject(*principal, ObjectRef{"", object_id, ""}, spec->roles, now_ms, scope)
                 ? Status::Ok()
                 : Forbidden();
    case ObjectRule::kResolved: {
      auto it = resolvers_.find(spec->resolver);
      if (it == resolvers_.end()) {
        return Internal("auth.no_resolver", "Aucun moyen de vérifier le propriétaire de « " +
                                                spec->resolver + " ».");
      }
      ASSIGN_OR_RETURN(ObjectRef object, it->second(object_id));
      return CanReachObject(*principal, object, spec->roles, now_ms, scope) ? Status::Ok() : Forbidden();
    }
  }
  return Forbidden();
}

}  // namespace parcours::auth
