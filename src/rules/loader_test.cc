// Reading models from files (LoadModelFromPath/LoadModelFromPaths): a file read at once by its
// size, a directory's rule files, a pipe (no size known), and the errors of a missing file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "parcours/rules/engine.h"

namespace parcours::rules {
namespace {

namespace fs = std::filesystem;

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parcours-loader-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

  static double Number(const ModelPtr& model, const std::string& rule) {
    Engine engine(model);
    auto evaluation = engine.Evaluate(rule);
    EXPECT_TRUE(evaluation.ok()) << evaluation.status().ToString();
    return evaluation.ok() ? evaluation->value.number : -1;
  }

  fs::path dir_;
};

TEST_F(LoaderTest, ReadsAFileWhole) {
  // Longer than a stream buffer, so that a short read would show.
  std::string yaml = "total:\n  somme:\n";
  for (int i = 0; i < 2000; ++i) yaml += "    - " + std::to_string(i) + "\n";
  Write(dir_ / "model.publicodes", yaml);
  auto model = LoadModelFromPath(dir_ / "model.publicodes");
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(Number(*model, "total"), 1999.0 * 2000 / 2);

  Write(dir_ / "model.json", R"({"a": {"valeur": "2 * 21"}})");
  auto json = LoadModelFromPath(dir_ / "model.json");
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(Number(*json, "a"), 42);
}

TEST_F(LoaderTest, ReadsTheRuleFilesOfADirectory) {
  Write(dir_ / "a.publicodes", "a:\n  valeur: b + 1\n");
  Write(dir_ / "b.yaml", "b:\n  valeur: 41\n");
  Write(dir_ / "notes.txt", "not a rule file: ignored\n");
  auto model = LoadModelFromPath(dir_);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(Number(*model, "a"), 42);
}

TEST_F(LoaderTest, ReadsAPipe) {
  const fs::path fifo = dir_ / "model.publicodes";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo) << "a:\n  valeur: 6 * 7\n"; });
  auto model = LoadModelFromPath(fifo);
  const int unblock = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // if the loader never opened it
  writer.join();
  if (unblock >= 0) ::close(unblock);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(Number(*model, "a"), 42);
}

TEST_F(LoaderTest, AMissingFileIsAnErrorNamingIt) {
  auto model = LoadModelFromPath(dir_ / "absent.publicodes");
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().ToString().find("rules.file_not_found"), std::string::npos);
  EXPECT_NE(model.status().ToString().find("absent.publicodes"), std::string::npos);
}

}  // namespace
}  // namespace parcours::rules
