#include "parcours/store/testing.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "parcours/base/id.h"

namespace parcours::store::testing {
namespace {

// Adds `-c search_path=<schema>` to a libpq URI's query string.
std::string WithSearchPath(const std::string& url, const std::string& schema) {
  const char separator = url.find('?') == std::string::npos ? '?' : '&';
  return url + separator + "options=-c%20search_path%3D" + schema;
}

}  // namespace

std::optional<std::string> TestPostgresUrl() {
  const char* url = std::getenv("PARCOURS_TEST_PG_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

Result<std::unique_ptr<ScratchDatabase>> ScratchDatabase::Create(Backend backend,
                                                                 Options options) {
  std::unique_ptr<ScratchDatabase> scratch(new ScratchDatabase());
  if (backend == Backend::kSqlite) {
    std::error_code ec;
    std::filesystem::path dir =
        std::filesystem::temp_directory_path(ec) / ("parcours-test-" + RandomHex(8));
    if (ec || !std::filesystem::create_directory(dir, ec) || ec) {
      return Unavailable("store.no_temp_dir", "Impossible de créer un répertoire temporaire.");
    }
    scratch->temp_dir_ = dir.string();
    scratch->url_ = "sqlite:" + (dir / "test.db").string();
  } else {
    std::optional<std::string> server = TestPostgresUrl();
    if (!server) {
      return Unavailable("store.no_test_server",
                         "Aucun serveur PostgreSQL de test (PARCOURS_TEST_PG_URL).");
    }
    scratch->admin_url_ = *server;
    const std::string schema = "test_" + RandomHex(8);
    ASSIGN_OR_RETURN(auto admin, Database::Open({.url = *server, .pool_size = 1}));
    RETURN_IF_ERROR(admin->InTransaction(
        [&](Transaction& tx) { return tx.ExecuteScript("CREATE SCHEMA " + schema); }));
    scratch->schema_ = schema;
    scratch->url_ = WithSearchPath(*server, schema);
  }
  options.url = scratch->url_;
  ASSIGN_OR_RETURN(scratch->db_, Database::Open(options));
  return scratch;
}

ScratchDatabase::~ScratchDatabase() {
  db_.reset();
  if (!temp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
  }
  if (!schema_.empty()) {
    auto admin = Database::Open({.url = admin_url_, .pool_size = 1});
    if (admin.ok()) {
      static_cast<void>((*admin)->InTransaction([&](Transaction& tx) {
        return tx.ExecuteScript("DROP SCHEMA " + schema_ + " CASCADE");
      }));
    }
  }
}

}  // namespace parcours::store::testing
