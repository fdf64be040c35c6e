// The auth service suite on SQLite (see auth_suite.h).
#include "auth_suite.h"

namespace parcours::auth {

INSTANTIATE_TEST_SUITE_P(Sqlite, AuthTest, ::testing::Values(store::Backend::kSqlite), BackendName);

}  // namespace parcours::auth
