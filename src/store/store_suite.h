// The backend-independent store suite (store_suite_test.cc), instantiated for SQLite in
// sqlite_test.cc (store_test) and for PostgreSQL in store_pgtest.cc (store_pgtest).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "parcours/store/store.h"
#include "parcours/store/testing.h"

namespace parcours::store {

class StoreSuite : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto scratch = testing::ScratchDatabase::Create(GetParam(), Options{.url = "", .pool_size = 4});
    if (!scratch.ok() && scratch.status().reason() == "store.no_test_server") {
      GTEST_SKIP() << "PARCOURS_TEST_PG_URL absent: run through scripts/with-postgres";
    }
    ASSERT_TRUE(scratch.ok()) << scratch.status().ToString();
    scratch_ = std::move(*scratch);
  }

  Database& db() { return scratch_->db(); }
  const std::string& url() const { return scratch_->url(); }
  // The column type of binary data: BLOB or BYTEA.
  const char* BlobType() const { return GetParam() == Backend::kSqlite ? "BLOB" : "BYTEA"; }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
};

inline void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::kSqlite ? "sqlite" : "postgres");
}

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace parcours::store
