// The shared web pages and static files of a real node.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness.h"

namespace parcours::harness {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class SiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started.message();
  }
  ServerProcess server_;
};

TEST_F(SiteTest, HomeIsFrenchByDefault) {
  HttpResponse r = server_.Client().Get("/");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.Header("Content-Type"), StartsWith("text/html"));
  EXPECT_EQ(r.Header("Content-Language"), "fr");
  EXPECT_THAT(r.body, HasSubstr("<html lang=\"fr\">"));
  EXPECT_THAT(r.body, HasSubstr("href=\"#contenu\""));  // skip link
  EXPECT_THAT(r.body, HasSubstr("<main id=\"contenu\""));
  for (const char* link : {"/evenements", "/mon-espace", "/agent", "/pilote", "/accessibilite"}) {
    EXPECT_THAT(r.body, HasSubstr(std::string("href=\"") + link + "\"")) << link;
  }
  EXPECT_THAT(r.body, HasSubstr("?lang=en"));
}

TEST_F(SiteTest, LanguageFromQueryIsRememberedInACookie) {
  HttpClient client = server_.Client();
  HttpResponse en = client.Get("/?lang=en");
  ASSERT_EQ(en.status, 200);
  EXPECT_THAT(en.body, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(en.Header("Set-Cookie"), HasSubstr("lang=en"));
  EXPECT_EQ(client.Cookie("lang"), "en");
  HttpResponse again = client.Get("/accessibilite");
  EXPECT_THAT(again.body, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(again.body, HasSubstr("Accessibility statement"));
  HttpResponse back = client.Get("/accessibilite?lang=fr");
  EXPECT_THAT(back.body, HasSubstr("Déclaration d&#39;accessibilité"));
}

TEST_F(SiteTest, AcceptLanguageIsHonouredWithoutCookie) {
  HttpResponse r = server_.Client().Get("/", {{"Accept-Language", "en-GB,en;q=0.9"}});
  EXPECT_THAT(r.body, HasSubstr("<html lang=\"en\">"));
  HttpResponse unsupported = server_.Client().Get("/?lang=xx");
  EXPECT_THAT(unsupported.body, HasSubstr("<html lang=\"fr\">"));
}

TEST_F(SiteTest, StaticFilesAreCachedAndRevalidated) {
  HttpClient client = server_.Client();
  HttpResponse css = client.Get("/static/parcours.css");
  ASSERT_EQ(css.status, 200);
  EXPECT_THAT(css.Header("Content-Type"), StartsWith("text/css"));
  std::string etag = css.Header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_THAT(css.Header("Cache-Control"), HasSubstr("max-age"));
  HttpResponse revalidated = client.Get("/static/parcours.css", {{"If-None-Match", etag}});
  EXPECT_EQ(revalidated.status, 304);
  EXPECT_TRUE(revalidated.body.empty());

  // The page links the stylesheet with its version: that URL may be cached for a year.
  HttpResponse home = client.Get("/");
  auto pos = home.body.find("/static/parcours.css?v=");
  ASSERT_NE(pos, std::string::npos);
  std::string url = home.body.substr(pos, home.body.find('"', pos) - pos);
  EXPECT_THAT(client.Get(url).Header("Cache-Control"), HasSubstr("immutable"));
}

TEST_F(SiteTest, StaticPathsCannotLeaveTheStaticFolder) {
  HttpClient client = server_.Client();
  for (const char* path :
       {"/static/../CMakeLists.txt", "/static/%2e%2e/%2e%2e/CMakeLists.txt",
        "/static/..%2f..%2fCMakeLists.txt", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
        "/static/nothing-here.css"}) {
    HttpResponse r = client.Get(path);
    EXPECT_GE(r.status, 400) << path;
    EXPECT_LT(r.status, 500) << path;
    EXPECT_THAT(r.body, Not(HasSubstr("cmake_minimum_required"))) << path;
    EXPECT_THAT(r.body, Not(HasSubstr("root:"))) << path;
  }
  // Raw bytes too, in case a client library normalises the path.
  std::string raw = RawExchange(server_.port(),
                                "GET /static/../../CMakeLists.txt HTTP/1.1\r\nHost: x\r\n"
                                "Connection: close\r\n\r\n");
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 4"));
  EXPECT_THAT(raw, Not(HasSubstr("cmake_minimum_required")));
}

TEST_F(SiteTest, BrowsersGetAnHtmlNotFoundPageAndApiClientsAProblem) {
  HttpClient client = server_.Client();
  HttpResponse html = client.Get("/nulle-part?lang=en", {{"Accept", "text/html,*/*;q=0.8"}});
  EXPECT_EQ(html.status, 404);
  EXPECT_THAT(html.Header("Content-Type"), StartsWith("text/html"));
  EXPECT_THAT(html.body, HasSubstr("<h1>Page not found</h1>"));
  HttpResponse api = client.Get("/nulle-part", {{"Accept", "application/json"}});
  EXPECT_EQ(api.status, 404);
  EXPECT_THAT(api.Header("Content-Type"), StartsWith("application/problem+json"));
  HttpResponse post = client.Post("/nulle-part", "{}", "application/json", {{"Accept", "text/html"}});
  EXPECT_THAT(post.Header("Content-Type"), StartsWith("application/problem+json"));
}

TEST_F(SiteTest, PagesAreNotCachedAndVaryOnLanguage) {
  HttpResponse r = server_.Client().Get("/");
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  EXPECT_THAT(r.Header("Vary"), HasSubstr("Accept-Language"));
}

}  // namespace
}  // namespace parcours::harness
