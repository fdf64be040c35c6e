#include "parcours/auth/policy.h"

#include <gtest/gtest.h>

namespace parcours::auth {
namespace {

using Params = std::map<std::string, std::string, std::less<>>;
constexpr int64_t kNow = 1'000'000;

Principal Usager(std::string person) {
  Principal p;
  p.user_id = "u-" + person;
  p.person_id = std::move(person);
  p.grants = {{Role::kUsager, ""}};
  return p;
}

TEST(Policy, AnonymousNeedsLoginExceptOnPublicRoutes) {
  Authorizer authz;
  EXPECT_TRUE(authz.Decide(nullptr, "public", {}, kNow).ok());
  EXPECT_EQ(authz.Decide(nullptr, "authenticated", {}, kNow).reason(), "auth.login_required");
  EXPECT_EQ(authz.Decide(nullptr, "person", {{"person_id", "p1"}}, kNow).code(),
            StatusCode::kUnauthenticated);
}

TEST(Policy, UnknownPolicyOrMissingParameterIsADeclarationError) {
  Authorizer authz;
  Principal p = Usager("p1");
  EXPECT_EQ(authz.Decide(&p, "no-such-policy", {}, kNow).reason(), "auth.unknown_policy");
  EXPECT_EQ(authz.Decide(&p, "person", {}, kNow).reason(), "auth.policy_param");
  EXPECT_EQ(authz.Decide(&p, "journey", {{"journey_id", "j"}}, kNow).reason(), "auth.no_resolver");
}

TEST(Policy, PersonIsReachedBySelfOrMandateInForceOnly) {
  Authorizer authz;
  Principal self = Usager("p1");
  EXPECT_TRUE(authz.Decide(&self, "person", {{"person_id", "p1"}}, kNow).ok());
  EXPECT_EQ(authz.Decide(&self, "person", {{"person_id", "p2"}}, kNow).reason(), "auth.forbidden");

  Principal aidant;
  aidant.user_id = "a";
  aidant.grants = {{Role::kAidant, ""}};
  aidant.mandates = {{"m1", "p2", {"*"}, kNow + 10}};
  EXPECT_TRUE(authz.Decide(&aidant, "person", {{"person_id", "p2"}}, kNow).ok());
  EXPECT_FALSE(authz.Decide(&aidant, "person", {{"person_id", "p2"}}, kNow + 10).ok());  // expired
  EXPECT_FALSE(authz.Decide(&aidant, "person", {{"person_id", "p3"}}, kNow).ok());
  EXPECT_TRUE(aidant.HasMandateFor("p2", kNow, "journeys"));

  Principal scoped = aidant;
  scoped.mandates = {{"m2", "p2", {"journeys"}, kNow + 10}};
  EXPECT_TRUE(scoped.HasMandateFor("p2", kNow, "journeys"));
  EXPECT_FALSE(scoped.HasMandateFor("p2", kNow, "vault.read"));
}

TEST(Policy, ScopedRoutesNeedAMandateCarryingTheScope) {
  Authorizer authz;
  Principal self = Usager("p1");
  EXPECT_TRUE(authz.Decide(&self, "person:vault", {{"person_id", "p1"}}, kNow).ok());  // no mandate needed
  Principal aidant;
  aidant.user_id = "a";
  aidant.grants = {{Role::kAidant, ""}};
  aidant.mandates = {{"m1", "p1", {"declarations"}, kNow + 10}};
  EXPECT_TRUE(authz.Decide(&aidant, "person", {{"person_id", "p1"}}, kNow).ok());
  EXPECT_TRUE(authz.Decide(&aidant, "person:declarations", {{"person_id", "p1"}}, kNow).ok());
  EXPECT_EQ(authz.Decide(&aidant, "person:vault", {{"person_id", "p1"}}, kNow).reason(), "auth.forbidden");
  aidant.mandates[0].scopes = {"*"};
  EXPECT_TRUE(authz.Decide(&aidant, "person:vault", {{"person_id", "p1"}}, kNow).ok());
  // An unknown scope is a declaration error, as an unknown policy.
  EXPECT_EQ(authz.Decide(&aidant, "person:everything", {{"person_id", "p1"}}, kNow).reason(), "auth.unknown_policy");
  EXPECT_EQ(FindPolicy("person:vault"), FindPolicy("person"));
}

TEST(Policy, OnlyThePersonManagesTheirMandates) {
  Authorizer authz;
  Principal self = Usager("p1");
  EXPECT_TRUE(authz.Decide(&self, "person_self", {{"person_id", "p1"}}, kNow).ok());
  EXPECT_EQ(authz.Decide(&self, "person_self", {{"person_id", "p2"}}, kNow).reason(), "auth.forbidden");
  Principal aidant;
  aidant.user_id = "a";
  aidant.grants = {{Role::kAidant, ""}};
  aidant.mandates = {{"m1", "p1", {"*"}, kNow + 10}};
  EXPECT_EQ(authz.Decide(&aidant, "person_self", {{"person_id", "p1"}}, kNow).reason(), "auth.forbidden");
}

TEST(Policy, ResolvedObjectsFollowTheirOwners) {
  Authorizer authz;
  authz.AddResolver("dossier", [](std::string_view id) -> Result<ObjectRef> {
    if (id == "d1") return ObjectRef{"p1", "caf", "caf-apl"};
    return NotFound("dossier.not_found", "Dossier introuvable.");
  });
  Principal owner = Usager("p1");
  Principal stranger = Usager("p9");
  EXPECT_TRUE(authz.Decide(&owner, "dossier", {{"dossier_id", "d1"}}, kNow).ok());
  EXPECT_EQ(authz.Decide(&stranger, "dossier", {{"dossier_id", "d1"}}, kNow).reason(),
            "auth.forbidden");
  EXPECT_EQ(authz.Decide(&owner, "dossier", {{"dossier_id", "zz"}}, kNow).code(),
            StatusCode::kNotFound);

  Principal agent_caf;
  agent_caf.grants = {{Role::kAgent, "caf"}};
  Principal agent_cpam;
  agent_cpam.grants = {{Role::kAgent, "cpam"}};
  EXPECT_TRUE(authz.Decide(&agent_caf, "dossier", {{"dossier_id", "d1"}}, kNow).ok());
  EXPECT_FALSE(authz.Decide(&agent_cpam, "dossier", {{"dossier_id", "d1"}}, kNow).ok());

  Principal key;
  key.method = AuthMethod::kApiKey;
  key.grants = {{Role::kIntegrateur, "caf"}};
  key.services = {"caf-apl"};
  EXPECT_TRUE(authz.Decide(&key, "dossier", {{"dossier_id", "d1"}}, kNow).ok());
  key.services = {"caf-paje"};
  EXPECT_FALSE(authz.Decide(&key, "dossier", {{"dossier_id", "d1"}}, kNow).ok());
}

TEST(Policy, RolesAndActors) {
  EXPECT_EQ(ParseRole("integrateur"), Role::kIntegrateur);
  EXPECT_FALSE(ParseRole("root").has_value());
  for (Role r : kAllRoles) EXPECT_EQ(ParseRole(RoleName(r)), r);
  Principal p = Usager("p1");
  EXPECT_EQ(p.Actor(), "usager:u-p1");
  Principal pilote;
  pilote.grants = {{Role::kPilote, "caf"}};
  Authorizer authz;
  EXPECT_TRUE(authz.Decide(&pilote, "pilote", {}, kNow).ok());
  EXPECT_FALSE(authz.Decide(&pilote, "admin", {}, kNow).ok());
  EXPECT_TRUE(authz.Decide(&pilote, "organisation", {{"organisation_id", "caf"}}, kNow).ok());
  EXPECT_FALSE(authz.Decide(&pilote, "organisation", {{"organisation_id", "cpam"}}, kNow).ok());
  EXPECT_FALSE(authz.Decide(&pilote, "usager", {}, kNow).ok());
}

}  // namespace
}  // namespace parcours::auth
