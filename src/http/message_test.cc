#include "parcours/http/message.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace parcours::http {
namespace {

Request WithHeader(std::string name, std::string value) {
  Request r;
  r.headers.emplace(std::move(name), std::move(value));
  return r;
}

TEST(Headers, NamesCompareCaseInsensitively) {
  Request r = WithHeader("content-TYPE", "text/plain");
  EXPECT_EQ(r.Header("Content-Type"), "text/plain");
  EXPECT_EQ(r.Header("X-Absent"), "");
}

TEST(Response, SetHeaderReplacesEveryValue) {
  Response r;
  r.headers.emplace("X-A", "1");
  r.headers.emplace("x-a", "2");
  r.SetHeader("X-a", "3");
  ASSERT_EQ(r.headers.count("X-A"), 1u);
  EXPECT_EQ(r.headers.find("x-A")->second, "3");
  r.AddCookie("a=1");
  r.AddCookie("b=2");
  EXPECT_EQ(r.headers.count("Set-Cookie"), 2u);
}

TEST(Request, CookiesAreFoundByExactName) {
  Request r = WithHeader("Cookie", "sid=abc; lang=\"en\"; sid2=zzz");
  EXPECT_EQ(r.Cookie("sid"), "abc");
  EXPECT_EQ(r.Cookie("lang"), "en");
  EXPECT_EQ(r.Cookie("sid2"), "zzz");
  EXPECT_FALSE(r.Cookie("si").has_value());
}

TEST(Request, FormFieldsDecodePlusAndEscapes) {
  Request r;
  r.body = "nom=Jean+Dupont&ville=Saint-%C3%89tienne&vide=&bad=%zz&nom=X";
  auto f = r.FormFields();
  EXPECT_EQ(f.count("nom"), 2u);
  EXPECT_EQ(f.find("nom")->second, "Jean Dupont");
  EXPECT_EQ(f.find("ville")->second, "Saint-Étienne");
  EXPECT_EQ(f.find("vide")->second, "");
  EXPECT_EQ(f.count("bad"), 0u);
}

TEST(Request, JsonBodyChecksContentType) {
  Request r = WithHeader("Content-Type", "text/plain");
  r.body = "{}";
  auto res = r.JsonBody();
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().reason(), "http.unsupported_media_type");
  EXPECT_EQ(HttpStatusFor(res.status()), 415);

  Request missing;
  missing.body = "{}";
  EXPECT_EQ(HttpStatusFor(missing.JsonBody().status()), 415);
}

TEST(Request, JsonBodyParsesOrRejects) {
  Request r = WithHeader("Content-Type", "application/json; charset=utf-8");
  r.body = R"({"a": [1, 2]})";
  auto ok = r.JsonBody();
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["a"][1], 2);

  Request vendor = WithHeader("content-type", "application/merge-patch+json");
  vendor.body = "{}";
  EXPECT_TRUE(vendor.JsonBody().ok());

  r.body = "{\"a\":";
  auto bad = r.JsonBody();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(HttpStatusFor(bad.status()), 400);
  EXPECT_EQ(bad.status().reason(), "json.malformed");

  r.body = "  ";
  EXPECT_EQ(r.JsonBody().status().reason(), "http.empty_body");
}

TEST(Request, LanguagePrefersQueryThenAcceptLanguage) {
  Request r;
  EXPECT_EQ(r.Language(), "fr");
  r.headers.emplace("Accept-Language", "de-DE, en-GB;q=0.8, fr;q=0.5");
  EXPECT_EQ(r.Language(), "en");
  r.query.emplace("lang", "fr");
  EXPECT_EQ(r.Language(), "fr");

  Request zero = WithHeader("Accept-Language", "en;q=0, de");
  EXPECT_EQ(zero.Language(), "fr");
  Request garbage = WithHeader("Accept-Language", ";;,,q=abc;en;q=zz");
  EXPECT_EQ(garbage.Language(), "fr");
}

TEST(Request, SetTargetDecodesPathAndQuery) {
  Request r;
  ASSERT_TRUE(r.SetTarget("/d%C3%A9marches/42?lang=en&q=a+b&q=c#frag").ok());
  EXPECT_EQ(r.path, "/démarches/42");
  EXPECT_EQ(r.target, "/d%C3%A9marches/42?lang=en&q=a+b&q=c");
  EXPECT_EQ(r.Query("lang"), "en");
  EXPECT_EQ(r.query.count("q"), 2u);
  EXPECT_EQ(r.Query("q"), "a b");
  EXPECT_FALSE(r.Query("absent").has_value());
}

TEST(Request, SetTargetMayBeGivenItsOwnTarget) {
  Request r;
  r.target = "/a-long-enough-path-to-live-on-the-heap/x?key=value&other=thing#frag";
  ASSERT_TRUE(r.SetTarget(r.target).ok());
  EXPECT_EQ(r.path, "/a-long-enough-path-to-live-on-the-heap/x");
  EXPECT_EQ(r.Query("other"), "thing");
}

TEST(Request, SetTargetRejectsHostileTargets) {
  for (const char* bad : {"", "relative", "/a/%zz", "/a/%", "/a/../etc", "/a/%2e%2e/b", "/./x",
                          "/a%00b", "http://example.org/"}) {
    Request r;
    r.path = "/unchanged";
    Status s = r.SetTarget(bad);
    EXPECT_EQ(s.reason(), "http.bad_target") << bad;
    EXPECT_EQ(r.path, "/unchanged") << bad;
  }
}

TEST(Escaping, UrlRoundTripAndHtml) {
  std::string out;
  EXPECT_EQ(UrlEncode("a b/é~"), "a%20b%2F%C3%A9~");
  ASSERT_TRUE(UrlDecode(UrlEncode("a b/é~&="), &out, false));
  EXPECT_EQ(out, "a b/é~&=");
  ASSERT_TRUE(UrlDecode("a+b", &out, false));
  EXPECT_EQ(out, "a+b");
  EXPECT_FALSE(UrlDecode("%4", &out, true));
  EXPECT_FALSE(UrlDecode("%G1", &out, true));
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(Response, Factories) {
  Response j = Response::Json({{"a", 1}}, 201);
  EXPECT_EQ(j.status, 201);
  EXPECT_EQ(j.body, R"({"a":1})");
  EXPECT_EQ(j.headers.find("content-type")->second, "application/json");
  Response invalid_utf8 = Response::Json(std::string("\xff"));
  EXPECT_FALSE(invalid_utf8.body.empty());
  EXPECT_EQ(Response::Html("<p>").headers.find("Content-Type")->second,
            "text/html; charset=utf-8");
  Response redirect = Response::Redirect("/x");
  EXPECT_EQ(redirect.status, 303);
  EXPECT_EQ(redirect.headers.find("Location")->second, "/x");
  EXPECT_EQ(Response::NoContent().status, 204);
}

}  // namespace
}  // namespace parcours::http
