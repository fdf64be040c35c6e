// The backend-independent vault suite (vault_suite_test.cc), instantiated for SQLite in
// vault_sqlite_test.cc (vault_test) and for PostgreSQL in vault_pgtest.cc (vault_pgtest).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parcours/base/clock.h"
#include "parcours/store/migrations.h"
#include "parcours/store/store.h"
#include "parcours/store/testing.h"
#include "parcours/vault/access_log.h"
#include "parcours/vault/vault.h"

namespace parcours::vault {

// Valid test data (checksums computed, not real people).
inline constexpr const char* kNir = "2 94 03 75 120 005 91";
inline constexpr const char* kIban = "FR76 3000 6000 0112 3456 7890 189";

class VaultSuite : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    auto scratch = store::testing::ScratchDatabase::Create(GetParam(), store::Options{.url = "", .pool_size = 4});
    if (!scratch.ok() && scratch.status().reason() == "store.no_test_server") {
      GTEST_SKIP() << "PARCOURS_TEST_PG_URL absent: run through scripts/with-postgres";
    }
    ASSERT_TRUE(scratch.ok()) << scratch.status().ToString();
    scratch_ = std::move(*scratch);
    auto migrated = store::Migrate(db());
    ASSERT_TRUE(migrated.ok()) << migrated.status().ToString();
    auto keys = KeyRing::Parse(key_line_);
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    keys_ = *keys;
    vault_ = NewVault(db(), clock_, keys_, std::make_shared<const AttributeRegistry>(AttributeRegistry::Default()));
    auto person = vault_->CreatePerson(Actor::Platform("auth"));
    ASSERT_TRUE(person.ok()) << person.status().ToString();
    camille_ = *person;
  }

  store::Database& db() { return scratch_->db(); }
  Vault& vault() { return *vault_; }
  Actor Camille() const { return Actor::Usager(camille_); }

  // Declares a CAF service needing `attributes` for purpose "instruction-paje".
  void DeclareCaf(std::vector<std::string> attributes) {
    ServicePurpose decl{"caf.paje", "instruction-paje", "Prestation d'accueil du jeune enfant", "CAF",
                        "Instruire votre demande de PAJE", "Code de la sécurité sociale, art. L531-1",
                        std::move(attributes), "Process your PAJE claim", "Early childhood benefit"};
    ASSERT_TRUE(vault().RegisterService(Actor::Platform("catalog"), decl).ok());
  }

  int64_t CountRows(const std::string& sql) {
    auto tx = db().BeginRead();
    EXPECT_TRUE(tx.ok());
    auto rows = (*tx)->Query(sql, {});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
  }

  ManualClock clock_{std::chrono::system_clock::time_point(std::chrono::milliseconds(1795000000000))};  // 2026-11-19
  std::unique_ptr<store::testing::ScratchDatabase> scratch_;
  std::string key_line_ = KeyRing::GenerateKeyLine();
  KeyRing keys_ = *KeyRing::Parse(key_line_);
  std::unique_ptr<Vault> vault_;
  std::string camille_;
};

// The access-log suite (access_log_suite_test.cc): a vault with a filled log, and an intruder.
class AccessLogSuite : public VaultSuite {
 protected:
  // Five reads by an agent: five chained entries.
  void FillLog() {
    AttributeWrite w;
    w.name = "individu . nom";
    w.value = "Martin";
    ASSERT_TRUE(vault().Write(Camille(), camille_, {w}, {"j", "Parcours", "web"}).ok());
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(vault().Read(Actor::Agent("sophie", camille_), camille_, {}, {"accueil", "Accueil", "counter"}).ok());
    }
  }
  // What an intruder with database access does first.
  void DropTriggers() {
    auto tx = db().Begin();
    ASSERT_TRUE(tx.ok());
    const bool sqlite = GetParam() == store::Backend::kSqlite;
    for (const char* sql : sqlite ? std::vector<const char*>{"DROP TRIGGER IF EXISTS vault_access_log_no_update",
                                                             "DROP TRIGGER IF EXISTS vault_access_log_no_delete"}
                                  : std::vector<const char*>{"DROP TRIGGER IF EXISTS vault_access_log_no_change ON vault_access_log"}) {
      ASSERT_TRUE((*tx)->Execute(sql, {}).ok()) << sql;
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  void Tamper(const std::vector<std::string>& statements) {
    DropTriggers();
    auto tx = db().Begin();
    ASSERT_TRUE(tx.ok());
    for (const auto& sql : statements) {
      auto r = (*tx)->Execute(sql, {});
      ASSERT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  VerifyReport Verify(const std::optional<std::string>& head = {}) {
    auto report = VerifyAccessLog(db(), head);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : VerifyReport{};
  }
};

inline std::string BackendName(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace parcours::vault
