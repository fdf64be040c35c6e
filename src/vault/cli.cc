// `parcours vault rotate-key` and `parcours audit verify`.
#include "parcours/vault/cli.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include "parcours/store/store.h"
#include "parcours/vault/access_log.h"
#include "parcours/vault/crypto.h"

namespace parcours::vault {
namespace {

constexpr int kExitBroken = 1;
constexpr int kExitUsage = 2;
constexpr int kExitFailure = 3;

struct Options {
  std::string database;
  std::string key_file;
  std::string expect_head;
  bool generate = false;
};

std::string DatabaseUrl(const Options& o) {
  if (!o.database.empty()) return o.database;
  if (const char* env = std::getenv("PARCOURS_DATABASE"); env && *env) return env;
  return "sqlite:var/parcours.db";
}

[[noreturn]] void Fail(int code, const Status& s) {
  std::cerr << "parcours: " << s.message() << " (" << s.reason() << ")\n";
  throw CLI::RuntimeError(code);
}

std::unique_ptr<store::Database> OpenOrExit(const Options& o) {
  store::Options opts;
  opts.url = DatabaseUrl(o);
  opts.pool_size = 2;
  auto db = store::Database::Open(opts);
  if (!db.ok()) Fail(db.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure, db.status());
  return std::move(db).value();
}

void RotateKey(const Options& o, const std::vector<Resealer>& others) {
  std::string key_file = o.key_file;
  if (key_file.empty()) {
    if (const char* env = std::getenv("PARCOURS_VAULT_KEY_FILE"); env && *env) key_file = env;
  }
  if (o.generate) {
    if (key_file.empty()) key_file = "var/vault.keys";
    std::ofstream out(key_file, std::ios::app);
    if (!out) Fail(kExitFailure, Unavailable("vault.key_file_unwritable", "Impossible d'écrire " + key_file + "."));
    out << KeyRing::GenerateKeyLine() << "\n";
    if (!out.flush()) Fail(kExitFailure, Unavailable("vault.key_file_unwritable", "Impossible d'écrire " + key_file + "."));
  }
  Result<KeyRing> keys = !key_file.empty() ? KeyRing::LoadFile(key_file) : KeyRing::FromEnvironment();
  if (!keys.ok() && key_file.empty()) keys = KeyRing::LoadFile("var/vault.keys");
  if (!keys.ok()) Fail(kExitUsage, keys.status());
  auto db = OpenOrExit(o);
  auto n = RotateKeys(*db, *keys);
  for (const Resealer& other : others) {
    if (!n.ok()) break;
    auto more = other(*db, *keys);
    n = more.ok() ? Result<int64_t>(*n + *more) : more;
  }
  if (!n.ok()) Fail(n.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure, n.status());
  std::cout << *n << " valeur(s) re-chiffrée(s) avec la clé / value(s) re-sealed with key "
            << keys->active_key_id() << "\n";
}

void Verify(const Options& o) {
  auto db = OpenOrExit(o);
  std::optional<std::string> expected;
  if (!o.expect_head.empty()) expected = o.expect_head;
  auto report = VerifyAccessLog(*db, expected);
  if (!report.ok()) Fail(kExitFailure, report.status());
  if (!report->ok) {
    std::cout << "Journal d'accès ALTÉRÉ / access log TAMPERED: " << report->problem << "\n"
              << "première entrée en cause / first bad entry: " << report->first_bad_seq << "\n";
    throw CLI::RuntimeError(kExitBroken);
  }
  std::cout << "Journal d'accès intact / access log intact: " << report->entries << " entrée(s) / entries\n"
            << "tête / head: " << report->head_hash_hex << "\n";
}

}  // namespace

void AddVaultCommands(CLI::App& app, std::vector<Resealer> others) {
  auto options = std::make_shared<Options>();
  CLI::App* vault = app.add_subcommand("vault", "Coffre de données / data vault");
  vault->require_subcommand(1);
  CLI::App* rotate = vault->add_subcommand(
      "rotate-key", "Re-chiffre les données sensibles avec la clé active / re-seal sensitive values with the active key");
  rotate->add_option("--database", options->database, "URL de la base / database URL (PARCOURS_DATABASE)");
  rotate->add_option("--key-file", options->key_file, "Fichier de clés / key file (PARCOURS_VAULT_KEY_FILE)");
  rotate->add_flag("--generate", options->generate,
                   "Ajoute d'abord une nouvelle clé active au fichier / first append a new active key to the file");
  rotate->callback([options, others = std::move(others)] { RotateKey(*options, others); });
}

void AddAuditCommands(CLI::App& app) {
  auto options = std::make_shared<Options>();
  CLI::App* audit = app.add_subcommand("audit", "Journal d'accès / access log");
  audit->require_subcommand(1);
  CLI::App* verify = audit->add_subcommand(
      "verify", "Vérifie la chaîne de hachage du journal d'accès / verify the access log's hash chain");
  verify->add_option("--database", options->database, "URL de la base / database URL (PARCOURS_DATABASE)");
  verify->add_option("--expect-head", options->expect_head,
                     "Hachage de tête relevé auparavant / head hash saved earlier (hex)");
  verify->callback([options] { Verify(*options); });
}

}  // namespace parcours::vault
