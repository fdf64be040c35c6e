// The vault suite on PostgreSQL (scripts/with-postgres sets PARCOURS_TEST_PG_URL).
#include "vault_suite.h"

namespace parcours::vault {

INSTANTIATE_TEST_SUITE_P(Postgres, VaultSuite, ::testing::Values(store::Backend::kPostgres), BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, AccessLogSuite, ::testing::Values(store::Backend::kPostgres), BackendName);

}  // namespace parcours::vault
