#include "parcours/auth/auth.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/store/events.h"
#include "parcours/store/migrations.h"
#include "test_db.h"

namespace parcours::auth {
namespace {

using namespace std::chrono_literals;

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenMigrated(path_);
    AuthOptions options;
    options.password_cost = {1, 8u << 20};
    options.demo = true;
    auth_ = std::make_unique<Auth>(*db_, clock_, options);
  }

  std::vector<std::string> EventTypes() {
    auto tx = db_->BeginRead();
    auto events = store::ReadEvents(**tx, "", std::nullopt, 1000);
    std::vector<std::string> types;
    for (const auto& e : *events) types.push_back(e.type);
    return types;
  }
  int CountEvents(const std::string& type) {
    auto types = EventTypes();
    return static_cast<int>(std::count(types.begin(), types.end(), type));
  }

  testing::TempPath path_;
  ManualClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000))};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Auth> auth_;
  ClientInfo client_{"127.0.0.9", "test"};
};

TEST_F(AuthTest, SessionCarriesRolesAndExpiresWhenIdleOrTooOld) {
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

TEST_F(AuthTest, EachLoginIsANewSessionAndLogoutEndsIt) {
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

TEST_F(AuthTest, CookieFlags) {
  EXPECT_EQ(auth_->SessionCookie("v"), "parcours_session=v; Path=/; HttpOnly; SameSite=Lax");
  AuthOptions tls;
  tls.secure_cookies = true;
  Auth secure(*db_, clock_, tls);
  EXPECT_EQ(secure.SessionCookie("v"), "__Host-parcours_session=v; Path=/; HttpOnly; SameSite=Lax; Secure");
  EXPECT_NE(secure.ExpiredSessionCookie().find("Max-Age=0"), std::string::npos);
}

TEST_F(AuthTest, LocalLoginLocksAfterRepeatedFailuresAndAudits) {
  ASSERT_TRUE(auth_->CreateLocalAccount("Sophie.Agent", "un mot de passe solide", "Sophie",
                                        {{Role::kAgent, "caf"}})
                  .ok());
  EXPECT_EQ(auth_->CreateLocalAccount("sophie.agent", "un autre mot de passe", "X", {}).status().reason(),
            "auth.username_taken");
  auto ok = auth_->LocalLogin("sophie.agent", "un mot de passe solide", "", client_);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(auth_->LocalLogin("nobody", "un mot de passe solide", "", client_).status().reason(),
            "auth.bad_credentials");
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(15s);  // stay under the per-address rate limit
    EXPECT_EQ(auth_->LocalLogin("sophie.agent", "mauvais", "", client_).status().reason(),
              "auth.bad_credentials") << i;
  }
  clock_.Advance(15s);
  auto locked = auth_->LocalLogin("sophie.agent", "un mot de passe solide", "", client_);
  EXPECT_EQ(locked.status().reason(), "auth.too_many_attempts");
  EXPECT_EQ(locked.status().code(), StatusCode::kResourceExhausted);
  clock_.Advance(16min);
  EXPECT_TRUE(auth_->LocalLogin("sophie.agent", "un mot de passe solide", "", client_).ok());
  EXPECT_EQ(CountEvents("fr.parcours.auth.account.locked"), 1);
  EXPECT_EQ(CountEvents("fr.parcours.auth.login.refused_locked"), 1);
  EXPECT_EQ(CountEvents("fr.parcours.auth.login.failed"), 6);
  EXPECT_EQ(CountEvents("fr.parcours.auth.login.succeeded"), 2);
}

TEST_F(AuthTest, BruteForceFromOneAddressIsRateLimited) {
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

TEST_F(AuthTest, TotpIsRequiredOnceEnrolledAndCodesWorkOnce) {
  auto user = auth_->CreateLocalAccount("marc", "un mot de passe solide", "Marc", {{Role::kPilote, "caf"}});
  ASSERT_TRUE(user.ok());
  auto secret = auth_->EnableTotp(*user);
  ASSERT_TRUE(secret.ok());
  const int64_t now_s = clock_.NowMillis() / 1000;
  EXPECT_EQ(auth_->LocalLogin("marc", "un mot de passe solide", "", client_).status().reason(),
            "auth.bad_credentials");
  const std::string code = TotpCode(*secret, now_s);
  EXPECT_TRUE(auth_->LocalLogin("marc", "un mot de passe solide", code, client_).ok());
  EXPECT_EQ(auth_->LocalLogin("marc", "un mot de passe solide", code, client_).status().reason(),
            "auth.bad_credentials");  // replayed code
  clock_.Advance(30s);
  EXPECT_TRUE(auth_->LocalLogin("marc", "un mot de passe solide",
                                TotpCode(*secret, clock_.NowMillis() / 1000), client_).ok());
}

TEST_F(AuthTest, ApiKeysAreHashedScopedRevocableAndRecordLastUse) {
  auto key = auth_->CreateApiKey("caf", {"caf-apl"}, "Connecteur APL", "admin:1");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  {
    auto tx = db_->BeginRead();
    auto rows = (*tx)->Query("SELECT key_hash FROM auth_api_keys", {});
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].Text(0).find(key->secret.substr(16)), std::string::npos);
  }
  auto p = auth_->AuthenticateApiKey(key->secret, client_);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE((*p)->HasRoleIn(Role::kIntegrateur, "caf"));
  EXPECT_EQ((*p)->services, std::vector<std::string>{"caf-apl"});
  auto list = auth_->ListApiKeys("caf");
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].last_used_ms, clock_.NowMillis());

  std::string forged = key->secret;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(auth_->AuthenticateApiKey(forged, client_).status().reason(), "auth.api_key_invalid");
  EXPECT_EQ(auth_->AuthenticateApiKey("pk_nope", client_).status().reason(), "auth.api_key_invalid");
  EXPECT_EQ(auth_->RevokeApiKey(key->id, "cpam", "admin:1").reason(), "auth.api_key_unknown");
  ASSERT_TRUE(auth_->RevokeApiKey(key->id, "caf", "admin:1").ok());
  EXPECT_EQ(auth_->AuthenticateApiKey(key->secret, client_).status().reason(), "auth.api_key_invalid");
  EXPECT_EQ(CountEvents("fr.parcours.auth.api_key.refused"), 3);
}

TEST_F(AuthTest, DemoLoginGivesEachRoleAndTheAidantAMandate) {
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

}  // namespace
}  // namespace parcours::auth
