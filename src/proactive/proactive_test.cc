// The proactive suite on SQLite (see proactive_suite.h).
#include "proactive_suite.h"

namespace parcours::proactive {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, ProactiveTest, ::testing::Values(store::Backend::kSqlite), BackendName);

}  // namespace
}  // namespace parcours::proactive
