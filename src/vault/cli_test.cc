// `parcours audit verify` and `parcours vault rotate-key` as the binary runs them (CLI11 in process).
#include "parcours/vault/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "vault_suite.h"

namespace parcours::vault {
namespace {

// Runs `args` through a fresh CLI11 app holding the vault commands; returns the exit code.
int RunCommand(std::vector<std::string> args, std::vector<Resealer> others = {}) {
  CLI::App app{"parcours"};
  app.require_subcommand(1);
  AddVaultCommands(app, std::move(others));
  AddAuditCommands(app);
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return e.get_exit_code();
  }
  return 0;
}

class Cli : public AccessLogSuite {};

TEST_P(Cli, AuditVerifyExitsOneOnTampering) {
  FillLog();
  EXPECT_EQ(RunCommand({"audit", "verify", "--database", scratch_->url()}), 0);
  const std::string head = Verify().head_hash_hex;
  EXPECT_EQ(RunCommand({"audit", "verify", "--database", scratch_->url(), "--expect-head", head}), 0);
  Tamper({"UPDATE vault_access_log SET legal_basis = 'aucune' WHERE seq = 1"});
  EXPECT_EQ(RunCommand({"audit", "verify", "--database", scratch_->url()}), 1);
  EXPECT_EQ(RunCommand({"audit", "verify", "--database", "nowhere:x"}), 2);
}

TEST_P(Cli, RotateKeyGeneratesAKeyAndReseals) {
  AttributeWrite w{"individu . NIR", kNir, {}, {}, {}, {}};
  ASSERT_TRUE(vault().Write(Camille(), camille_, {w}, {"j", "Parcours", "web"}).ok());
  const std::filesystem::path file = std::filesystem::temp_directory_path() / ("vault-keys-" + camille_);
  {
    std::ofstream out(file);
    out << key_line_ << "\n";
  }
  // Other modules' sealed values (exchange payloads) are re-sealed with the same active key.
  std::string other_key;
  Resealer other = [&](store::Database&, const KeyRing& keys) -> Result<int64_t> {
    other_key = keys.active_key_id();
    return int64_t{0};
  };
  EXPECT_EQ(RunCommand({"vault", "rotate-key", "--generate", "--key-file", file.string(), "--database", scratch_->url()},
                       {other}),
            0);
  auto ring = KeyRing::LoadFile(file);
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->size(), 2u);
  EXPECT_EQ(other_key, ring->active_key_id());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM vault_attributes WHERE key_id = '" + ring->active_key_id() + "'"), 1);
  Resealer refusing = [](store::Database&, const KeyRing&) -> Result<int64_t> {
    return InvalidArgument("vault.unknown_key", "clé absente");
  };
  EXPECT_EQ(RunCommand({"vault", "rotate-key", "--key-file", file.string(), "--database", scratch_->url()}, {refusing}), 2);
  EXPECT_EQ(RunCommand({"vault", "rotate-key", "--key-file", (file.string() + ".absent"), "--database", scratch_->url()}), 2);
  std::filesystem::remove(file);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, Cli, ::testing::Values(store::Backend::kSqlite), BackendName);

}  // namespace
}  // namespace parcours::vault
