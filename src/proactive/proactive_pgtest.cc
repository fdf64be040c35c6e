// The proactive suite on PostgreSQL (scripts/with-postgres sets PARCOURS_TEST_PG_URL).
#include "proactive_suite.h"

namespace parcours::proactive {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, ProactiveTest, ::testing::Values(store::Backend::kPostgres), BackendName);

}  // namespace
}  // namespace parcours::proactive
