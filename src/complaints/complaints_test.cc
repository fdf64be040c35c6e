// The complaints suite on SQLite, and the text checks.
#include "complaints_suite.h"
#include "parcours/base/utf8.h"
#include "text.h"

namespace parcours::complaints {

INSTANTIATE_TEST_SUITE_P(Sqlite, ComplaintsSuite, ::testing::Values(store::Backend::kSqlite), BackendName);

namespace {

TEST(ComplaintText, TrimsCountsCharactersAndNamesTheProblem) {
  EXPECT_EQ(detail::Trim("  \n bonjour\t "), "bonjour");
  EXPECT_EQ(Utf8Length("été"), 3u);
  auto check = [](std::string_view text, std::size_t min, std::size_t max, std::string_view what) {
    auto e = detail::CheckText("texte", text, min, max, what);
    return e ? e->message + " [" + e->reason + "]" : std::string();
  };
  EXPECT_EQ(check("", 0, 5, "La référence"), "");
  EXPECT_EQ(check("", 1, 5, "La réponse"), "La réponse est obligatoire. [required]");
  EXPECT_EQ(check("ééééé", 1, 5, "La réponse"), "");
  EXPECT_EQ(check("ligne 1\nligne 2", 1, 50, "La réponse"), "");
  EXPECT_EQ(check("\xf4\x90\x80\x80", 0, 5, "La référence"),
            "La référence contient des caractères non autorisés. [invalid_characters]");  // beyond U+10FFFF
  EXPECT_EQ(check("\xc0\xaf", 0, 5, "La référence"),
            "La référence contient des caractères non autorisés. [invalid_characters]");  // overlong
  EXPECT_EQ(check("abc\xe2\x82", 0, 9, "La référence"),
            "La référence contient des caractères non autorisés. [invalid_characters]");  // truncated
  EXPECT_EQ(check("abc", 5, 9, "Le texte"), "Le texte doit compter au moins 5 caractères. [too_short]");
  auto long_text = detail::CheckText("texte", "abcdef", 0, 4, "La référence");
  ASSERT_TRUE(long_text.has_value());
  EXPECT_EQ(long_text->field, "texte");
  EXPECT_EQ(long_text->reason, "too_long");
  EXPECT_EQ(long_text->params, (std::map<std::string, std::string>{{"max", "4"}, {"count", "6"}}));
}

TEST(ComplaintNames, RoundTrip) {
  for (State s : {State::kDeposee, State::kEnCours, State::kResolue, State::kRejetee}) {
    EXPECT_EQ(ParseState(StateName(s)), s);
  }
  for (About a : {About::kService, About::kDossier, About::kStep}) EXPECT_EQ(ParseAbout(AboutName(a)), a);
  EXPECT_FALSE(ParseState("fermee"));
  EXPECT_FALSE(ParseAbout(""));
}

}  // namespace
}  // namespace parcours::complaints
