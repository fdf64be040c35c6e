// The configuration of a Parcours node: read from a YAML file (`--config parcours.yaml` or
// PARCOURS_CONFIG), then overridden by environment variables, then by command-line flags,
// and validated once at start-up. `Config` is plain data: every module may read it through
// `api::Services::config`; only the app parses it.
//
// | file key        | environment                | default                  |
// |-----------------|----------------------------|--------------------------|
// | listen          | PARCOURS_LISTEN            | 127.0.0.1:8080           |
// | database        | PARCOURS_DATABASE          | sqlite:var/parcours.db   |
// | threads         | PARCOURS_THREADS           | 4                        |
// | db_pool_size    | PARCOURS_DB_POOL_SIZE      | 8                        |
// | secret_key_file | PARCOURS_SECRET_KEY_FILE   | (none)                   |
// | log_level       | PARCOURS_LOG_LEVEL         | info                     |
// | demo            | PARCOURS_DEMO              | false                    |
// | base_url        | PARCOURS_BASE_URL          | http://<address>:<port>  |
// | catalog_dir     | PARCOURS_CATALOG_DIR       | catalog                  |
// | web_dir         | PARCOURS_WEB_DIR           | web                      |
// | theme_dir       | PARCOURS_THEME_DIR         | (none: neutral theme)    |
// | behind_tls      | PARCOURS_BEHIND_TLS        | false                    |
// | max_body_bytes  | PARCOURS_MAX_BODY_BYTES    | 1048576                  |
// | complaint_sla_days | PARCOURS_COMPLAINT_SLA_DAYS | 30                    |
// | insight_fold_interval_ms | PARCOURS_INSIGHT_FOLD_INTERVAL_MS | 5000      |
//
// Thread-safety: a validated Config is immutable and shared by every thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "parcours/base/status.h"

namespace parcours::app {

struct Config {
  std::string listen_address = "127.0.0.1";  // IPv4 or IPv6 literal, or "localhost"
  uint16_t port = 8080;                       // 0 = any free port (tests)
  std::string database_url = "sqlite:var/parcours.db";
  int threads = 4;
  int db_pool_size = 8;
  std::string secret_key_file;  // file holding the node's secret key; "" = none configured
  std::string log_level = "info";
  bool demo = false;            // demo deployment: synthetic people, demo logins
  std::string base_url;         // public URL without a trailing slash; serve fills it from
                                // the bound address when left empty
  std::string catalog_dir = "catalog";
  std::string web_dir = "web";  // templates/, static/ and i18n/ of the neutral theme
  std::string theme_dir;        // optional theme overriding templates/ and static/ files
  bool behind_tls = false;      // a TLS proxy terminates HTTPS: HSTS and Secure cookies
  std::size_t max_body_bytes = 1024 * 1024;
  // Exchange with agencies (docs/EXCHANGE.md).
  std::string agency_sim_url = "http://127.0.0.1:8090";  // replaces {agency_sim} in exchange.yaml
  int delivery_max_attempts = 10;           // then the delivery is dead-lettered
  int delivery_timeout_ms = 10000;          // one webhook attempt
  int delivery_base_backoff_ms = 1000;      // first retry delay (doubles, with jitter)
  int delivery_max_backoff_ms = 1800000;    // cap of the retry delay
  // Complaints (docs/COMPLAINTS.md): days an organisation commits to answer a complaint in.
  // 30 is a service-quality choice well inside the two months after which the silence of
  // the administration is an implicit decision (CRPA art. L. 231-1 and L. 231-4).
  int complaint_sla_days = 30;
  // Indicators (docs/INDICATORS.md): pause of the background fold once caught up.
  int insight_fold_interval_ms = 5000;
};

// Reads an environment variable; returns nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
// The process environment.
EnvLookup ProcessEnvironment();

// Builds a Config from `file` (when non-empty) and then `env`, and validates it.
// Errors are InvalidArgument("config.<what>") whose message names the key or variable and
// says what is expected, in French then English ("... / ..."). A missing file is an error.
Result<Config> LoadConfig(const std::string& file, const EnvLookup& env);

// Parses "host:port" or "[v6]:port" into `config` (used for PARCOURS_LISTEN and --listen).
Status ParseListen(std::string_view text, std::string_view origin, Config* config);

// Checks the invariants of a fully assembled Config (ranges, URL schemes, files that must
// exist). LoadConfig calls it; call it again after applying command-line overrides.
Status ValidateConfig(Config* config);

}  // namespace parcours::app
