// Golden data of the rules cross-check: situations generated from a published model's own
// questions and the reference engine's results for them (see tools/publicodes-ref/generate.mjs).
//
// File format (JSON Lines, optionally gzip-compressed): line 1 is the header; every other
// line is {"id", "situation": {rule: expression}, "results": {rule: record}} where a record is
// {"k": kind, "v": value, "u": unit, "m": [missing variables, sorted], "c": cycle warnings, "s":
// [[index in m, score]...] in the reference's order} or {"error": message}; `c` and `s` are
// absent from files made before they were recorded.
// Files hold hundreds of thousands of records: they are read one situation at a time.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "parcours/base/status.h"

namespace parcours::crosscheck {

struct GoldenSituation {
  int id = 0;
  nlohmann::json situation;  // {rule name: Publicodes expression}
  nlohmann::json results;    // {rule name: record}
};

// Sequential reader over one golden file. Not thread-safe.
class GoldenReader {
 public:
  // Reads `path` (plain or gzip) and its header. Errors: kNotFound ("crosscheck.golden_missing"),
  // kInvalidArgument ("crosscheck.golden_malformed", naming the file and the line).
  static Result<GoldenReader> Open(const std::filesystem::path& path);

  // model, command, seed, packages, engine_options, rules...
  const nlohmann::json& header() const { return header_; }
  // The rules compared in every situation.
  const std::vector<std::string>& rules() const { return rules_; }
  // The next situation, std::nullopt after the last one.
  Result<std::optional<GoldenSituation>> Next();

 private:
  std::optional<std::string_view> NextLine();

  std::filesystem::path path_;
  std::string content_;
  size_t offset_ = 0;
  int line_number_ = 0;
  nlohmann::json header_;
  std::vector<std::string> rules_;
};

// The golden file of `model` in `dir`: <model>.jsonl.gz, else <model>.jsonl.
std::filesystem::path GoldenPath(const std::filesystem::path& dir, const std::string& model);

// Whole content of a file, gunzipped when it is gzip (plain files are read as they are).
Result<std::string> ReadMaybeGzip(const std::filesystem::path& path);

}  // namespace parcours::crosscheck
