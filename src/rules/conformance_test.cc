// Upstream Publicodes mechanism cases (../shared/publicodes/tests/mécanismes), one
// parameterised test per case file, read at run time from beside the repository.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "conformance.h"

namespace parcours::rules {
namespace {

std::filesystem::path CasesDir() {
  return std::filesystem::path(PARCOURS_SOURCE_DIR) / ".." / "shared" / "publicodes" / "tests" / "mécanismes";
}

std::vector<std::string> CaseFiles() {
  std::vector<std::string> names;
  for (const auto& f : ListCaseFiles(CasesDir())) names.push_back(f.filename().string());
  if (names.empty()) names.push_back("(aucun fichier)");
  return names;
}

int g_passed = 0;
int g_total = 0;

class ConformanceSummary : public ::testing::Environment {
 public:
  void TearDown() override {
    if (g_total > 0) std::cout << "[conformance] " << g_passed << "/" << g_total << " cas Publicodes réussis\n";
  }
};
const auto* const kSummary = ::testing::AddGlobalTestEnvironment(new ConformanceSummary);

class CaseFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CaseFileTest, AllExamplesPass) {
  if (GetParam() == "(aucun fichier)") GTEST_SKIP() << "cas introuvables dans " << CasesDir();
  CaseFileReport report = RunCaseFile(CasesDir() / GetParam());
  ASSERT_TRUE(report.load_error.empty()) << report.load_error;
  g_passed += report.passed;
  g_total += report.total;
  std::cout << "[conformance] " << report.file << " : " << report.passed << "/" << report.total << "\n";
  for (const auto& f : report.failures) ADD_FAILURE() << f.name << " : " << f.details;
  EXPECT_GT(report.total, 0);
}

std::string Sanitize(const ::testing::TestParamInfo<std::string>& info) {
  std::string out;
  for (char c : info.param) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

INSTANTIATE_TEST_SUITE_P(Mecanismes, CaseFileTest, ::testing::ValuesIn(CaseFiles()), Sanitize);

}  // namespace
}  // namespace parcours::rules
