// The auth service suite on PostgreSQL (scripts/with-postgres sets PARCOURS_TEST_PG_URL).
#include "auth_suite.h"

namespace parcours::auth {

INSTANTIATE_TEST_SUITE_P(Postgres, AuthTest, ::testing::Values(store::Backend::kPostgres), BackendName);

}  // namespace parcours::auth
