// The `parcours` command line: the core subcommands (serve, migrate, version) and the entry
// that runs them. Modules add their own subcommands with an `AddXxxCommands(CLI::App&)` of
// their own, called from src/app/main.cc.
// Exit codes: 0 success, 1 runtime failure (database, bind), 2 invalid configuration or usage.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace parcours::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitConfig = 2;

// Flags shared by the core subcommands; parsed by CLI11, applied over the loaded Config.
struct CommandLine {
  std::string config_file;  // --config, else PARCOURS_CONFIG
  std::string listen;       // --listen host:port
  int port = -1;            // --port N (0 = any free port); -1 = not given
  std::string port_file;    // --port-file F: the bound port is written there once listening
  std::string database;     // --database URL
};

// Adds `serve`, `migrate` and `version` to `app`, and the global `--config` option.
// `line` receives the parsed flags and must outlive app.parse().
void AddCoreCommands(CLI::App& app, CommandLine& line);

// The version string, "0.1.0".
const char* Version();

}  // namespace parcours::app
