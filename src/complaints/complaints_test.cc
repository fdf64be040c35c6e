// The complaints suite on SQLite, and the text checks.
#include "complaints_suite.h"
#include "text.h"

namespace parcours::complaints {

INSTANTIATE_TEST_SUITE_P(Sqlite, ComplaintsSuite, ::testing::Values(store::Backend::kSqlite), BackendName);

namespace {

TEST(ComplaintText, TrimsCountsCharactersAndNamesTheProblem) {
  EXPECT_EQ(detail::Trim("  \n bonjour\t "), "bonjour");
  EXPECT_EQ(detail::CountChars("été"), 3u);
  EXPECT_EQ(detail::CheckText("", 0, 5, "La référence"), "");
  EXPECT_EQ(detail::CheckText("", 1, 5, "La réponse"), "La réponse est obligatoire.");
  EXPECT_EQ(detail::CheckText("ééééé", 1, 5, "La réponse"), "");
  EXPECT_EQ(detail::CheckText("ligne 1\nligne 2", 1, 50, "La réponse"), "");
  EXPECT_EQ(detail::CheckText("\xf4\x90\x80\x80", 0, 5, "La référence"),
            "La référence contient des caractères non autorisés.");  // beyond U+10FFFF
  EXPECT_EQ(detail::CheckText("\xc0\xaf", 0, 5, "La référence"),
            "La référence contient des caractères non autorisés.");  // overlong
  EXPECT_EQ(detail::CheckText("abc\xe2\x82", 0, 9, "La référence"),
            "La référence contient des caractères non autorisés.");  // truncated
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
