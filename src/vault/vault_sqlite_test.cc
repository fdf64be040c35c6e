// The vault suite on SQLite, and what only a file-backed database can show: no sensitive
// value in clear in the bytes on disk.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "vault_suite.h"

namespace parcours::vault {

INSTANTIATE_TEST_SUITE_P(Sqlite, VaultSuite, ::testing::Values(store::Backend::kSqlite), BackendName);
INSTANTIATE_TEST_SUITE_P(Sqlite, AccessLogSuite, ::testing::Values(store::Backend::kSqlite), BackendName);

namespace {

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

class RawFile : public VaultSuite {};

TEST_P(RawFile, NoSensitiveValueInClear) {
  AttributeWrite nir{"individu . NIR", kNir, {}, {}, {}, {}};
  AttributeWrite iban{"banque . IBAN", kIban, {}, {}, {}, {}};
  AttributeWrite salary{"revenus . salaire net mensuel", "987654.25", {}, {}, {}, {}};
  AttributeWrite name{"individu . nom", "Zorglubienne", {}, {}, {}, {}};
  AttributeWrite mdph{"handicap . taux d'incapacité", "79.5", {}, {}, {}, {}};
  const Purpose p{"j", "Parcours", "web"};
  ASSERT_TRUE(vault().Write(Camille(), camille_, {nir, iban, salary, name, mdph}, p).ok());
  iban.value = "DE89 3704 0044 0532 0130 00";  // the previous IBAN goes to the history
  ASSERT_TRUE(vault().Write(Camille(), camille_, {iban}, p).ok());
  ASSERT_TRUE(vault().Read(Actor::Agent("sophie", camille_), camille_, {}, p).ok());

  ASSERT_EQ(scratch_->url().rfind("sqlite:", 0), 0u);
  const std::filesystem::path file = scratch_->url().substr(7);
  std::string bytes;
  for (const char* suffix : {"", "-wal", "-journal"}) {
    std::filesystem::path part = file.string() + suffix;
    if (std::filesystem::exists(part)) bytes += ReadAll(part);
  }
  ASSERT_GT(bytes.size(), 4096u);
  // The control: a non-sensitive value is found, so the scan does see the data.
  EXPECT_NE(bytes.find("Zorglubienne"), std::string::npos);
  for (const char* secret : {"294037512000591", "2 94 03 75 120 005 91", "FR7630006000011234567890189",
                             "DE89370400440532013000", "987654.25", "987654", "79.5"}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << "found in clear: " << secret;
  }
}

INSTANTIATE_TEST_SUITE_P(Sqlite, RawFile, ::testing::Values(store::Backend::kSqlite), BackendName);

}  // namespace
}  // namespace parcours::vault
