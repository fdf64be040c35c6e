// Reading Publicodes sources: YAML (yaml-cpp, YAML 1.2 core schema like the `yaml` npm
// package) and compiled JSON, into the raw form the compiler consumes (key-sorted objects, with
// the sources' order of the rules beside them: SourceLines::order).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "expression.h"
#include "parcours/base/status.h"

namespace parcours::rules::detail {

struct SourceLines {
  // Top-level rule name -> "file:line" where it is defined.
  std::unordered_map<std::string, std::string> where;
  // Top-level rule names in the order of the sources (RawNode objects are key-sorted), files
  // in the order read: the order the reference engine parses rules in, which its type
  // inference, and through it evaluation, depends on where rules form a cycle.
  std::vector<std::string> order;
};

// Parses YAML text into ordered JSON. Errors: "rules.yaml_malformed" with line/column.
Result<RawNode> YamlToRaw(std::string_view text, std::string_view source, SourceLines* lines);

// Reads `paths` (files or folders of .publicodes/.yaml, or one .json) and merges them.
// Duplicate rule names across files are "rules.duplicate_rule" errors.
Result<RawNode> ReadSources(const std::vector<std::filesystem::path>& paths, SourceLines* lines);

// Appends " (fichier:ligne)" to a compile error naming a known rule.
Status WithPosition(Status status, const SourceLines& lines);

}  // namespace parcours::rules::detail
