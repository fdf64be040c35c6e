// The auth service suite, run against each backend: auth_test.cc (SQLite) and
// auth_pgtest.cc (PostgreSQL, with PARCOURS_TEST_PG_URL from scripts/with-postgres).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "parcours/auth/auth.h"

#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/store/events.h"
#include "parcours/store/migrations.h"
#include "test_db.h"

namespace parcours::auth {

using namespace std::chrono_literals;

inline std::string BackendName(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

class AuthTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == store::Backend::kSqlite) {
      db_ = testing::OpenMigrated(path_);
    } else {
      const char* url = std::getenv("PARCOURS_TEST_PG_URL");
      if (url == nullptr) GTEST_SKIP() << "PARCOURS_TEST_PG_URL not set (scripts/with-postgres)";
      db_ = testing::OpenMigrated("", url);
      clock_.Set(std::chrono::system_clock::now());  // event ids after those of earlier runs
      // The database is shared with other suites: count only the events of this test, and
      // use names no other test uses.
      auto tx = db_->BeginRead();
      auto rows = (*tx)->Query("SELECT id FROM events ORDER BY id DESC LIMIT 1", {});
      if (rows.ok() && !rows->empty()) first_event_after_ = (*rows)[0].Text(0);
    }
    ASSERT_NE(db_, nullptr);
    suffix_ = GetParam() == store::Backend::kSqlite ? "" : NewId().substr(24);
    AuthOptions options;
    options.password_cost = {1, 8u << 20};
    options.demo = true;
    auth_ = std::make_unique<Auth>(*db_, clock_, options);
  }

  std::vector<std::string> EventTypes() {
    auto tx = db_->BeginRead();
    auto events = store::ReadEvents(**tx, first_event_after_, std::nullopt, 10000);
    std::vector<std::string> types;
    for (const auto& e : *events) types.push_back(e.type);
    return types;
  }
  int CountEvents(const std::string& type) {
    auto types = EventTypes();
    return static_cast<int>(std::count(types.begin(), types.end(), type));
  }

  // A unique name for this test run (PostgreSQL keeps rows between runs).
  std::string U(const std::string& name) const { return name + suffix_; }

  testing::TempPath path_;
  std::string first_event_after_;
  std::string suffix_;
  ManualClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000))};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Auth> auth_;
  ClientInfo client_{"127.0.0.9", "test"};
};

TEST_P(AuthTest, SessionCarriesRolesAndExpiresWhenIdleOrTooOld) {
  auto user = auth_->CreateUser("Sophie", "", "", {{Role::kAgent, "caf"}});
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  auto s = auth_->StartSession(*user, "local", "", "", false, client_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto p = auth_->ResumeSession(s->cookie_value);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE((*p)->HasRoleIn(Role::kAgent, "caf"));
  EXPECT_FALSE((*p)->HasRoleIn(Role::kAgent, "cpam"));
  EXPECT_EQ((*p)->csrf_token, s->csrf_token);

  // Activity keeps the session alive past the idle limit, up to the absolute limit.
  for (int i = 0; i < 30; ++i) {
    clock_.Advance(20min);
    ASSERT_TRUE(auth_->ResumeSession(s->cookie_value).ok()) << i;
  }
  clock_.Advance(2h);
  EXPECT_EQ(auth_->ResumeSession(s->cookie_value).status().reason(), "auth.session_expired");

  auto idle = auth_->StartSession(*user, "local", "", "", false, client_);
  ASSERT_TRUE(idle.ok());
  clock_.Advance(31min);
  EXPECT_EQ(auth_->ResumeSession(idle->cookie_value).status().reason(), "auth.session_expired");
}

TEST_P(AuthTest, EachLoginIsANewSessionAndLogoutEndsIt) {
  auto user = auth_->CreateUser("Camille", "", NewId(), {{Role::kUsager, ""}});
  ASSERT_TRUE(user.ok());
  auto a = auth_->StartSession(*user, "franceconnect", "eidas1", "id.token.x", false, client_);
  auto b = auth_->StartSession(*user, "franceconnect", "eidas1", "id.token.y", false, client_);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->cookie_value, b->cookie_value);
  EXPECT_NE(a->csrf_token, b->csrf_token);
  auto p = auth_->ResumeSession(a->cookie_value);
  ASSERT_TRUE(p.ok());
  auto ended = auth_->EndSession((*p)->session_id, (*p)->Actor(), client_);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(ended->id_token, "id.token.x");
  EXPECT_EQ(ended->provider, "franceconnect");
  EXPECT_EQ(auth_->ResumeSession(a->cookie_value).status().reason(), "auth.session_unknown");
  EXPECT_TRUE(auth_->ResumeSession(b->cookie_value).ok());
  // A made-up cookie (fixation attempt: an id the server never issued) is unknown.
  EXPECT_EQ(auth_->ResumeSession(std::string(43, 'A')).status().reason(), "auth.session_unknown");
  EXPECT_EQ(auth_->ResumeSession("short").status().reason(), "auth.session_unknown");
  EXPECT_EQ(CountEvents("fr.parcours.auth.logout"), 1);
}

TEST_P(AuthTest, CookieFlags) {
  EXPECT_EQ(auth_->SessionCookie("v"), "parcours_session=v; Path=/; HttpOnly; SameSite=Lax");
  AuthOptions tls;
  tls.secure_cookies = true;
  Auth secure(*db_, clock_, tls);
  EXPECT_EQ(secure.SessionCookie("v"), "__Host-parcours_session=v; Path=/; HttpOnly; SameSite=Lax; Secure");
  EXPECT_NE(secure.ExpiredSessionCookie().find("Max-Age=0"), std::string::npos);
}

TEST_P(AuthTest, LocalLoginLocksAfterRepeatedFailuresAndAudits) {
  ASSERT_TRUE(auth_->CreateLocalAccount(U("Sophie.Agent"), "un mot de passe solide", "Sophie",
                                        {{Role::kAgent, "caf"}})
                  .ok());
  EXPECT_EQ(auth_->CreateLocalAccount(U("sophie.agent"), "un autre mot de passe", "X", {}).status().reason(),
            "auth.username_taken");
  auto ok = auth_->LocalLogin(U("sophie.agent"), "un mot de passe solide", "", client_);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(auth_->LocalLogin("nobody", "un mot de passe solide", "", client_).status().reason(),
            "auth.bad_credentials");
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(15s);  // stay under the per-address rate limit
    EXPECT_EQ(auth_->LocalLogin(U("sophie.agent"), "mauvais", "", client_).status().reason(),
              "auth.bad_credentials") << i;
  }
  clock_.Advance(15s);
  auto locked = auth_->LocalLogin(U("sophie.agent"), "un mot de passe solide", "", client_);
  EXPECT_EQ(locked.status().reason(), "auth.too_many_attempts");
  EXPECT_EQ(locked.status().code(), StatusCode::kResourceExhausted);
  clock_.Advance(16min);
  EXPECT_TRUE(auth_->LocalLogin(U("sophie.agent"), "un mot de passe solide", "", client_).ok());
  EXPECT_EQ(CountEvents("fr.parcours.auth.account.locked"), 1);
  EXPECT_EQ(CountEvents("fr.parcours.auth.login.refused_locked"), 1);
  EXPECT_EQ(CountEvents("fr.parcours.auth.login.failed"), 6);
  EXPECT_EQ(CountEvents("fr.parcours.auth.login.succeeded"), 2);
}

TEST_P(AuthTest, BruteForceFromOneAddressIsRateLimited) {
  int refused = 0;
  for (int i = 0; i < 15; ++i) {
    auto r = auth_->LocalLogin("user" + std::to_string(i), "whatever", "", client_);
    if (r.status().reason() == "auth.too_many_attempts") ++refused;
  }
  EXPECT_EQ(refused, 5);  // 10 per minute per address
  EXPECT_EQ(CountEvents("fr.parcours.auth.login.rate_limited"), 5);
  clock_.Advance(61s);
  EXPECT_EQ(auth_->LocalLogin("user0", "whatever", "", client_).status().reason(), "auth.bad_credentials");
}

TEST_P(AuthTest, TotpIsRequiredOnceEnrolledAndCodesWorkOnce) {
  auto user = auth_->CreateLocalAccount(U("marc"), "un mot de passe solide", "Marc", {{Role::kPilote, "caf"}});
  ASSERT_TRUE(user.ok());
  auto secret = auth_->EnableTotp(*user);
  ASSERT_TRUE(secret.ok());
  const int64_t now_s = clock_.NowMillis() / 1000;
  EXPECT_EQ(auth_->LocalLogin(U("marc"), "un mot de passe solide", "", client_).status().reason(),
            "auth.bad_credentials");
  const std::string code = TotpCode(*secret, now_s);
  EXPECT_TRUE(auth_->LocalLogin(U("marc"), "un mot de passe solide", code, client_).ok());
  EXPECT_EQ(auth_->LocalLogin(U("marc"), "un mot de passe solide", code, client_).status().reason(),
            "auth.bad_credentials");  // replayed code
  clock_.Advance(30s);
  EXPECT_TRUE(auth_->LocalLogin(U("marc"), "un mot de passe solide",
                                TotpCode(*secret, clock_.NowMillis() / 1000), client_).ok());
}

TEST_P(AuthTest, ApiKeysAreHashedScopedRevocableAndRecordLastUse) {
  auto key = auth_->CreateApiKey(U("caf"), {"caf-apl"}, "Connecteur APL", "admin:1");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  {
    auto tx = db_->BeginRead();
    auto rows = (*tx)->Query("SELECT key_hash FROM auth_api_keys WHERE id = $1", {key->id});
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].Text(0).find(key->secret.substr(16)), std::string::npos);
  }
  auto p = auth_->AuthenticateApiKey(key->secret, client_);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE((*p)->HasRoleIn(Role::kIntegrateur, U("caf")));
  EXPECT_EQ((*p)->services, std::vector<std::string>{"caf-apl"});
  auto list = auth_->ListApiKeys(U("caf"));
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].last_used_ms, clock_.NowMillis());

  std::string forged = key->secret;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(auth_->AuthenticateApiKey(forged, client_).status().reason(), "auth.api_key_invalid");
  EXPECT_EQ(auth_->AuthenticateApiKey("pk_nope", client_).status().reason(), "auth.api_key_invalid");
  EXPECT_EQ(auth_->RevokeApiKey(key->id, "cpam", "admin:1").reason(), "auth.api_key_unknown");
  ASSERT_TRUE(auth_->RevokeApiKey(key->id, U("caf"), "admin:1").ok());
  EXPECT_EQ(auth_->AuthenticateApiKey(key->secret, client_).status().reason(), "auth.api_key_invalid");
  EXPECT_EQ(CountEvents("fr.parcours.auth.api_key.refused"), 3);
}

TEST_P(AuthTest, DemoLoginGivesEachRoleAndTheAidantAMandate) {
  for (Role r : kAllRoles) {
    auto s = auth_->DemoLogin(r, client_);
    ASSERT_TRUE(s.ok()) << RoleName(r) << " " << s.status().ToString();
    auto p = auth_->ResumeSession(s->cookie_value);
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE((*p)->HasRole(r));
    EXPECT_TRUE((*p)->demo);
  }
  auto usager = auth_->ResumeSession(auth_->DemoLogin(Role::kUsager, client_)->cookie_value);
  auto aidant = auth_->ResumeSession(auth_->DemoLogin(Role::kAidant, client_)->cookie_value);
  ASSERT_TRUE(usager.ok() && aidant.ok());
  EXPECT_TRUE((*aidant)->HasMandateFor((*usager)->person_id, clock_.NowMillis()));

  AuthOptions off;
  Auth production(*db_, clock_, off);
  EXPECT_EQ(production.DemoLogin(Role::kAdmin, client_).status().reason(), "auth.demo_disabled");
}

TEST_P(AuthTest, PeopleGrantScopedBoundedMandatesByCodeAndRevokeThem) {
  const std::string person = NewId();
  auto usager = auth_->CreateUser("Nadia", "", person, {{Role::kUsager, ""}});
  auto aidant = auth_->CreateUser("Karim (France services)", "", "", {{Role::kAidant, ""}});
  auto other = auth_->CreateUser("Pilote", "", "", {{Role::kPilote, "caf"}});
  ASSERT_TRUE(usager.ok() && aidant.ok() && other.ok());
  auto code = auth_->HolderCode(*aidant);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  ASSERT_EQ(code->size(), 9u);
  EXPECT_EQ(auth_->HolderCode(*aidant).value(), *code);  // stable
  EXPECT_EQ(auth_->HolderCode(*other).status().reason(), "auth.not_a_holder");

  // Typed loosely: lower case, spaces instead of the dash.
  std::string typed = *code;
  for (char& c : typed) c = c == '-' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(auth_->FindHolder(typed)->id, *aidant);
  // One wrong character fails the check character.
  std::string wrong = *code;
  wrong[0] = wrong[0] == '7' ? '8' : '7';
  EXPECT_EQ(auth_->FindHolder(wrong).status().reason(), "auth.holder_unknown");

  const std::string actor = "usager:" + *usager;
  EXPECT_EQ(auth_->GrantMandateByCode(person, *code, {"vault"}, 366, actor).status().reason(), "auth.mandate_too_long");
  EXPECT_EQ(auth_->GrantMandateByCode(person, *code, {"vault"}, 0, actor).status().reason(), "auth.mandate_too_short");
  EXPECT_EQ(auth_->GrantMandateByCode(person, *code, {"tout"}, 30, actor).status().reason(), "auth.mandate_scope");
  EXPECT_EQ(auth_->GrantMandateByCode(person, *code, {}, 30, actor).status().reason(), "auth.mandate_scope");
  EXPECT_TRUE(auth_->LoadPrincipal(*aidant).value()->mandates.empty());

  auto m = auth_->GrantMandateByCode(person, *code, {"vault"}, 30, actor);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->holder_name, "Karim (France services)");
  auto p = auth_->LoadPrincipal(*aidant).value();
  EXPECT_TRUE(p->HasMandateFor(person, clock_.NowMillis(), "vault"));
  EXPECT_FALSE(p->HasMandateFor(person, clock_.NowMillis(), "declarations"));
  EXPECT_TRUE(CanActForPerson(*p, person, clock_.NowMillis(), "vault"));
  EXPECT_FALSE(CanActForPerson(*p, person, clock_.NowMillis(), "journeys"));

  // Another person cannot end it; its person can, once.
  EXPECT_EQ(auth_->RevokeMandate(m->id, NewId(), "usager:x").reason(), "auth.mandate_unknown");
  ASSERT_TRUE(auth_->RevokeMandate(m->id, person, actor).ok());
  EXPECT_EQ(auth_->RevokeMandate(m->id, person, actor).reason(), "auth.mandate_unknown");
  EXPECT_TRUE(auth_->LoadPrincipal(*aidant).value()->mandates.empty());

  // A mandate ends by itself at its date.
  ASSERT_TRUE(auth_->GrantMandateByCode(person, *code, {"*"}, 1, actor).ok());
  EXPECT_EQ(auth_->LoadPrincipal(*aidant).value()->mandates.size(), 1u);
  clock_.Advance(25h);
  EXPECT_TRUE(auth_->LoadPrincipal(*aidant).value()->mandates.empty());

  auto list = auth_->ListMandates(person);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_FALSE((*list)[0].InForce(clock_.NowMillis()));
  const auto revoked = std::find_if(list->begin(), list->end(), [&](const MandateInfo& x) { return x.id == m->id; });
  ASSERT_NE(revoked, list->end());
  EXPECT_TRUE(revoked->revoked_ms.has_value());
  EXPECT_EQ(revoked->revoked_by, actor);
  EXPECT_EQ(CountEvents("fr.parcours.auth.mandate.granted"), 2);
  EXPECT_EQ(CountEvents("fr.parcours.auth.mandate.revoked"), 1);

  // A disabled holder can no longer be mandated.
  ASSERT_TRUE(auth_->SetUserDisabled(*aidant, true, *other, "admin:x").ok());
  EXPECT_EQ(auth_->GrantMandateByCode(person, *code, {"*"}, 1, actor).status().reason(), "auth.holder_unknown");
}

TEST_P(AuthTest, DisabledAccountsLoseTheirSessionsAndCannotLogIn) {
  const std::string name = U("sophie.disabled");
  auto user = auth_->CreateLocalAccount(name, "un mot de passe solide", "Sophie", {{Role::kAgent, "cpam"}});
  auto admin = auth_->CreateUser("Admin", "", "", {{Role::kAdmin, ""}});
  ASSERT_TRUE(user.ok() && admin.ok());
  auto s = auth_->LocalLogin(name, "un mot de passe solide", "", client_);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(auth_->ResumeSession(s->cookie_value).ok());

  EXPECT_EQ(auth_->SetUserDisabled(*admin, true, *admin, "admin:" + *admin).reason(), "auth.cannot_disable_self");
  EXPECT_EQ(auth_->SetUserDisabled(NewId(), true, *admin, "admin:" + *admin).reason(), "auth.user_unknown");
  ASSERT_TRUE(auth_->SetUserDisabled(*user, true, *admin, "admin:" + *admin).ok());
  EXPECT_FALSE(auth_->ResumeSession(s->cookie_value).ok());
  EXPECT_EQ(auth_->LocalLogin(name, "un mot de passe solide", "", client_).status().reason(), "auth.user_disabled");
  EXPECT_EQ(auth_->StartSession(*user, "proconnect", "", "", false, client_).status().reason(), "auth.user_disabled");
  EXPECT_EQ(CountEvents("fr.parcours.auth.user.disabled"), 1);
  EXPECT_EQ(CountEvents("fr.parcours.auth.login.refused_disabled"), 2);
  EXPECT_TRUE(auth_->GetUser(*user)->disabled_at_ms.has_value());

  auto listed = auth_->ListUsers("cpam");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(std::any_of(listed->begin(), listed->end(), [&](const UserInfo& u) {
    return u.id == *user && u.username == name && u.disabled_at_ms && u.roles.size() == 1;
  }));
  auto orgs = auth_->ListOrganisations({"mdph"});
  ASSERT_TRUE(orgs.ok());
  EXPECT_TRUE(std::any_of(orgs->begin(), orgs->end(), [](const OrganisationInfo& o) { return o.id == "cpam" && o.users >= 1; }));
  EXPECT_TRUE(std::any_of(orgs->begin(), orgs->end(), [](const OrganisationInfo& o) { return o.id == "mdph"; }));

  ASSERT_TRUE(auth_->SetUserDisabled(*user, false, *admin, "admin:" + *admin).ok());
  EXPECT_EQ(CountEvents("fr.parcours.auth.user.enabled"), 1);
  EXPECT_TRUE(auth_->LocalLogin(name, "un mot de passe solide", "", client_).ok());
}

}  // namespace parcours::auth
