#include "parcours/auth/middleware.h"

#include <gtest/gtest.h>

#include "parcours/base/clock.h"
#include "parcours/http/message.h"
#include "test_db.h"

namespace parcours::auth {
namespace {

using namespace std::chrono_literals;

class MiddlewareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenMigrated(path_);
    AuthOptions options;
    options.password_cost = {1, 8u << 20};
    options.demo = true;
    auth_ = std::make_unique<Auth>(*db_, clock_, options);
    router_.Use(Authenticate(*auth_));
    router_.Use(CsrfProtect(*auth_));
    router_.Use(Authorize(*auth_));
    auto ok = [this](http::Request& r) {
      ++handled_;
      const Principal* p = PrincipalOf(r);
      return http::Response::Text(p ? p->user_id : "anonymous");
    };
    router_.Add("GET", "/page", ok, "page", "public");
    router_.Add("POST", "/form", ok, "form", "public");
    router_.Add("GET", "/compte", ok, "account", "authenticated");
    router_.Add("GET", "/api/v1/admin", ok, "admin", "admin");
    router_.Add("POST", "/api/v1/things", ok, "things", "authenticated");
  }

  http::Response Call(std::string method, std::string target, http::Headers headers = {}, std::string body = "") {
    http::Request r;
    r.method = std::move(method);
    EXPECT_TRUE(r.SetTarget(target).ok());
    r.headers = std::move(headers);
    r.body = std::move(body);
    r.remote_address = "127.0.0.1";
    return router_.Dispatch(r);
  }

  std::string SessionCookie(Role role) {
    auto s = auth_->DemoLogin(role, {"127.0.0.1", "test"});
    EXPECT_TRUE(s.ok());
    csrf_ = s->csrf_token;
    return auth_->SessionCookieName() + "=" + s->cookie_value;
  }

  static std::string Header(const http::Response& r, const std::string& name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? "" : it->second;
  }

  testing::TempPath path_;
  ManualClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000))};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Auth> auth_;
  http::Router router_;
  int handled_ = 0;
  std::string csrf_;
};

TEST_F(MiddlewareTest, AnonymousPagesRedirectToLoginAndApiCallsGet401) {
  auto page = Call("GET", "/compte?x=1");
  EXPECT_EQ(page.status, 303);
  EXPECT_EQ(Header(page, "Location"), "/connexion?retour=%2Fcompte%3Fx%3D1");
  auto api = Call("GET", "/api/v1/admin");
  EXPECT_EQ(api.status, 401);
  EXPECT_NE(Header(api, "WWW-Authenticate"), "");
  EXPECT_EQ(handled_, 0);
}

TEST_F(MiddlewareTest, SessionsAuthenticateAndPoliciesRefuse) {
  const std::string cookie = SessionCookie(Role::kAgent);
  auto account = Call("GET", "/compte", {{"Cookie", cookie}});
  EXPECT_EQ(account.status, 200);
  EXPECT_NE(account.body, "anonymous");
  auto admin = Call("GET", "/api/v1/admin", {{"Cookie", cookie}});
  EXPECT_EQ(admin.status, 403);
  EXPECT_NE(admin.body.find("auth.forbidden"), std::string::npos);
  EXPECT_EQ(handled_, 1);
}

TEST_F(MiddlewareTest, UnsafeMethodsNeedTheSessionsCsrfToken) {
  const std::string cookie = SessionCookie(Role::kUsager);
  EXPECT_EQ(Call("POST", "/api/v1/things", {{"Cookie", cookie}}).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/things", {{"Cookie", cookie}, {"X-CSRF-Token", "wrong"}}).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/things", {{"Cookie", cookie}, {"X-CSRF-Token", csrf_}}).status, 200);
  EXPECT_EQ(Call("POST", "/form",
                 {{"Cookie", cookie}, {"Content-Type", "application/x-www-form-urlencoded"}},
                 "a=1&csrf_token=" + csrf_)
                .status,
            200);
  EXPECT_EQ(handled_, 2);
}

TEST_F(MiddlewareTest, AnonymousFormsUseTheDoubleSubmitCookie) {
  const http::Headers form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  EXPECT_EQ(Call("POST", "/form", form, "a=1").status, 403);  // a cross-site form post
  http::Request page;
  page.method = "GET";
  http::Response response;
  const std::string token = CsrfToken(page, response, *auth_);
  ASSERT_EQ(token.size(), 43u);
  EXPECT_NE(Header(response, "Set-Cookie").find("parcours_csrf=" + token), std::string::npos);
  http::Headers with_cookie = form;
  with_cookie.emplace("Cookie", "parcours_csrf=" + token);
  EXPECT_EQ(Call("POST", "/form", with_cookie, "csrf_token=" + token).status, 200);
  EXPECT_EQ(Call("POST", "/form", with_cookie, "csrf_token=" + std::string(43, 'x')).status, 403);
  // A JSON call without any cookie carries no ambient credential: nothing to forge.
  EXPECT_EQ(Call("POST", "/form", {{"Content-Type", "application/json"}}, "{}").status, 200);
}

TEST_F(MiddlewareTest, ApiKeysAuthenticateWithoutCsrfAndBadKeysAre401) {
  auto key = auth_->CreateApiKey("caf", {"caf-apl"}, "test", "admin:1");
  ASSERT_TRUE(key.ok());
  auto ok = Call("POST", "/api/v1/things", {{"Authorization", "Bearer " + key->secret}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, key->id);
  EXPECT_EQ(Call("GET", "/page", {{"Authorization", "Bearer pk_forged"}}).status, 401);
  EXPECT_EQ(Call("GET", "/page", {{"Authorization", "Basic abc"}}).status, 401);
}

TEST_F(MiddlewareTest, AnExpiredSessionCookieIsClearedAndTheVisitorIsAnonymous) {
  const std::string cookie = SessionCookie(Role::kUsager);
  clock_.Advance(31min);
  auto r = Call("GET", "/page", {{"Cookie", cookie}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "anonymous");
  EXPECT_NE(Header(r, "Set-Cookie").find("Max-Age=0"), std::string::npos);
}

}  // namespace
}  // namespace parcours::auth
