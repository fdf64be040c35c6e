// A small blocking HTTPS client over libcurl for the relying party's back-channel calls
// (discovery, JWKS, token, userinfo). Private to src/auth.
// Thread-safety: each call uses its own curl handle; safe from any thread.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "parcours/base/status.h"

namespace parcours::auth::detail {

struct HttpResult {
  long status = 0;
  std::string content_type;
  std::string body;
};

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
  std::size_t max_body_bytes = 1 << 20;
};

// Performs the call (http and https only, TLS verified, no redirects followed). Transport
// failures and oversized bodies become Unavailable("auth.provider_unreachable").
Result<HttpResult> Fetch(const HttpCall& call);

// application/x-www-form-urlencoded body from name/value pairs.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace parcours::auth::detail
