// The complaints suite on PostgreSQL (scripts/with-postgres sets PARCOURS_TEST_PG_URL).
#include "complaints_suite.h"

namespace parcours::complaints {

INSTANTIATE_TEST_SUITE_P(Postgres, ComplaintsSuite, ::testing::Values(store::Backend::kPostgres), BackendName);

}  // namespace parcours::complaints
