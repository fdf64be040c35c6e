#include "parcours/catalog/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "parcours/catalog/catalog.h"

namespace parcours::catalog {

void AddCatalogCommands(CLI::App& app) {
  CLI::App* catalog = app.add_subcommand("catalog", "Catalogue des événements de vie");
  catalog->require_subcommand(1);
  CLI::App* check = catalog->add_subcommand("check", "Valide un dossier de catalogue (YAML et règles)");
  auto dir = std::make_shared<std::string>();
  check->add_option("dir", *dir, "Dossier du catalogue (défaut : $PARCOURS_CATALOG_DIR ou catalog/)");
  check->callback([dir] {
    const std::filesystem::path path = dir->empty() ? ConfiguredCatalogDir() : std::filesystem::path(*dir);
    std::vector<Diagnostic> diagnostics;
    Result<CatalogPtr> loaded = LoadCatalog(path, &diagnostics);
    if (!loaded.ok()) {
      for (const Diagnostic& d : diagnostics) std::cerr << d.ToString() << "\n";
      std::cerr << loaded.status().message() << "\n";
      throw CLI::RuntimeError(1);
    }
    std::size_t steps = 0, references = 0, questions = 0;
    for (const Event& e : (*loaded)->events()) {
      steps += e.steps.size();
      questions += e.questions.size();
      for (const Step& s : e.steps) references += s.references.size();
      std::cout << e.id << " : " << e.steps.size() << " étapes\n";
    }
    std::cout << "Catalogue valide : " << (*loaded)->events().size() << " événements, " << steps << " étapes, "
              << questions << " questions, " << references << " références.\n";
  });
}

}  // namespace parcours::catalog
