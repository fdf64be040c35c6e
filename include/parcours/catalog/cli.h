// `parcours catalog ...` subcommands, wired into the main binary by src/app.
#pragma once

namespace CLI {
class App;
}

namespace parcours::catalog {

// Adds `catalog check [DIR]` (DIR defaults to $PARCOURS_CATALOG_DIR, else "catalog"):
// loads and validates the catalogue, prints one line per problem ("file:line:column:
// message") or a summary of what it holds, and exits non-zero when it is invalid
// (by throwing CLI::RuntimeError, which the main's CLI11 handler turns into the exit code).
void AddCatalogCommands(CLI::App& app);

}  // namespace parcours::catalog
