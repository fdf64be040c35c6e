#include "postgres/pg_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstring>

#include "errors.h"

namespace parcours::store::postgres {
namespace {

constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26,
              kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

void IgnoreNotice(void*, const char*) {}

bool ParseInt64(std::string_view text, int64_t* out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

Value ReadCell(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return std::monostate{};
  const char* text = PQgetvalue(r, row, col);
  const std::string_view view(text, static_cast<std::size_t>(PQgetlength(r, row, col)));
  int64_t n = 0;
  switch (PQftype(r, col)) {
    case kBool:
      return int64_t{view == "t" ? 1 : 0};
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      if (ParseInt64(view, &n)) return n;
      return std::string(view);
    case kNumeric:  // SUM(bigint) is numeric: integral values read as integers
      if (ParseInt64(view, &n)) return n;
      [[fallthrough]];
    case kFloat4:
    case kFloat8:
      return std::strtod(text, nullptr);
    case kBytea: {
      std::size_t size = 0;
      unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size);
      if (bytes == nullptr) return std::monostate{};
      Blob blob{std::string(reinterpret_cast<const char*>(bytes), size)};
      PQfreemem(bytes);
      return blob;
    }
    default:
      return std::string(view);
  }
}

// SQLSTATE classes: 23 integrity constraint; 40001/40P01 serialization/deadlock; 08
// connection; 53 insufficient resources; 55P03 lock timeout; 57 operator intervention.
Status MapSqlState(std::string_view state) {
  if (state.substr(0, 2) == "23") return detail::ConflictError();
  if (state == "40001" || state == "40P01" || state == "55P03" || state.substr(0, 2) == "08" ||
      state.substr(0, 2) == "53" || state.substr(0, 2) == "57") {
    return detail::UnavailableError();
  }
  return detail::InternalError();
}

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url,
                                                         int lock_timeout_ms) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    // The libpq message names host and port, never the password.
    detail::LogDriverError("postgres", "connect", conn != nullptr ? PQerrorMessage(conn) : "");
    PQfinish(conn);
    return Unavailable("store.open_failed",
                       "Impossible de se connecter à la base PostgreSQL.");
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  std::unique_ptr<PgConnection> pg(new PgConnection(conn));
  if (PQsetClientEncoding(conn, "UTF8") != 0) return pg->Error(nullptr);
  RETURN_IF_ERROR(pg->ExecuteScript("SET lock_timeout = " + std::to_string(lock_timeout_ms)));
  return pg;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

Status PgConnection::Error(const PGresult* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr) {
    detail::LogDriverError("postgres", "connection", PQerrorMessage(conn_));
    return detail::UnavailableError();
  }
  // Data exceptions (class 22) quote the offending value: log the code only.
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  detail::LogDriverError("postgres", state,
                         std::strncmp(state, "22", 2) == 0 || primary == nullptr ? "" : primary);
  return MapSqlState(state);
}

Result<const PgConnection::Prepared*> PgConnection::Prepare(std::string_view sql,
                                                            std::span<const Value> params) {
  const std::string key(sql);
  if (auto it = cache_.find(key); it != cache_.end()) return &it->second;
  if (cache_.size() >= kMaxCachedStatements) {
    RETURN_IF_ERROR(ExecuteScript("DEALLOCATE ALL"));
    cache_.clear();
  }
  Prepared p;
  p.name = "parcours_" + std::to_string(next_statement_++);
  p.params = static_cast<int>(params.size());
  // Blob parameters are declared bytea; the others are inferred from their context.
  for (const Value& v : params) p.types.push_back(std::holds_alternative<Blob>(v) ? kBytea : 0);
  ResultPtr r(PQprepare(conn_, p.name.c_str(), key.c_str(), p.params, p.types.data()));
  if (r == nullptr || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return Error(r.get());
  // The server knows how many $N the statement uses: every one must be supplied, no more.
  ResultPtr described(PQdescribePrepared(conn_, p.name.c_str()));
  if (described == nullptr || PQresultStatus(described.get()) != PGRES_COMMAND_OK) {
    return Error(described.get());
  }
  for (int i = 0; i < PQnparams(described.get()) && i < p.params; ++i) {
    p.types[static_cast<std::size_t>(i)] = PQparamtype(described.get(), i);
  }
  if (PQnparams(described.get()) != p.params) {
    // Leave it unusable under this SQL: a later call with the right count prepares again.
    static_cast<void>(ExecuteScript("DEALLOCATE " + p.name));
    return detail::BadParametersError();
  }
  auto [it, inserted] = cache_.emplace(key, std::move(p));
  return &it->second;
}

Result<PGresult*> PgConnection::Run(std::string_view sql, std::span<const Value> params) {
  ASSIGN_OR_RETURN(const Prepared* p, Prepare(sql, params));
  if (static_cast<int>(params.size()) != p->params) return detail::BadParametersError();
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<int> lengths(params.size(), 0);
  std::vector<int> formats(params.size(), 0);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Value& v = params[i];
    if (const auto* n = std::get_if<int64_t>(&v)) {
      texts[i] = std::to_string(*n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      char buf[32];
      auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, *d);
      texts[i].assign(buf, ec == std::errc() ? ptr : buf);
    } else if (const std::string* bytes = std::holds_alternative<Blob>(v)
                                              ? &std::get<Blob>(v).bytes
                                              : std::get_if<std::string>(&v)) {
      values[i] = bytes->c_str();
      if (p->types[i] == kBytea) {  // raw bytes in binary format, whatever the C++ type
        lengths[i] = static_cast<int>(bytes->size());
        formats[i] = 1;
      }
      continue;
    } else {
      continue;  // NULL
    }
    values[i] = texts[i].c_str();
  }
  PGresult* r = PQexecPrepared(conn_, p->name.c_str(), static_cast<int>(params.size()),
                               values.data(), lengths.data(), formats.data(), /*resultFormat=*/0);
  const ExecStatusType status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    ResultPtr owned(r);
    const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    // 0A000 "cached plan must not change result type": forget the statement.
    if (state != nullptr && std::strcmp(state, "0A000") == 0) cache_.erase(std::string(sql));
    return Error(r);
  }
  return r;
}

Result<Rows> PgConnection::Query(std::string_view sql, std::span<const Value> params) {
  ASSIGN_OR_RETURN(PGresult * raw, Run(sql, params));
  ResultPtr r(raw);
  const int columns = PQnfields(raw);
  auto names = std::make_shared<std::vector<std::string>>();
  for (int c = 0; c < columns; ++c) names->emplace_back(PQfname(raw, c));
  std::shared_ptr<const std::vector<std::string>> shared = std::move(names);
  Rows rows;
  const int count = PQntuples(raw);
  rows.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) values.push_back(ReadCell(raw, i, c));
    rows.emplace_back(shared, std::move(values));
  }
  return rows;
}

Result<int64_t> PgConnection::Execute(std::string_view sql, std::span<const Value> params) {
  ASSIGN_OR_RETURN(PGresult * raw, Run(sql, params));
  ResultPtr r(raw);
  int64_t changed = 0;
  const char* tuples = PQcmdTuples(raw);
  if (tuples != nullptr && *tuples != '\0') ParseInt64(tuples, &changed);
  return changed;
}

Status PgConnection::ExecuteScript(std::string_view sql, std::string* command_tag) {
  ResultPtr r(PQexec(conn_, std::string(sql).c_str()));
  const ExecStatusType status = r != nullptr ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    return Error(r.get());
  }
  if (command_tag != nullptr) *command_tag = PQcmdStatus(r.get());
  return Status::Ok();
}

}  // namespace parcours::store::postgres
