// `parcours rules ...` subcommands: check, eval, test. Wired into the main binary.
#pragma once

namespace CLI {
class App;
}

namespace parcours::rules {

// Adds the `rules` subcommand (check FILE..., eval --model M --situation S.json RULE...
// [--json], test DIR) to `app`.
void AddRulesCommands(CLI::App& app);

}  // namespace parcours::rules
