#include "parcours/app/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace parcours::app {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parcours-config-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ConfigTest, DefaultsAreValid) {
  auto config = LoadConfig("", Env({}));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->listen_address, "127.0.0.1");
  EXPECT_EQ(config->port, 8080);
  EXPECT_EQ(config->database_url, "sqlite:var/parcours.db");
  EXPECT_FALSE(config->demo);
}

TEST_F(ConfigTest, FileThenEnvironment) {
  std::string file = Write("p.yaml",
                           "listen: 0.0.0.0:9000\nthreads: 8\ndemo: true\ndatabase: sqlite:x.db\n"
                           "base_url: https://parcours.example.fr/\n");
  auto config = LoadConfig(file, Env({{"PARCOURS_THREADS", "2"}, {"PARCOURS_LISTEN", "[::1]:7000"}}));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->threads, 2);
  EXPECT_EQ(config->listen_address, "::1");
  EXPECT_EQ(config->port, 7000);
  EXPECT_TRUE(config->demo);
  EXPECT_EQ(config->database_url, "sqlite:x.db");
  EXPECT_EQ(config->base_url, "https://parcours.example.fr");  // trailing slash dropped
}

TEST_F(ConfigTest, BadValuesAreInvalidArgumentsNamingTheSetting) {
  struct Case {
    std::string var, value, reason;
  };
  for (const Case& c : {Case{"PARCOURS_THREADS", "x", "config.invalid_number"},
                        Case{"PARCOURS_THREADS", "1000", "config.invalid_number"},
                        Case{"PARCOURS_LISTEN", "8080", "config.invalid_listen"},
                        Case{"PARCOURS_LISTEN", "host:99999", "config.invalid_listen"},
                        Case{"PARCOURS_DEMO", "peut-être", "config.invalid_boolean"},
                        Case{"PARCOURS_DATABASE", "sqlite:", "config.invalid_database"},
                        Case{"PARCOURS_LOG_LEVEL", "trace", "config.invalid_log_level"},
                        Case{"PARCOURS_BASE_URL", "parcours.fr", "config.invalid_base_url"},
                        Case{"PARCOURS_SECRET_KEY_FILE", "/nope", "config.secret_key_unreadable"},
                        Case{"PARCOURS_THEME_DIR", "/nope", "config.theme_missing"}}) {
    auto config = LoadConfig("", Env({{c.var, c.value}}));
    ASSERT_FALSE(config.ok()) << c.var << "=" << c.value;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(config.status().reason(), c.reason) << c.var << "=" << c.value;
    EXPECT_NE(config.status().message().find(" / "), std::string::npos);  // French / English
  }
}

TEST_F(ConfigTest, FileErrorsNameFileAndLine) {
  std::string unknown = Write("u.yaml", "threads: 2\nlisten_addr: x\n");
  auto a = LoadConfig(unknown, Env({}));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().reason(), "config.unknown_key");
  EXPECT_NE(a.status().message().find(unknown + ":2 listen_addr"), std::string::npos);

  std::string malformed = Write("m.yaml", "threads: [1\n");
  EXPECT_EQ(LoadConfig(malformed, Env({})).status().reason(), "config.file_malformed");
  std::string nested = Write("n.yaml", "threads:\n  a: 1\n");
  EXPECT_EQ(LoadConfig(nested, Env({})).status().reason(), "config.file_malformed");
  EXPECT_EQ(LoadConfig((dir_ / "absent.yaml").string(), Env({})).status().reason(),
            "config.file_missing");
}

TEST_F(ConfigTest, SecretKeyFileMustHoldSomething) {
  std::string empty = Write("empty.key", "");
  EXPECT_FALSE(LoadConfig("", Env({{"PARCOURS_SECRET_KEY_FILE", empty}})).ok());
  std::string key = Write("k.key", "0123456789abcdef\n");
  auto config = LoadConfig("", Env({{"PARCOURS_SECRET_KEY_FILE", key}}));
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->secret_key_file, key);
}

TEST_F(ConfigTest, ComplaintSlaDaysDefaultsToThirtyAndStaysWithinAYear) {
  EXPECT_EQ(LoadConfig("", Env({}))->complaint_sla_days, 30);
  std::string file = Write("sla.yaml", "complaint_sla_days: 15\n");
  EXPECT_EQ(LoadConfig(file, Env({}))->complaint_sla_days, 15);
  EXPECT_EQ(LoadConfig(file, Env({{"PARCOURS_COMPLAINT_SLA_DAYS", "60"}}))->complaint_sla_days, 60);
  for (const char* bad : {"0", "367", "trente", "-5"}) {
    auto config = LoadConfig("", Env({{"PARCOURS_COMPLAINT_SLA_DAYS", bad}}));
    ASSERT_FALSE(config.ok()) << bad;
    EXPECT_NE(config.status().message().find("PARCOURS_COMPLAINT_SLA_DAYS"), std::string::npos)
        << config.status().message();
  }
}

TEST_F(ConfigTest, PostgresUrlsAreAccepted) {
  EXPECT_TRUE(LoadConfig("", Env({{"PARCOURS_DATABASE", "postgresql://u@h:5432/db"}})).ok());
  EXPECT_TRUE(LoadConfig("", Env({{"PARCOURS_DATABASE", "postgres://u@h/db"}})).ok());
}

}  // namespace
}  // namespace parcours::app
