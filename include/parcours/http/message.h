// Our own HTTP request and response types. Handlers see only these; Boost.Beast stays
// inside src/http (it costs ~13 s of compile time per file that includes it).
// Thread-safety: a Request/Response belongs to the thread handling it.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parcours/base/status.h"

namespace parcours::http {

struct RouteInfo;  // router.h

// Header names compare case-insensitively.
struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;

struct Request {
  std::string method;   // "GET", "POST"...
  std::string target;   // raw target: "/journeys/42?lang=en"
  std::string path;     // decoded path without query: "/journeys/42"
  std::multimap<std::string, std::string> query;  // decoded query parameters
  Headers headers;
  std::string body;
  std::string remote_address;  // peer IP
  std::string request_id;      // set by the server (X-Request-Id or a new id)

  // Filled by the router: values of `{name}` segments of the matched pattern, and its name.
  std::map<std::string, std::string, std::less<>> path_params;
  std::string route;  // the matched pattern, e.g. "/journeys/{id}" (for metrics)

  // Set by authentication middleware (module auth); opaque to http.
  std::shared_ptr<const void> principal;

  // Filled by the router: what the matched route declares (name, policy); nullptr when no
  // route matched. Points into the Router, which outlives every request.
  const RouteInfo* route_info = nullptr;

  // Sets `target` and fills `path` (percent-decoded) and `query` from a raw origin-form
  // target ("/a/b?x=1"). InvalidArgument("http.bad_target") when it does not start with
  // '/', has a bad escape, a NUL, or a "." / ".." segment; the request is then unchanged.
  Status SetTarget(std::string_view raw_target);

  // The first value of a header, or "".
  std::string_view Header(std::string_view name) const;
  // The value of a path parameter (asserts it exists in the pattern).
  const std::string& Param(std::string_view name) const;
  // The first value of a query parameter.
  std::optional<std::string> Query(std::string_view name) const;
  // Cookie value by name.
  std::optional<std::string> Cookie(std::string_view name) const;
  // Parses an application/x-www-form-urlencoded body into a multimap.
  std::multimap<std::string, std::string> FormFields() const;
  // Parses a JSON body: 415 problem if the content type is not JSON, 400 if malformed.
  Result<nlohmann::json> JsonBody() const;
  // Preferred language from ?lang= then Accept-Language: "fr" (default) or "en".
  std::string Language() const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  void SetHeader(std::string name, std::string value);
  // Appends a Set-Cookie header.
  void AddCookie(std::string_view cookie_line);

  static Response Json(const nlohmann::json& body, int status = 200);
  static Response Html(std::string body, int status = 200);
  static Response Text(std::string body, int status = 200, std::string content_type = "text/plain; charset=utf-8");
  static Response Redirect(std::string location, int status = 303);
  static Response NoContent();
};

// RFC 9457 problem+json built from a Status: type "https://parcours.example/problems/<reason>",
// title and detail in French, status, "code" (the stable reason), "request_id", and
// "errors": [{field, message}] when the status carries field errors. The one place where
// Status codes become HTTP statuses. The detail of a kInternal status is replaced by a
// generic sentence (its message is logged instead: it may name internals).
Response Problem(const Status& status, std::string_view request_id = "");
// The HTTP status a code maps to: kInvalidArgument -> 400 (422 when `unprocessable`),
// kUnauthenticated -> 401, kPermissionDenied -> 403, kNotFound -> 404, kConflict -> 409,
// kResourceExhausted -> 429, kUnavailable -> 503, kInternal (and kOk) -> 500.
int HttpStatusFor(StatusCode code, bool unprocessable = false);
// The HTTP status Problem() uses for `status`: HttpStatusFor(code, has field errors),
// refined by a few reasons: "http.method_not_allowed" -> 405, "http.unsupported_media_type"
// -> 415, "http.header_too_large" -> 431, and any kResourceExhausted reason ending in
// "too_large" -> 413.
int HttpStatusFor(const Status& status);

// Percent-decoding (with '+' as space when `plus_as_space`); returns false on bad escapes.
bool UrlDecode(std::string_view in, std::string* out, bool plus_as_space);
std::string UrlEncode(std::string_view in);
// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view in);

}  // namespace parcours::http
