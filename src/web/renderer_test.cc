#include "parcours/web/renderer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "parcours/web/static_files.h"

namespace parcours::web {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

const std::string kWebDir = std::string(PARCOURS_SOURCE_DIR) + "/web";

std::unique_ptr<Renderer> RepoRenderer() {
  auto renderer = Renderer::Load({kWebDir, ""});
  EXPECT_TRUE(renderer.ok()) << renderer.status().ToString();
  return renderer.ok() ? std::move(renderer).value() : nullptr;
}

// A scratch web folder with a minimal layout and catalogue.
class ScratchWeb : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("parcours-web-" + std::string(
                                  ::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    Write("web/templates/layout.mustache", "<html lang=\"{{lang}}\">{{{content}}}</html>");
    Write("web/templates/pages/p.mustache", "{{t.a.b}}|{{#item}}{{> button}}{{/item}}");
    Write("web/templates/components/button.mustache", "<button>{{label}}</button>");
    Write("web/i18n/fr.yaml", "a:\n  b: Bonjour\n");
    Write("web/i18n/en.yaml", "a:\n  b: Hello\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  std::string web() const { return (dir_ / "web").string(); }
  fs::path dir_;
};

TEST(RepoTemplatesTest, EveryFrenchMessageHasAnEnglishOneAndBack) {
  auto renderer = RepoRenderer();
  ASSERT_NE(renderer, nullptr);
  std::vector<std::string> fr = renderer->MessageKeys("fr");
  std::vector<std::string> en = renderer->MessageKeys("en");
  EXPECT_GT(fr.size(), 20u);
  std::vector<std::string> only_fr, only_en;
  std::set_difference(fr.begin(), fr.end(), en.begin(), en.end(), std::back_inserter(only_fr));
  std::set_difference(en.begin(), en.end(), fr.begin(), fr.end(), std::back_inserter(only_en));
  EXPECT_TRUE(only_fr.empty()) << "missing in en: " << ::testing::PrintToString(only_fr);
  EXPECT_TRUE(only_en.empty()) << "missing in fr: " << ::testing::PrintToString(only_en);
}

TEST(RepoTemplatesTest, EveryTemplateRendersWithEmptyData) {
  auto renderer = RepoRenderer();
  ASSERT_NE(renderer, nullptr);
  for (const std::string& name : renderer->TemplateNames()) {
    for (std::string_view lang : kLanguages) {
      auto html = renderer->Render(name, json::object(), lang);
      ASSERT_TRUE(html.ok()) << name << ": " << html.status().ToString();
      // A comment closed early by a stray "}}" leaks its tail into the page.
      EXPECT_THAT(*html, Not(HasSubstr("}}"))) << name;
    }
  }
}

TEST(RepoTemplatesTest, HomePageInBothLanguages) {
  auto renderer = RepoRenderer();
  ASSERT_NE(renderer, nullptr);
  auto fr = renderer->RenderPage("home", {{"title", "Accueil"}}, "fr");
  ASSERT_TRUE(fr.ok()) << fr.status().ToString();
  EXPECT_THAT(*fr, HasSubstr("<html lang=\"fr\">"));
  EXPECT_THAT(*fr, HasSubstr("<title>Accueil – Parcours</title>"));
  EXPECT_THAT(*fr, HasSubstr("Aller au contenu"));
  auto en = renderer->RenderPage("home", {{"title", "Home"}}, "en");
  ASSERT_TRUE(en.ok());
  EXPECT_THAT(*en, HasSubstr("Skip to content"));
}

TEST(RepoTemplatesTest, FieldLinksItsHintAndErrorAndEscapesValues) {
  auto renderer = RepoRenderer();
  ASSERT_NE(renderer, nullptr);
  auto html = renderer->Render("components/field",
                               {{"id", "date"},
                                {"name", "date"},
                                {"label", "Date"},
                                {"hint", "JJ/MM/AAAA"},
                                {"error", "Date impossible"},
                                {"required", true},
                                {"value", "<script>alert('x')</script>"}},
                               "fr");
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  EXPECT_THAT(*html, HasSubstr("for=\"date\""));
  EXPECT_THAT(*html, HasSubstr("aria-describedby=\"date-hint date-error\""));
  EXPECT_THAT(*html, HasSubstr("aria-invalid=\"true\""));
  EXPECT_THAT(*html, HasSubstr("Erreur :"));
  EXPECT_THAT(*html, Not(HasSubstr("<script>")));
  EXPECT_THAT(*html, Not(HasSubstr("'x'")));
  EXPECT_THAT(*html, Not(HasSubstr("(facultatif)")));
}

TEST(RepoTemplatesTest, ErrorSummaryListsErrorsWithLinks) {
  auto renderer = RepoRenderer();
  ASSERT_NE(renderer, nullptr);
  auto html = renderer->Render(
      "components/error_summary",
      {{"has_errors", true}, {"errors", {{{"href", "#date"}, {"message", "Date impossible"}}}}},
      "en");
  ASSERT_TRUE(html.ok());
  EXPECT_THAT(*html, HasSubstr("There is a problem"));
  EXPECT_THAT(*html, HasSubstr("<a href=\"#date\">Date impossible</a>"));
  auto none = renderer->Render("components/error_summary", {{"has_errors", false}}, "en");
  EXPECT_THAT(*none, Not(HasSubstr("pc-error-summary")));
}

TEST(RepoTemplatesTest, RadiosShowTheGroupHintOnceAndOptionHintsWhereGiven) {
  auto renderer = RepoRenderer();
  ASSERT_NE(renderer, nullptr);
  json data = {{"id", "q"}, {"name", "q"}, {"legend", "Question ?"}, {"hint", "Aide du groupe"},
               {"options", {{{"value", "a"}, {"label", "A"}},
                            {{"value", "b"}, {"label", "B"}, {"option_hint", "Aide de B"}}}}};
  auto html = renderer->Render("components/radios", data, "fr");
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->find("Aide du groupe"), html->rfind("Aide du groupe"));  // exactly once
  EXPECT_THAT(*html, HasSubstr("aria-describedby=\"q-b-hint\""));
  EXPECT_THAT(*html, HasSubstr("<legend class=\"pc-fieldset__legend\">Question ?</legend>"));
}

TEST(RepoTemplatesTest, TaskListShowsStatusTags) {
  auto renderer = RepoRenderer();
  ASSERT_NE(renderer, nullptr);
  json data = {{"tasks",
                {{{"id", "t1"},
                  {"href", "/x"},
                  {"label", "Déclarer la naissance"},
                  {"status", {{"label", "À faire"}, {"kind", "todo"}}}}}}};
  auto html = renderer->Render("components/task_list", data, "fr");
  ASSERT_TRUE(html.ok());
  EXPECT_THAT(*html, HasSubstr("aria-describedby=\"t1-status\""));
  EXPECT_THAT(*html, HasSubstr("pc-tag--todo"));
}

TEST(RepoTemplatesTest, MessagesFallBackAndTakeParameters) {
  auto renderer = RepoRenderer();
  ASSERT_NE(renderer, nullptr);
  EXPECT_EQ(renderer->Message("en", "nav.home"), "Home");
  EXPECT_EQ(renderer->Message("xx", "nav.home"), "Accueil");
  EXPECT_EQ(renderer->Message("fr", "no.such.key"), "no.such.key");
}

TEST_F(ScratchWeb, PartialsAndMessagesAndThemeOverride) {
  auto plain = Renderer::Load({web(), ""});
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  auto html = (*plain)->RenderPage("p", {{"item", {{"label", "OK"}}}}, "en");
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  EXPECT_EQ(*html, "<html lang=\"en\">Hello|<button>OK</button></html>");
  EXPECT_EQ((*plain)->Message("fr", "a.b"), "Bonjour");

  Write("theme/templates/components/button.mustache", "<button class=\"dsfr\">{{label}}</button>");
  auto themed = Renderer::Load({web(), (dir_ / "theme").string()});
  ASSERT_TRUE(themed.ok());
  EXPECT_THAT(*(*themed)->RenderPage("p", {{"item", {{"label", "OK"}}}}, "fr"),
              HasSubstr("<button class=\"dsfr\">OK</button>"));
}

TEST_F(ScratchWeb, MessageParameters) {
  Write("web/i18n/fr/steps.yaml", "steps:\n  count: \"{n} étapes sur {total}\"\n");
  auto r = Renderer::Load({web(), ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->Message("fr", "steps.count", {{"n", "2"}, {"total", "9"}}), "2 étapes sur 9");
  EXPECT_EQ((*r)->Message("en", "steps.count", {{"n", "2"}, {"total", "9"}}), "2 étapes sur 9");
}

TEST_F(ScratchWeb, LoadErrorsNameTheFile) {
  Write("web/i18n/fr/dup.yaml", "a:\n  b: Encore\n");
  auto dup = Renderer::Load({web(), ""});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().reason(), "web.i18n_invalid");
  EXPECT_THAT(dup.status().message(), HasSubstr("a.b"));
  fs::remove(dir_ / "web/i18n/fr/dup.yaml");

  Write("web/templates/pages/broken.mustache", "{{#open}}never closed");
  auto broken = Renderer::Load({web(), ""});
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().reason(), "web.template_invalid");
  EXPECT_THAT(broken.status().message(), HasSubstr("broken.mustache"));
  fs::remove(dir_ / "web/templates/pages/broken.mustache");

  fs::remove(dir_ / "web/templates/layout.mustache");
  EXPECT_EQ(Renderer::Load({web(), ""}).status().reason(), "web.layout_missing");
}

TEST_F(ScratchWeb, UnknownTemplateAndMissingPartial) {
  Write("web/templates/pages/q.mustache", "{{> nowhere}}x");
  auto r = Renderer::Load({web(), ""});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->RenderPage("zzz", json::object(), "fr").status().code(), StatusCode::kNotFound);
  // A missing partial renders as nothing (mustache semantics).
  EXPECT_EQ(*(*r)->Render("pages/q", json::object(), "fr"), "x");
}

TEST_F(ScratchWeb, StaticFilesOverlayAndNeverEscape) {
  Write("web/static/site.css", "body{}");
  Write("web/static/img/logo.svg", "<svg/>");
  Write("theme/static/site.css", "body{color:red}");
  auto neutral = StaticFiles::Load(web(), "");
  ASSERT_TRUE(neutral.ok());
  ASSERT_NE((*neutral)->Find("site.css"), nullptr);
  EXPECT_EQ((*neutral)->Find("site.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ((*neutral)->Find("img/logo.svg")->content_type, "image/svg+xml");
  EXPECT_EQ((*neutral)->Find("../web/static/site.css"), nullptr);
  EXPECT_EQ((*neutral)->Find("/site.css"), nullptr);
  EXPECT_EQ((*neutral)->Find("img"), nullptr);

  auto themed = StaticFiles::Load(web(), (dir_ / "theme").string());
  ASSERT_TRUE(themed.ok());
  EXPECT_EQ((*themed)->Find("site.css")->body, "body{color:red}");
  EXPECT_NE((*themed)->Find("site.css")->etag, (*neutral)->Find("site.css")->etag);
  EXPECT_NE((*themed)->Version(), (*neutral)->Version());
}

}  // namespace
}  // namespace parcours::web
