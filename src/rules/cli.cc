// `parcours rules check | eval | test` (see include/parcours/rules/cli.h).
#include "parcours/rules/cli.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "conformance.h"
#include "parcours/base/file.h"
#include "parcours/base/json.h"
#include "parcours/rules/engine.h"

namespace parcours::rules {
namespace {

struct Options {
  std::vector<std::string> check_files;
  std::string model;
  std::string situation;
  std::vector<std::string> eval_rules;
  bool json = false;
  std::string test_dir;
};

[[noreturn]] void Fail(const std::string& message, int code = 1) {
  std::cerr << message << "\n";
  throw CLI::RuntimeError(code);
}

std::vector<std::filesystem::path> ToPaths(const std::vector<std::string>& v) {
  return std::vector<std::filesystem::path>(v.begin(), v.end());
}

void RunCheck(const Options& o) {
  auto start = std::chrono::steady_clock::now();
  auto model = LoadModelFromPaths(ToPaths(o.check_files));
  if (!model.ok()) Fail("erreur : " + model.status().message());
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  for (const auto& w : (*model)->warnings()) std::cerr << "attention : " << w << "\n";
  std::cout << "ok : " << (*model)->RuleNames().size() << " règles publiques, " << (*model)->NodeCount()
            << " nœuds, chargé en " << static_cast<int>(ms) << " ms\n";
}

Json ReadSituation(const std::string& path) {
  if (path.empty()) return Json::object();
  const std::optional<std::string> text = ReadWholeFile(path);
  if (!text) Fail("situation introuvable : " + path);
  auto parsed = ParseJson(*text);
  if (!parsed.ok()) Fail("situation illisible : " + parsed.status().message());
  return *parsed;
}

void RunEval(const Options& o) {
  auto model = LoadModelFromPath(o.model);
  if (!model.ok()) Fail("erreur de modèle : " + model.status().message());
  Engine engine(*model);
  Status s = engine.SetSituation(ReadSituation(o.situation));
  if (!s.ok()) Fail("erreur de situation : " + s.message());
  for (const auto& w : engine.warnings()) std::cerr << "attention (situation) : " << w << "\n";
  Json out = Json::object();
  bool failed = false;
  for (const auto& rule : o.eval_rules) {
    auto ev = engine.Evaluate(rule);
    if (!ev.ok()) {
      failed = true;
      if (o.json) {
        out[rule] = {{"erreur", ev.status().message()}, {"raison", ev.status().reason()}};
      } else {
        std::cout << rule << " : erreur : " << ev.status().message() << "\n";
      }
      continue;
    }
    if (o.json) {
      Json missing = Json::array();
      for (const auto& m : ev->missing) missing.push_back({{"règle", m.name}, {"score", m.score}});
      out[rule] = {{"valeur", ev->value.ToJson()},     {"unité", ev->unit},
                   {"texte", ev->FormattedValue()},    {"variables manquantes", missing},
                   {"avertissements", ev->warnings()},  {"explication", ev->ExplanationJson()}};
    } else {
      std::cout << rule << " = " << ev->FormattedValue() << "\n";
      if (!ev->missing.empty()) {
        std::cout << "  variables manquantes :";
        for (const auto& m : ev->missing) std::cout << " " << m.name << " (" << m.score << ")";
        std::cout << "\n";
      }
      for (const auto& w : ev->warnings()) std::cout << "  attention : " << w << "\n";
      std::cout << "  explication :\n" << ev->ExplanationText();
    }
  }
  if (o.json) std::cout << out.dump(2) << "\n";
  if (failed) throw CLI::RuntimeError(1);
}

void RunTest(const Options& o) {
  auto files = ListCaseFiles(o.test_dir);
  if (files.empty()) Fail("aucun fichier de cas (*.yaml) dans " + o.test_dir);
  int passed = 0, total = 0;
  bool failed = false;
  for (const auto& f : files) {
    CaseFileReport r = RunCaseFile(f);
    if (!r.load_error.empty()) {
      std::cout << r.file << " : chargement impossible : " << r.load_error << "\n";
      failed = true;
      continue;
    }
    passed += r.passed;
    total += r.total;
    std::cout << r.file << " : " << r.passed << "/" << r.total << "\n";
    for (const auto& fail : r.failures) std::cout << "  ÉCHEC " << fail.name << " : " << fail.details << "\n";
    failed |= !r.failures.empty();
  }
  std::cout << "total : " << passed << "/" << total << " cas réussis\n";
  if (failed) throw CLI::RuntimeError(1);
}

}  // namespace

void AddRulesCommands(CLI::App& app) {
  auto options = std::make_shared<Options>();
  CLI::App* rules = app.add_subcommand("rules", "Moteur de règles Publicodes : vérifier, évaluer, tester");
  rules->require_subcommand(1);

  CLI::App* check = rules->add_subcommand("check", "Vérifie des fichiers de règles (.publicodes, .yaml, dossier, .json)");
  check->add_option("files", options->check_files, "Fichiers ou dossiers de règles")->required();
  check->callback([options] { RunCheck(*options); });

  CLI::App* eval = rules->add_subcommand("eval", "Évalue des règles pour une situation");
  eval->add_option("--model,-m", options->model, "Modèle : fichier .publicodes/.yaml, dossier ou .json compilé")
      ->required();
  eval->add_option("--situation,-s", options->situation, "Situation JSON {règle: valeur}");
  eval->add_option("rules", options->eval_rules, "Règles ou expressions à évaluer")->required();
  eval->add_flag("--json", options->json, "Sortie JSON (valeur, unité, variables manquantes, explication)");
  eval->callback([options] { RunEval(*options); });

  CLI::App* test = rules->add_subcommand("test", "Exécute les exemples d'un dossier de cas Publicodes");
  test->add_option("dir", options->test_dir, "Dossier de fichiers de cas (*.yaml)")->required();
  test->callback([options] { RunTest(*options); });
}

}  // namespace parcours::rules
