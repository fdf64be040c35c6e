#include "yaml_reader.h"

#include <charconv>

#include "parcours/base/file.h"

namespace parcours::catalog::detail {

void YamlReader::Error(const YAML::Node& at, std::string message) {
  const YAML::Mark mark = at.Mark();
  out_->push_back({file_, mark.line + 1, mark.column + 1, std::move(message)});
}

void YamlReader::ErrorAtLine(int line, std::string message) {
  out_->push_back({file_, line, 1, std::move(message)});
}

SourcePos YamlReader::Pos(const YAML::Node& node) const { return {file_, node.Mark().line + 1}; }

bool YamlReader::ExpectMap(const YAML::Node& node, std::string_view what,
                           std::initializer_list<std::string_view> allowed) {
  if (!node.IsMap()) {
    Error(node, std::string(what) + " : un dictionnaire (clé: valeur) est attendu.");
    return false;
  }
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>("");
    bool known = false;
    for (std::string_view a : allowed) known = known || a == key;
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      Error(kv.first, "Attribut inconnu « " + key + " » dans " + std::string(what) +
                          " (attendus : " + list + ").");
    }
  }
  return true;
}

std::string YamlReader::RequiredString(const YAML::Node& node, std::string_view key) {
  const YAML::Node v = node[std::string(key)];
  if (!v || v.IsNull()) {
    Error(node, "Attribut obligatoire manquant : « " + std::string(key) + " ».");
    return "";
  }
  if (!v.IsScalar() || v.Scalar().empty()) {
    Error(v, "« " + std::string(key) + " » doit être un texte non vide.");
    return "";
  }
  return v.Scalar();
}

std::string YamlReader::OptionalString(const YAML::Node& node, std::string_view key) {
  const YAML::Node v = node[std::string(key)];
  if (!v || v.IsNull()) return "";
  if (!v.IsScalar()) {
    Error(v, "« " + std::string(key) + " » doit être un texte.");
    return "";
  }
  return v.Scalar();
}

std::optional<double> YamlReader::OptionalNumber(const YAML::Node& node, std::string_view key) {
  const YAML::Node v = node[std::string(key)];
  if (!v || v.IsNull()) return std::nullopt;
  double d = 0;
  const std::string& s = v.IsScalar() ? v.Scalar() : std::string();
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    Error(v, "« " + std::string(key) + " » doit être un nombre.");
    return std::nullopt;
  }
  return d;
}

std::optional<int> YamlReader::OptionalInt(const YAML::Node& node, std::string_view key) {
  const YAML::Node v = node[std::string(key)];
  if (!v || v.IsNull()) return std::nullopt;
  int i = 0;
  const std::string& s = v.IsScalar() ? v.Scalar() : std::string();
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    Error(v, "« " + std::string(key) + " » doit être un nombre entier.");
    return std::nullopt;
  }
  return i;
}

Text YamlReader::ReadText(const YAML::Node& node, std::string_view key, bool required) {
  Text t;
  const YAML::Node v = node[std::string(key)];
  if (!v || v.IsNull()) {
    if (required) Error(node, "Attribut obligatoire manquant : « " + std::string(key) + " » (fr et en).");
    return t;
  }
  if (!ExpectMap(v, std::string(key), {"fr", "en"})) return t;
  t.fr = OptionalString(v, "fr");
  t.en = OptionalString(v, "en");
  if (required && (t.fr.empty() || t.en.empty())) {
    Error(v, "« " + std::string(key) + " » doit être rédigé en français (fr) et en anglais (en).");
  }
  return t;
}

std::vector<std::string> YamlReader::StringList(const YAML::Node& node, std::string_view key) {
  std::vector<std::string> out;
  const YAML::Node v = node[std::string(key)];
  if (!v || v.IsNull()) return out;
  if (!v.IsSequence()) {
    Error(v, "« " + std::string(key) + " » doit être une liste.");
    return out;
  }
  for (const auto& item : v) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      Error(item, "« " + std::string(key) + " » : chaque élément doit être un texte non vide.");
      continue;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::string YamlReader::Date(const YAML::Node& node, std::string_view key, bool required) {
  const std::string s = required ? RequiredString(node, key) : OptionalString(node, key);
  if (!s.empty() && !IsIsoDate(s)) {
    Error(node[std::string(key)], "« " + std::string(key) + " » doit être une date AAAA-MM-JJ existante.");
  }
  return s;
}

std::optional<YAML::Node> ParseYamlFile(const std::filesystem::path& path, const std::string& display,
                                        std::vector<Diagnostic>* out) {
  const std::optional<std::string> text = ReadWholeFile(path);
  if (!text) {
    out->push_back({display, 0, 0, "Fichier illisible."});
    return std::nullopt;
  }
  try {
    return YAML::Load(*text);
  } catch (const YAML::Exception& e) {
    out->push_back({display, e.mark.line + 1, e.mark.column + 1, "YAML mal formé : " + e.msg});
    return std::nullopt;
  }
}

bool IsSlug(std::string_view s) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  auto num = [&](std::size_t pos, std::size_t len, int* v) {
    auto [ptr, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, *v);
    return ec == std::errc() && ptr == s.data() + pos + len;
  };
  int y = 0, m = 0, d = 0;
  if (!num(0, 4, &y) || !num(5, 2, &m) || !num(8, 2, &d)) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

}  // namespace parcours::catalog::detail
