// The command line: migrate, version, configuration errors, port file, config file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness.h"
#include "process.h"

namespace parcours::harness {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string db() const { return "sqlite:" + dir_ + "/p.db"; }
  std::string dir_;
};

TEST_F(CliTest, MigrateThenVersion) {
  CommandResult migrate = RunParcours({"migrate"}, {{"PARCOURS_DATABASE", db()}});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
  EXPECT_THAT(migrate.out, HasSubstr("applied"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/p.db"));
  // A second run applies nothing and still succeeds.
  CommandResult again = RunParcours({"migrate", "--database", db()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("applied: 0"));

  CommandResult version = RunParcours({"version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_THAT(version.out, MatchesRegex("parcours [0-9]+\\.[0-9]+\\.[0-9]+\n(.|\n)*"));
}

TEST_F(CliTest, HelpExitsZeroAndListsCommands) {
  CommandResult help = RunParcours({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("serve"));
  EXPECT_THAT(help.out, HasSubstr("migrate"));
}

TEST_F(CliTest, NoSubcommandIsAUsageError) {
  CommandResult r = RunParcours({});
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(CliTest, InvalidEnvironmentValuesAreRejectedWithTheirName) {
  struct Case {
    std::string variable, value;
  };
  for (const Case& c : {Case{"PARCOURS_THREADS", "many"}, Case{"PARCOURS_THREADS", "0"},
                        Case{"PARCOURS_LISTEN", "nowhere"}, Case{"PARCOURS_DATABASE", "mysql://x"},
                        Case{"PARCOURS_LOG_LEVEL", "loud"}, Case{"PARCOURS_DEMO", "perhaps"},
                        Case{"PARCOURS_BASE_URL", "ftp://x"},
                        Case{"PARCOURS_SECRET_KEY_FILE", "/nonexistent/key"}}) {
    CommandResult r = RunParcours({"serve", "--port", "0"}, {{c.variable, c.value}}, dir_);
    EXPECT_EQ(r.exit_code, 2) << c.variable << "=" << c.value << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr("configuration invalide / invalid configuration"))
        << c.variable;
    // The message names the setting: the variable, or the file key it maps to.
    std::string key = c.variable.substr(9);
    for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_TRUE(r.err.find(c.variable) != std::string::npos ||
                r.err.find(key) != std::string::npos)
        << r.err;
  }
}

TEST_F(CliTest, ConfigFileErrorsNameTheFileAndLine) {
  std::string file = dir_ + "/bad.yaml";
  std::ofstream(file) << "listen: 127.0.0.1:0\nthreds: 4\n";
  CommandResult r = RunParcours({"--config", file, "serve"}, {}, dir_);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr(file + ":2"));
  EXPECT_THAT(r.err, HasSubstr("threds"));

  CommandResult missing = RunParcours({"serve"}, {{"PARCOURS_CONFIG", dir_ + "/absent.yaml"}}, dir_);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("absent.yaml"));
}

TEST_F(CliTest, ConfigFileIsReadAndEnvironmentWins) {
  ServerOptions options;
  options.env = {{"PARCOURS_LOG_LEVEL", "info"}};
  options.config_yaml = "log_level: error\ndb_pool_size: 3\n";
  ServerProcess server(options);
  Status started = server.Start();
  ASSERT_TRUE(started.ok()) << started.message();
  // log_level info from the environment beats error from the file: "serving" is logged.
  EXPECT_THAT(server.Stderr(), HasSubstr("\"db_pool_size\":3"));
  EXPECT_THAT(server.Stderr(), HasSubstr("serving"));
}

TEST_F(CliTest, UnusableDatabaseFailsWithExitCodeOne) {
  std::filesystem::create_directories(dir_ + "/a-directory.db");
  CommandResult r = RunParcours({"serve", "--port", "0"},
                                {{"PARCOURS_DATABASE", "sqlite:" + dir_ + "/a-directory.db"},
                                 {"PARCOURS_WEB_DIR", SourceDir() + "/web"}},
                                dir_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("database unusable"));
}

TEST_F(CliTest, MissingTemplatesFailClearly) {
  CommandResult r = RunParcours({"serve", "--port", "0"},
                                {{"PARCOURS_DATABASE", db()}, {"PARCOURS_WEB_DIR", dir_ + "/none"}},
                                dir_);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("layout.mustache"));
}

}  // namespace
}  // namespace parcours::harness
