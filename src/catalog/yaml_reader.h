// Strict reading of catalogue YAML: every problem becomes a Diagnostic naming the file, line
// and column, and reading goes on so that one run reports every problem of a file.
// Internal to the catalog module.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/catalog/catalog.h"

namespace parcours::catalog::detail {

class YamlReader {
 public:
  YamlReader(std::string file, std::vector<Diagnostic>* out) : file_(std::move(file)), out_(out) {}

  const std::string& file() const { return file_; }
  void Error(const YAML::Node& at, std::string message);
  void ErrorAtLine(int line, std::string message);
  SourcePos Pos(const YAML::Node& node) const;
  int Line(const YAML::Node& node) const { return node.Mark().line + 1; }

  // Reports every key of map `node` not in `allowed`. Returns false when `node` is not a map.
  bool ExpectMap(const YAML::Node& node, std::string_view what,
                 std::initializer_list<std::string_view> allowed);
  // A required scalar `key` of map `node`; reports and returns "" when absent or not a scalar.
  std::string RequiredString(const YAML::Node& node, std::string_view key);
  // An optional scalar; "" when absent.
  std::string OptionalString(const YAML::Node& node, std::string_view key);
  std::optional<double> OptionalNumber(const YAML::Node& node, std::string_view key);
  std::optional<int> OptionalInt(const YAML::Node& node, std::string_view key);
  // {fr: ..., en: ...}; when `required` both languages must be present and non-empty.
  Text ReadText(const YAML::Node& node, std::string_view key, bool required);
  // A sequence of scalars (absent = empty).
  std::vector<std::string> StringList(const YAML::Node& node, std::string_view key);
  // Checks a YYYY-MM-DD date at `node[key]` (required when `required`).
  std::string Date(const YAML::Node& node, std::string_view key, bool required);

 private:
  std::string file_;
  std::vector<Diagnostic>* out_;
};

// Parses a file into a YAML node; a syntax error becomes a diagnostic and returns nullopt.
std::optional<YAML::Node> ParseYamlFile(const std::filesystem::path& path, const std::string& display,
                                        std::vector<Diagnostic>* out);

// True for identifiers made of a-z, 0-9 and '-' (not starting or ending with '-').
bool IsSlug(std::string_view s);
// True for a civil date "YYYY-MM-DD" that exists.
bool IsIsoDate(std::string_view s);

}  // namespace parcours::catalog::detail
