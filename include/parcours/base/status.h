// Status and Result<T>: how every expected failure crosses a module boundary.
//
// A Status is a small value: a code from a fixed set, a stable machine-readable
// reason (e.g. "journey.unknown_event"), a French message meant for people, and
// optional per-field errors for forms. The `http` layer maps codes to RFC 9457
// problem+json in exactly one place. No exception crosses a public header.
// Thread-safety: values; safe to copy between threads.
#pragma once

#include <cassert>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace parcours {

enum class StatusCode {
  kOk,
  kInvalidArgument,    // bad input: 400 / 422
  kUnauthenticated,    // no or bad credentials: 401
  kPermissionDenied,   // authenticated but not allowed: 403
  kNotFound,           // 404
  kConflict,           // state does not allow it, duplicate: 409
  kResourceExhausted,  // too large or too many: 413 / 429
  kUnavailable,        // dependency down, retry later: 503
  kInternal,           // broken invariant or unexpected driver error: 500
};

// Returns the lower_snake name of a code ("invalid_argument").
std::string_view StatusCodeName(StatusCode code);

// One error attached to a named field of a form or a JSON body. Besides the French message,
// `reason` says in a stable, language-free way what is wrong with the value ("not_a_number",
// "out_of_range"...) and `params` carries what a message in another language needs to say it
// ({"min": "0", "max": "100"}: numbers in their canonical form, dot as decimal mark), so that
// a page can word the error in its own language. A field error without reason has only its
// French message.
struct FieldError {
  std::string field;    // e.g. "date_evenement" or "/situation/age"
  std::string message;  // French, for people
  std::string reason;   // e.g. "out_of_range"; "" when the producer gives none
  std::map<std::string, std::string> params;  // e.g. {"min": "0"}; keys depend on the reason
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string reason, std::string message)
      : code_(code), reason_(std::move(reason)), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // Stable, machine-readable reason such as "http.body_too_large".
  const std::string& reason() const { return reason_; }
  // Human message, in French.
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& field_errors() const { return fields_; }

  Status& WithField(std::string field, std::string message) & {
    return WithField(FieldError{std::move(field), std::move(message), {}, {}});
  }
  Status&& WithField(std::string field, std::string message) && {
    return std::move(WithField(FieldError{std::move(field), std::move(message), {}, {}}));
  }
  // A field error with its reason and parameters (see FieldError).
  Status& WithField(FieldError error) & {
    fields_.push_back(std::move(error));
    return *this;
  }
  Status&& WithField(FieldError error) && {
    fields_.push_back(std::move(error));
    return std::move(*this);
  }

  // "invalid_argument: journey.bad_date: La date ..." for logs and tests.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string reason_;
  std::string message_;
  std::vector<FieldError> fields_;
};

// Shorthands: InvalidArgument("rules.parse_error", "Expression invalide ...").
Status InvalidArgument(std::string reason, std::string message);
Status Unauthenticated(std::string reason, std::string message);
Status PermissionDenied(std::string reason, std::string message);
Status NotFound(std::string reason, std::string message);
Status Conflict(std::string reason, std::string message);
Status ResourceExhausted(std::string reason, std::string message);
Status Unavailable(std::string reason, std::string message);
Status Internal(std::string reason, std::string message);

// Either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T value_or(T fallback) const& { return ok() ? std::get<T>(v_) : std::move(fallback); }
  Status TakeStatus() && { return ok() ? Status() : std::get<Status>(std::move(v_)); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace parcours

#define PARCOURS_CONCAT_INNER(a, b) a##b
#define PARCOURS_CONCAT(a, b) PARCOURS_CONCAT_INNER(a, b)

// Returns the Status of `expr` (a Status or a Result) from the enclosing function if not OK.
#define RETURN_IF_ERROR(expr)                                               \
  do {                                                                      \
    auto&& parcours_status_ = (expr);                                       \
    if (!parcours_status_.ok()) return ::parcours::detail::ToStatus(        \
        std::forward<decltype(parcours_status_)>(parcours_status_));        \
  } while (0)

// ASSIGN_OR_RETURN(auto x, Compute()); declares x from a Result or returns its Status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(PARCOURS_CONCAT(parcours_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return std::move(tmp).TakeStatus(); \
  lhs = std::move(tmp).value()

namespace parcours::detail {
inline Status ToStatus(const Status& s) { return s; }
inline Status ToStatus(Status&& s) { return std::move(s); }
template <typename T>
Status ToStatus(const Result<T>& r) { return r.status(); }
template <typename T>
Status ToStatus(Result<T>&& r) { return std::move(r).TakeStatus(); }
template <typename T>
Status ToStatus(Result<T>& r) { return r.status(); }
inline Status ToStatus(Status& s) { return s; }
}  // namespace parcours::detail
