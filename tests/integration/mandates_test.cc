// Mandates and administration through the real binary: a usager ends and grants mandates
// (JSON API and "Mes aidants" page) and what the aidant reaches follows at once, scope by
// scope; only the person manages their mandates; an administrator disables an account (its
// session ends, login is refused) and creates, sees used and revokes an API key from the pages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "harness.h"

namespace parcours::harness {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

class MandatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started.message();
  }

  // Logs `client` in as the demo `role`; returns the session's CSRF token (from /compte).
  static std::string Login(HttpClient& client, const std::string& role) {
    std::smatch m;
    const std::regex token("name=\"csrf_token\" value=\"([^\"]+)\"");
    HttpResponse page = client.Get("/connexion");
    EXPECT_TRUE(std::regex_search(page.body, m, token)) << page.status;
    HttpResponse login = client.PostForm("/connexion/demo", {{"csrf_token", m[1]}, {"role", role}});
    EXPECT_EQ(login.status, 303) << login.body;
    HttpResponse account = client.Get("/compte");
    EXPECT_EQ(account.status, 200);
    if (!std::regex_search(account.body, m, token)) return "";
    return m[1];
  }

  static ServerOptions DemoOptions() {
    ServerOptions options;
    options.env["PARCOURS_DEMO"] = "true";
    return options;
  }
  ServerProcess server_{DemoOptions()};
};

TEST_F(MandatesTest, WhatTheAidantReachesFollowsThePersonsMandates) {
  HttpClient usager = server_.Client();
  const std::string u_csrf = Login(usager, "usager");
  const HeaderList u_headers = {{"X-CSRF-Token", u_csrf}};
  const std::string person = usager.Get("/api/v1/auth/me").Json().value("person_id", "");
  ASSERT_FALSE(person.empty());
  ASSERT_EQ(usager.PutJson("/api/v1/me/vault/attributes", {{"attributes", {{"individu . nom", "Martin"}}}}, u_headers)
                .status,
            200);

  HttpClient aidant = server_.Client();
  const std::string a_csrf = Login(aidant, "aidant");
  json me = aidant.Get("/api/v1/auth/me").Json();
  const std::string code = me.value("holder_code", "");
  ASSERT_EQ(code.size(), 9u) << me.dump();
  EXPECT_THAT(aidant.Get("/compte").body, HasSubstr(code));  // shown on the aidant's account page
  const std::string vault = "/api/v1/persons/" + person + "/vault";
  const std::string declarations = "/api/v1/persons/" + person + "/declarations";
  const std::string mandates = "/api/v1/persons/" + person + "/mandates";

  // The demo aidant starts with a mandate for every scope: the person sees it and ends it.
  EXPECT_EQ(aidant.Get(vault).status, 200);
  HttpResponse list = usager.Get(mandates);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.Json()["items"].size(), 1u);
  EXPECT_EQ(list.Json()["items"][0]["status"], "active");
  const std::string demo_mandate = list.Json()["items"][0]["id"];
  EXPECT_EQ(usager.Delete(mandates + "/" + demo_mandate).status, 403);  // no CSRF token
  ASSERT_EQ(usager.Delete(mandates + "/" + demo_mandate, u_headers).status, 204);
  EXPECT_EQ(aidant.Get(vault).status, 403);
  EXPECT_EQ(aidant.Get(declarations).status, 403);
  EXPECT_EQ(usager.Delete(mandates + "/" + demo_mandate, u_headers).status, 404);

  // A new mandate limited to declarations: declarations yes, the vault no.
  HttpResponse granted =
      usager.PostJson(mandates,
                      {{"holder_code", code}, {"scopes", {"declarations", "declarations"}}, {"duration_days", 7}},
                      u_headers);
  ASSERT_EQ(granted.status, 201) << granted.body;
  EXPECT_EQ(granted.Json()["scopes"], json::array({"declarations"}));  // each scope once
  EXPECT_EQ(granted.Json()["holder"]["name"], "Aidant (démonstration)");
  EXPECT_EQ(aidant.Get(declarations).status, 200);
  EXPECT_EQ(aidant.Get(vault).status, 403);

  // Bad requests: French problems with stable codes.
  HttpResponse too_long =
      usager.PostJson(mandates, {{"holder_code", code}, {"scopes", {"vault"}}, {"duration_days", 400}}, u_headers);
  EXPECT_EQ(too_long.status, 422);  // field errors: the http layer's 422
  EXPECT_THAT(too_long.Header("content-type"), HasSubstr("application/problem+json"));
  EXPECT_EQ(too_long.Json()["code"], "auth.mandate_too_long");
  EXPECT_EQ(usager.PostJson(mandates, {{"holder_code", code}, {"scopes", {"vault"}}, {"duration_days", 0}}, u_headers)
                .Json()["code"],
            "auth.mandate_too_short");
  HttpResponse unknown =
      usager.PostJson(mandates, {{"holder_code", "0000-0000"}, {"scopes", {"vault"}}, {"duration_days", 1}}, u_headers);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.Json()["code"], "auth.holder_unknown");
  EXPECT_EQ(usager.PostJson(mandates, {{"holder_code", code}, {"scopes", {"tout"}}, {"duration_days", 1}}, u_headers)
                .Json()["code"],
            "auth.mandate_scope");
  EXPECT_EQ(usager.PostJson(mandates, json::array(), u_headers).status, 400);

  // The aidant acts for the person but cannot manage the person's mandates.
  EXPECT_EQ(aidant.Get(mandates).status, 403);
  EXPECT_EQ(aidant.PostJson(mandates, {{"holder_code", code}, {"scopes", {"*"}}, {"duration_days", 30}},
                            {{"X-CSRF-Token", a_csrf}})
                .status,
            403);

  // The page: the person grants the vault scope with the form.
  HttpResponse page = usager.Get("/compte/aidants");
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("Aidant (démonstration)"));
  HttpResponse missing = usager.PostForm("/compte/aidants", {{"csrf_token", u_csrf}, {"holder_code", code}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_THAT(missing.body, HasSubstr("href=\"#scopes\""));
  EXPECT_THAT(missing.body, HasSubstr("href=\"#duration_days\""));
  HttpResponse form = usager.PostForm(
      "/compte/aidants", {{"csrf_token", u_csrf}, {"holder_code", code}, {"scope", "vault"}, {"duration_days", "30"}});
  ASSERT_EQ(form.status, 303) << form.body;
  EXPECT_EQ(aidant.Get(vault).status, 200);
  EXPECT_EQ(usager.Get(mandates).Json()["items"].size(), 3u);

  // Ending both from the page: the aidant loses everything.
  const json items = usager.Get(mandates).Json()["items"];
  for (const auto& m : items) {
    if (m["status"] != "active") continue;
    HttpResponse end = usager.PostForm("/compte/aidants/" + m["id"].get<std::string>() + "/fin", {{"csrf_token", u_csrf}});
    EXPECT_EQ(end.status, 303);
  }
  EXPECT_EQ(aidant.Get(vault).status, 403);
  EXPECT_EQ(aidant.Get(declarations).status, 403);
}

TEST_F(MandatesTest, AdministratorDisablesAccountsAndManagesApiKeysFromThePages) {
  HttpClient agent = server_.Client();
  Login(agent, "agent");
  const std::string agent_id = agent.Get("/api/v1/auth/me").Json().value("id", "");
  ASSERT_FALSE(agent_id.empty());

  HttpClient admin = server_.Client();
  const std::string csrf = Login(admin, "admin");
  ASSERT_EQ(admin.Get("/admin").status, 200);
  HttpResponse org = admin.Get("/admin/organisations/caf");
  ASSERT_EQ(org.status, 200);
  EXPECT_THAT(org.body, HasSubstr("Agent (démonstration)"));
  json orgs = admin.Get("/api/v1/admin/organisations").Json();
  EXPECT_THAT(orgs.dump(), HasSubstr("\"id\":\"caf\""));

  // Disable: the agent's session ends at once and a new login is refused.
  HttpResponse disabled = admin.PostForm("/admin/comptes/" + agent_id + "/desactivation",
                                         {{"csrf_token", csrf}, {"retour", "/admin/organisations/caf"}});
  ASSERT_EQ(disabled.status, 303) << disabled.body;
  EXPECT_EQ(disabled.Header("location"), "/admin/organisations/caf?fait=compte_desactive");
  EXPECT_EQ(agent.Get("/api/v1/auth/me").status, 401);
  HttpClient again = server_.Client();
  std::smatch m;
  HttpResponse login_page = again.Get("/connexion");
  ASSERT_TRUE(std::regex_search(login_page.body, m, std::regex("name=\"csrf_token\" value=\"([^\"]+)\"")));
  EXPECT_EQ(again.PostForm("/connexion/demo", {{"csrf_token", m[1]}, {"role", "agent"}}).status, 403);
  // Re-enable through the JSON API: the same logic.
  HttpResponse enabled = admin.PostJson("/api/v1/admin/users/" + agent_id + "/enable", json::object(),
                                        {{"X-CSRF-Token", csrf}});
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  EXPECT_TRUE(enabled.Json()["disabled_at"].is_null());
  EXPECT_EQ(again.PostForm("/connexion/demo", {{"csrf_token", m[1]}, {"role", "agent"}}).status, 303);
  // Nobody disables their own account; only admins reach these routes.
  const std::string admin_id = admin.Get("/api/v1/auth/me").Json().value("id", "");
  EXPECT_EQ(admin.PostJson("/api/v1/admin/users/" + admin_id + "/disable", json::object(), {{"X-CSRF-Token", csrf}})
                .Json()["code"],
            "auth.cannot_disable_self");
  EXPECT_EQ(again.Get("/admin").status, 403);

  // An API key: created from the page (secret shown once), used, seen used, revoked.
  HttpResponse created = admin.PostForm("/admin/organisations/caf/cles",
                                        {{"csrf_token", csrf}, {"label", "Système CAF"}, {"service", "caf.adresse"}});
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_TRUE(std::regex_search(created.body, m, std::regex("(pk_[0-9a-f]{12}_[A-Za-z0-9_-]{43})")));
  const std::string secret = m[1];
  HttpClient machine = server_.Client();
  HttpResponse who = machine.Get("/api/v1/auth/me", {{"Authorization", "Bearer " + secret}});
  ASSERT_EQ(who.status, 200);
  EXPECT_EQ(who.Json()["services"], json::array({"caf.adresse"}));
  HttpResponse listed = admin.Get("/admin/organisations/caf");
  EXPECT_THAT(listed.body, ::testing::Not(HasSubstr(secret)));  // never shown again
  json keys = admin.Get("/api/v1/admin/organisations/caf/api-keys").Json()["items"];
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_FALSE(keys[0]["last_used_at"].is_null());
  HttpResponse revoked = admin.PostForm(
      "/admin/organisations/caf/cles/" + keys[0]["id"].get<std::string>() + "/revocation", {{"csrf_token", csrf}});
  EXPECT_EQ(revoked.status, 303);
  EXPECT_EQ(machine.Get("/api/v1/auth/me", {{"Authorization", "Bearer " + secret}}).status, 401);
  // A form without its CSRF token changes nothing.
  EXPECT_EQ(admin.PostForm("/admin/organisations/caf/cles", {{"label", "x"}}).status, 403);
  EXPECT_EQ(admin.Get("/api/v1/admin/organisations/caf/api-keys").Json()["items"].size(), 1u);

  EXPECT_EQ(admin.Get("/admin/envois").status, 200);
}

}  // namespace
}  // namespace parcours::harness
