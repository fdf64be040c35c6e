#include "golden.h"

#include <zlib.h>


namespace parcours::crosscheck {

std::filesystem::path GoldenPath(const std::filesystem::path& dir, const std::string& model) {
  auto gz = dir / (model + ".jsonl.gz");
  if (std::filesystem::exists(gz)) return gz;
  return dir / (model + ".jsonl");
}

Result<std::string> ReadMaybeGzip(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    return NotFound("crosscheck.golden_missing", "Fichier introuvable : " + path.string());
  }
  // gzread reads gzip streams and, transparently, plain files.
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    return NotFound("crosscheck.golden_missing", "Impossible d'ouvrir " + path.string());
  }
  std::string content;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) content.append(buffer, static_cast<size_t>(n));
  int error = 0;
  const char* message = gzerror(file, &error);
  std::string detail = message ? message : "";
  gzclose(file);
  if (n < 0 || (error != Z_OK && error != Z_STREAM_END)) {
    return InvalidArgument("crosscheck.golden_malformed",
                           "Lecture impossible de " + path.string() + " : " + detail);
  }
  return content;
}

namespace {

Status Malformed(const std::filesystem::path& path, int line, const std::string& what) {
  return InvalidArgument("crosscheck.golden_malformed",
                         path.string() + ", ligne " + std::to_string(line) + " : " + what);
}

}  // namespace

Result<GoldenReader> GoldenReader::Open(const std::filesystem::path& path) {
  GoldenReader reader;
  reader.path_ = path;
  ASSIGN_OR_RETURN(reader.content_, ReadMaybeGzip(path));
  const auto line = reader.NextLine();
  if (!line.has_value()) return Malformed(path, 1, "fichier vide");
  auto header = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object() || !header.contains("rules") || !header["rules"].is_array()) {
    return Malformed(path, reader.line_number_, "en-tête invalide (objet JSON avec \"rules\" attendu)");
  }
  for (const auto& rule : header["rules"]) {
    if (!rule.is_string()) return Malformed(path, reader.line_number_, "nom de règle invalide");
    reader.rules_.push_back(rule.get<std::string>());
  }
  reader.header_ = std::move(header);
  return reader;
}

std::optional<std::string_view> GoldenReader::NextLine() {
  while (offset_ < content_.size()) {
    size_t end = content_.find('\n', offset_);
    if (end == std::string::npos) end = content_.size();
    std::string_view line(content_.data() + offset_, end - offset_);
    offset_ = end + 1;
    ++line_number_;
    if (!line.empty()) return line;
  }
  return std::nullopt;
}

Result<std::optional<GoldenSituation>> GoldenReader::Next() {
  const auto line = NextLine();
  if (!line.has_value()) return std::optional<GoldenSituation>();
  auto json = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object() || !json.contains("situation") || !json["situation"].is_object() ||
      !json.contains("results") || !json["results"].is_object()) {
    return Malformed(path_, line_number_, "situation invalide (objet avec \"situation\" et \"results\" attendu)");
  }
  GoldenSituation situation;
  const auto id = json.find("id");
  situation.id = id != json.end() && id->is_number_integer() ? id->get<int>() : line_number_ - 2;
  situation.situation = std::move(json["situation"]);
  situation.results = std::move(json["results"]);
  return std::optional<GoldenSituation>(std::move(situation));
}

}  // namespace parcours::crosscheck
