#include "sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <cctype>
#include <charconv>
#include <string>

#include "errors.h"

namespace parcours::store::sqlite {
namespace {

// Resets a statement and drops its bindings when the scope ends, whatever the outcome.
class ResetGuard {
 public:
  explicit ResetGuard(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~ResetGuard() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  ResetGuard(const ResetGuard&) = delete;
  ResetGuard& operator=(const ResetGuard&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

// "$12" -> 12; 0 for any other placeholder form (?, :name, @name).
int PlaceholderNumber(const char* name) {
  if (name == nullptr || name[0] != '$') return 0;
  std::string_view digits(name + 1);
  int n = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty()) return 0;
  return n;
}

bool OnlySpaceOrSemicolons(const char* tail) {
  for (; tail != nullptr && *tail != '\0'; ++tail) {
    if (!std::isspace(static_cast<unsigned char>(*tail)) && *tail != ';') return false;
  }
  return true;
}

Value ReadColumn(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, i);
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
    }
    case SQLITE_BLOB: {
      const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      const int size = sqlite3_column_bytes(stmt, i);
      return Blob{data == nullptr ? std::string() : std::string(data, static_cast<std::size_t>(size))};
    }
    default:
      return std::monostate{};
  }
}

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path,
                                                                   int busy_timeout_ms) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    detail::LogDriverError("sqlite", std::to_string(rc),
                           db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return Unavailable("store.open_failed",
                       "Impossible d'ouvrir la base de données SQLite (chemin ou droits).");
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db));
  // journal_mode=WAL returns "memory" for a memory database, which is expected.
  RETURN_IF_ERROR(conn->ExecuteScript(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  return conn;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, s] : cache_) sqlite3_finalize(s.stmt);
  sqlite3_close_v2(db_);
}

Status SqliteConnection::Error(int rc) {
  detail::LogDriverError("sqlite", sqlite3_errstr(rc), sqlite3_errmsg(db_));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return detail::ConflictError();
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return detail::UnavailableError();
    default:
      return detail::InternalError();
  }
}

Result<SqliteConnection::Statement*> SqliteConnection::Prepare(std::string_view sql) {
  if (auto it = cache_.find(std::string(sql)); it != cache_.end()) return &it->second;
  if (cache_.size() >= kMaxCachedStatements) {
    for (auto& [text, s] : cache_) sqlite3_finalize(s.stmt);
    cache_.clear();
  }
  Statement s;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s.stmt, &tail);
  if (rc != SQLITE_OK) return Error(rc);
  if (s.stmt == nullptr || !OnlySpaceOrSemicolons(tail)) {
    // Empty SQL, or several statements: Query/Execute run exactly one.
    sqlite3_finalize(s.stmt);
    return Internal("store.not_one_statement",
                    "La requête doit contenir exactement une instruction SQL.");
  }
  const int columns = sqlite3_column_count(s.stmt);
  auto names = std::make_shared<std::vector<std::string>>();
  for (int i = 0; i < columns; ++i) names->emplace_back(sqlite3_column_name(s.stmt, i));
  s.names = std::move(names);
  const int count = sqlite3_bind_parameter_count(s.stmt);
  for (int j = 1; j <= count; ++j) {
    const int n = PlaceholderNumber(sqlite3_bind_parameter_name(s.stmt, j));
    if (n <= 0) {
      sqlite3_finalize(s.stmt);
      return detail::BadParametersError();
    }
    s.param_numbers.push_back(n);
  }
  auto [it, inserted] = cache_.emplace(std::string(sql), std::move(s));
  return &it->second;
}

Status SqliteConnection::Bind(const Statement& s, std::span<const Value> params) {
  // $1..$n must all appear, as PostgreSQL requires: n == the highest number used.
  std::vector<bool> used(params.size(), false);
  for (std::size_t j = 0; j < s.param_numbers.size(); ++j) {
    const std::size_t n = static_cast<std::size_t>(s.param_numbers[j]);
    if (n > params.size()) return detail::BadParametersError();
    used[n - 1] = true;
    const int index = static_cast<int>(j + 1);
    const Value& v = params[n - 1];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(v)) {
      rc = sqlite3_bind_null(s.stmt, index);
    } else if (const auto* i = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(s.stmt, index, *i);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(s.stmt, index, *d);
    } else if (const auto* t = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text64(s.stmt, index, t->data(), t->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else if (const auto* b = std::get_if<Blob>(&v)) {
      rc = sqlite3_bind_blob64(s.stmt, index, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) return Error(rc);
  }
  for (bool u : used) {
    if (!u) return detail::BadParametersError();
  }
  return Status::Ok();
}

Result<Rows> SqliteConnection::Query(std::string_view sql, std::span<const Value> params) {
  ASSIGN_OR_RETURN(Statement * s, Prepare(sql));
  ResetGuard reset(s->stmt);
  RETURN_IF_ERROR(Bind(*s, params));
  Rows rows;
  const int columns = static_cast<int>(s->names->size());
  while (true) {
    const int rc = sqlite3_step(s->stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Error(rc);
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(columns));
    for (int i = 0; i < columns; ++i) values.push_back(ReadColumn(s->stmt, i));
    rows.emplace_back(s->names, std::move(values));
  }
  return rows;
}

Result<int64_t> SqliteConnection::Execute(std::string_view sql, std::span<const Value> params) {
  ASSIGN_OR_RETURN(Statement * s, Prepare(sql));
  ResetGuard reset(s->stmt);
  RETURN_IF_ERROR(Bind(*s, params));
  int rc;
  while ((rc = sqlite3_step(s->stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) return Error(rc);
  return static_cast<int64_t>(sqlite3_changes64(db_));
}

Status SqliteConnection::ExecuteScript(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc);
  return Status::Ok();
}

}  // namespace parcours::store::sqlite
