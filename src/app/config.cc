#include "parcours/app/config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

namespace parcours::app {
namespace {

Status Bad(std::string reason, std::string message) {
  return InvalidArgument("config." + reason, std::move(message));
}

std::string Quote(std::string_view text) { return "« " + std::string(text) + " »"; }

Status ParseInt(std::string_view text, std::string_view origin, long long min, long long max,
                long long* out) {
  long long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < min ||
      value > max) {
    return Bad("invalid_number", std::string(origin) + " : entier attendu entre " +
                                     std::to_string(min) + " et " + std::to_string(max) +
                                     ", reçu " + Quote(text) + " / expected an integer between " +
                                     std::to_string(min) + " and " + std::to_string(max) + ".");
  }
  *out = value;
  return Status::Ok();
}

Status ParseBool(std::string_view text, std::string_view origin, bool* out) {
  static const std::set<std::string_view> kTrue = {"1", "true", "yes", "on", "oui"};
  static const std::set<std::string_view> kFalse = {"0", "false", "no", "off", "non", ""};
  if (kTrue.count(text)) {
    *out = true;
  } else if (kFalse.count(text)) {
    *out = false;
  } else {
    return Bad("invalid_boolean", std::string(origin) + " : booléen attendu (true/false), reçu " +
                                      Quote(text) + " / expected a boolean (true/false).");
  }
  return Status::Ok();
}

// Applies one setting given as text, from the file (origin "fichier: key") or the environment.
Status Apply(Config* c, std::string_view key, const std::string& value, std::string_view origin) {
  long long n = 0;
  if (key == "listen") return ParseListen(value, origin, c);
  if (key == "database") {
    c->database_url = value;
  } else if (key == "threads") {
    RETURN_IF_ERROR(ParseInt(value, origin, 1, 256, &n));
    c->threads = static_cast<int>(n);
  } else if (key == "db_pool_size") {
    RETURN_IF_ERROR(ParseInt(value, origin, 1, 1024, &n));
    c->db_pool_size = static_cast<int>(n);
  } else if (key == "max_body_bytes") {
    RETURN_IF_ERROR(ParseInt(value, origin, 1024, 1LL << 30, &n));
    c->max_body_bytes = static_cast<std::size_t>(n);
  } else if (key == "secret_key_file") {
    c->secret_key_file = value;
  } else if (key == "log_level") {
    c->log_level = value;
  } else if (key == "demo") {
    return ParseBool(value, origin, &c->demo);
  } else if (key == "behind_tls") {
    return ParseBool(value, origin, &c->behind_tls);
  } else if (key == "base_url") {
    c->base_url = value;
  } else if (key == "catalog_dir") {
    c->catalog_dir = value;
  } else if (key == "web_dir") {
    c->web_dir = value;
  } else if (key == "theme_dir") {
    c->theme_dir = value;
  } else if (key == "agency_sim_url") {
    c->agency_sim_url = value;
  } else if (key == "delivery_max_attempts") {
    RETURN_IF_ERROR(ParseInt(value, origin, 1, 100, &n));
    c->delivery_max_attempts = static_cast<int>(n);
  } else if (key == "delivery_timeout_ms") {
    RETURN_IF_ERROR(ParseInt(value, origin, 100, 600000, &n));
    c->delivery_timeout_ms = static_cast<int>(n);
  } else if (key == "delivery_base_backoff_ms") {
    RETURN_IF_ERROR(ParseInt(value, origin, 1, 3600000, &n));
    c->delivery_base_backoff_ms = static_cast<int>(n);
  } else if (key == "delivery_max_backoff_ms") {
    RETURN_IF_ERROR(ParseInt(value, origin, 1, 86400000, &n));
    c->delivery_max_backoff_ms = static_cast<int>(n);
  } else if (key == "complaint_sla_days") {
    RETURN_IF_ERROR(ParseInt(value, origin, 1, 366, &n));
    c->complaint_sla_days = static_cast<int>(n);
  } else if (key == "insight_fold_interval_ms") {
    RETURN_IF_ERROR(ParseInt(value, origin, 100, 3600000, &n));
    c->insight_fold_interval_ms = static_cast<int>(n);
  } else {
    return Bad("unknown_key", std::string(origin) + " : clé inconnue / unknown key.");
  }
  return Status::Ok();
}

constexpr std::string_view kKeys[] = {
    "listen",   "database", "threads",     "db_pool_size", "max_body_bytes", "secret_key_file",
    "log_level", "demo",    "behind_tls",  "base_url",     "catalog_dir",    "web_dir",
    "theme_dir", "agency_sim_url", "delivery_max_attempts", "delivery_timeout_ms",
    "delivery_base_backoff_ms", "delivery_max_backoff_ms", "complaint_sla_days",
    "insight_fold_interval_ms"};

std::string EnvName(std::string_view key) {
  std::string name = "PARCOURS_";
  for (char ch : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return name;
}

Status LoadFile(const std::string& path, Config* config) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Bad("file_missing", "Fichier de configuration introuvable " + Quote(path) +
                                   " / configuration file not found.");
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return Bad("file_malformed", "Fichier de configuration " + Quote(path) + " illisible, ligne " +
                                     std::to_string(e.mark.line + 1) + " : " + e.msg +
                                     " / malformed configuration file.");
  }
  if (root.IsNull()) return Status::Ok();
  if (!root.IsMap()) {
    return Bad("file_malformed", "Le fichier " + Quote(path) +
                                     " doit contenir des paires clé: valeur / must be a mapping.");
  }
  for (const auto& entry : root) {
    std::string key = entry.first.as<std::string>();
    std::string origin = path + ":" + std::to_string(entry.first.Mark().line + 1) + " " + key;
    if (!entry.second.IsScalar()) {
      return Bad("file_malformed",
                 origin + " : valeur simple attendue / expected a scalar value.");
    }
    RETURN_IF_ERROR(Apply(config, key, entry.second.Scalar(), origin));
  }
  return Status::Ok();
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Status ParseListen(std::string_view text, std::string_view origin, Config* config) {
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find("]:");
    if (close == std::string_view::npos) port_text = "";
    else {
      host = std::string(text.substr(1, close - 1));
      port_text = text.substr(close + 2);
    }
  } else {
    auto colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') == colon) {
      host = std::string(text.substr(0, colon));
      port_text = text.substr(colon + 1);
    }
  }
  long long port = 0;
  if (host.empty() || !ParseInt(port_text, origin, 0, 65535, &port).ok()) {
    return Bad("invalid_listen", std::string(origin) + " : adresse d'écoute attendue sous la forme "
                                 "hôte:port (ex. 127.0.0.1:8080), reçu " + Quote(text) +
                                 " / expected host:port.");
  }
  config->listen_address = host;
  config->port = static_cast<uint16_t>(port);
  return Status::Ok();
}

Status ValidateConfig(Config* c) {
  static const std::set<std::string_view> kLevels = {"debug", "info", "warn", "error"};
  if (!kLevels.count(c->log_level)) {
    return Bad("invalid_log_level", "log_level : debug, info, warn ou error attendu, reçu " +
                                        Quote(c->log_level) +
                                        " / expected debug, info, warn or error.");
  }
  const std::string& db = c->database_url;
  bool sqlite = db.rfind("sqlite:", 0) == 0 && db.size() > 7;
  bool postgres = db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
  if (!sqlite && !postgres) {
    return Bad("invalid_database",
               "database : URL attendue « sqlite:CHEMIN » ou « postgresql://... », reçu " +
                   Quote(db) + " / expected sqlite:PATH or a postgresql:// URL.");
  }
  while (c->base_url.size() > 1 && c->base_url.back() == '/') c->base_url.pop_back();
  if (!c->base_url.empty() && c->base_url.rfind("http://", 0) != 0 && c->base_url.rfind("https://", 0) != 0) {
    return Bad("invalid_base_url", "base_url : URL http:// ou https:// attendue, reçu " +
                                       Quote(c->base_url) + " / expected an http(s) URL.");
  }
  std::error_code ec;
  if (!c->secret_key_file.empty()) {
    std::ifstream in(c->secret_key_file, std::ios::binary);
    if (!in || std::filesystem::file_size(c->secret_key_file, ec) == 0 || ec) {
      return Bad("secret_key_unreadable",
                 "secret_key_file : fichier de clé secrète absent, illisible ou vide " +
                     Quote(c->secret_key_file) + " / secret key file missing, unreadable or empty.");
    }
  }
  if (!c->theme_dir.empty() && !std::filesystem::is_directory(c->theme_dir, ec)) {
    return Bad("theme_missing", "theme_dir : dossier de thème introuvable " + Quote(c->theme_dir) +
                                    " / theme folder not found.");
  }
  return Status::Ok();
}

Result<Config> LoadConfig(const std::string& file, const EnvLookup& env) {
  Config config;
  if (!file.empty()) RETURN_IF_ERROR(LoadFile(file, &config));
  for (std::string_view key : kKeys) {
    std::string name = EnvName(key);
    if (std::optional<std::string> value = env(name)) {
      RETURN_IF_ERROR(Apply(&config, key, *value, name));
    }
  }
  RETURN_IF_ERROR(ValidateConfig(&config));
  return config;
}

}  // namespace parcours::app
