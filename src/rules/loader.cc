// YAML / JSON sources to raw rules (see loader.h).
#include "loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <regex>

#include "json_reader.h"
#include "parcours/base/file.h"
#include "parcours/base/utf8.h"

namespace parcours::rules::detail {
namespace {

constexpr int kMaxYamlDepth = 200;

bool IsNullScalar(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

RawNode PlainScalar(const std::string& s) {
  if (IsNullScalar(s)) return RawNode();
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  static const std::regex kInt("^[-+]?[0-9]+$");
  static const std::regex kFloat("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  if (std::regex_match(s, kInt)) {
    try {
      if (s.size() < 16) return std::stoll(s);
    } catch (...) {
    }
    return std::strtod(s.c_str(), nullptr);
  }
  if (std::regex_match(s, kFloat)) return std::strtod(s.c_str(), nullptr);
  if (s == ".inf" || s == "+.inf") return std::numeric_limits<double>::infinity();
  if (s == "-.inf") return -std::numeric_limits<double>::infinity();
  return s;
}

Result<RawNode> Convert(const YAML::Node& node, int depth) {
  if (depth > kMaxYamlDepth) return InvalidArgument("rules.yaml_malformed", "YAML trop imbriqué");
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return RawNode();
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return RawNode(node.Scalar());
      return PlainScalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      RawNode arr = RawNode::array();
      for (const auto& item : node) {
        ASSIGN_OR_RETURN(RawNode v, Convert(item, depth + 1));
        arr.push_back(std::move(v));
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      RawNode obj = RawNode::object();
      for (const auto& kv : node) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : YAML::Dump(kv.first);
        ASSIGN_OR_RETURN(RawNode v, Convert(kv.second, depth + 1));
        obj[key] = std::move(v);
      }
      return obj;
    }
  }
  return RawNode();
}

Result<std::string> ReadFile(const std::filesystem::path& path) {
  if (std::optional<std::string> text = ReadWholeFile(path)) return std::move(*text);
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    return NotFound("rules.file_not_found", "Fichier introuvable : " + path.string());
  }
  return InvalidArgument("rules.file_unreadable", "Fichier illisible : " + path.string());
}

bool IsRuleFile(const std::filesystem::path& p) {
  auto ext = p.extension().string();
  return ext == ".publicodes" || ext == ".yaml" || ext == ".yml";
}

}  // namespace

Result<RawNode> YamlToRaw(std::string_view text, std::string_view source, SourceLines* lines) {
  // YAML texts are UTF-8; a malformed byte would otherwise reach names, texts and explanations.
  if (const size_t bad = InvalidUtf8At(text); bad != std::string_view::npos) {
    const std::string_view before = text.substr(0, bad);
    const size_t line_start = before.rfind('\n') + 1;  // npos + 1 == 0 on the first line
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
    return InvalidArgument("rules.yaml_malformed",
                           "YAML invalide dans " + std::string(source) + " (ligne " +
                               std::to_string(std::count(before.begin(), before.end(), '\n') + 1) + ", colonne " +
                               std::to_string(bad - line_start + 1) + ") : l'octet " + byte +
                               " n'appartient pas à un caractère UTF-8 valide");
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument("rules.yaml_malformed", "YAML invalide dans " + std::string(source) + " (ligne " +
                                                       std::to_string(e.mark.line + 1) + ", colonne " +
                                                       std::to_string(e.mark.column + 1) + ") : " + e.msg);
  }
  if (root.IsNull()) return RawNode::object();
  if (!root.IsMap()) {
    return InvalidArgument("rules.invalid_model", "Le fichier " + std::string(source) + " doit contenir des règles (un objet YAML)");
  }
  if (lines != nullptr) {
    for (const auto& kv : root) {
      if (kv.first.IsScalar()) {
        lines->where[kv.first.Scalar()] = std::string(source) + ":" + std::to_string(kv.first.Mark().line + 1);
      }
      lines->order.push_back(kv.first.IsScalar() ? kv.first.Scalar() : YAML::Dump(kv.first));
    }
  }
  try {
    return Convert(root, 0);
  } catch (const YAML::Exception& e) {
    return InvalidArgument("rules.yaml_malformed", "YAML invalide dans " + std::string(source) + " : " + e.msg);
  }
}

Result<RawNode> ReadSources(const std::vector<std::filesystem::path>& paths, SourceLines* lines) {
  std::vector<std::filesystem::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::filesystem::path> found;
      for (auto it = std::filesystem::recursive_directory_iterator(p, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file() && IsRuleFile(it->path())) found.push_back(it->path());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);
    }
  }
  RawNode merged = RawNode::object();
  for (const auto& f : files) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(f));
    RawNode raw;
    if (f.extension() == ".json") {
      // The rules' order, as the reader meets the top-level keys.
      if (!ReadJson(text, &raw, lines != nullptr ? &lines->order : nullptr)) {
        return InvalidArgument("rules.json_malformed", "JSON invalide dans " + f.string());
      }
      if (!raw.is_object()) return InvalidArgument("rules.invalid_model", "Le modèle JSON doit être un objet");
    } else {
      ASSIGN_OR_RETURN(raw, YamlToRaw(text, f.string(), lines));
    }
    if (files.size() == 1) return raw;  // one file (a published JSON model): nothing to merge
    for (auto it = raw.begin(); it != raw.end(); ++it) {
      auto [at, added] = merged.emplace(it.key(), nullptr);
      if (!added) {
        return InvalidArgument("rules.duplicate_rule", "La règle « " + it.key() + " » est définie deux fois (" + f.string() + ")");
      }
      at.value() = std::move(it.value());  // the file's tree is not needed afterwards
    }
  }
  return merged;
}

Status WithPosition(Status status, const SourceLines& lines) {
  if (status.ok() || status.field_errors().empty()) return status;
  const std::string& rule = status.field_errors().front().field;
  // The rule may be a child of a top-level entry: try the longest known prefix.
  std::string name = rule;
  for (;;) {
    auto it = lines.where.find(name);
    if (it != lines.where.end()) {
      Status out(status.code(), status.reason(), status.message() + " (" + it->second + ")");
      for (const auto& f : status.field_errors()) out.WithField(f.field, f.message);
      return out;
    }
    size_t sep = name.rfind(" . ");
    if (sep == std::string::npos) return status;
    name = name.substr(0, sep);
  }
}

}  // namespace parcours::rules::detail
