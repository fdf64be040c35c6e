#include "parcours/web/page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parcours/web/renderer.h"

namespace parcours::web {
namespace {

using ::testing::HasSubstr;

http::Request MakeRequest(std::string target, http::Headers headers = {}) {
  http::Request request;
  request.method = "GET";
  EXPECT_TRUE(request.SetTarget(target).ok()) << target;
  request.headers = std::move(headers);
  return request;
}

TEST(PageLanguageTest, QueryThenCookieThenAcceptLanguageThenFrench) {
  EXPECT_EQ(PageLanguage(MakeRequest("/")), "fr");
  EXPECT_EQ(PageLanguage(MakeRequest("/", {{"Accept-Language", "en-GB,en;q=0.8"}})), "en");
  EXPECT_EQ(PageLanguage(MakeRequest("/", {{"Accept-Language", "en"}, {"Cookie", "lang=fr"}})), "fr");
  EXPECT_EQ(PageLanguage(MakeRequest("/?lang=en", {{"Cookie", "lang=fr"}})), "en");
  EXPECT_EQ(PageLanguage(MakeRequest("/?lang=de", {{"Cookie", "lang=xx"}})), "fr");
}

class RenderPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto renderer = Renderer::Load({std::string(PARCOURS_SOURCE_DIR) + "/web", ""});
    ASSERT_TRUE(renderer.ok()) << renderer.status().ToString();
    renderer_ = std::move(renderer).value();
    services_.renderer = renderer_.get();
  }
  std::unique_ptr<Renderer> renderer_;
  api::Services services_;
};

TEST_F(RenderPageTest, AddsLayoutDataHeadersAndTheLanguageCookie) {
  http::Request request = MakeRequest("/accessibilite?lang=en&x=1");
  http::Response r = RenderPage(services_, request, "accessibility", {{"title", "T"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(r.body, HasSubstr("href=\"/accessibilite?x=1&amp;lang=fr\""));  // switch keeps x
  EXPECT_EQ(r.headers.find("Content-Language")->second, "en");
  EXPECT_THAT(r.headers.find("Set-Cookie")->second, HasSubstr("lang=en"));
}

TEST_F(RenderPageTest, ErrorsPrefixTheTitleAndUnknownPagesAnswer500) {
  http::Request request = MakeRequest("/composants");
  http::Response with_errors = RenderPage(
      services_, request, "components",
      {{"title", "Formulaire"}, {"errors", {{{"href", "#a"}, {"message", "Faux"}}}}}, 400);
  EXPECT_EQ(with_errors.status, 400);
  EXPECT_THAT(with_errors.body, HasSubstr("<title>Erreur : Formulaire – Parcours</title>"));
  EXPECT_EQ(with_errors.headers.count("Set-Cookie"), 0u);
  http::Response missing = RenderPage(services_, request, "no_such_page", {{"title", "x"}});
  EXPECT_EQ(missing.status, 500);
  EXPECT_THAT(missing.body, HasSubstr("Erreur interne"));
}

}  // namespace
}  // namespace parcours::web
