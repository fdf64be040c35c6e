// JSON Web Tokens as an OpenID Connect relying party receives them: a compact JWS signed
// by the provider with RS256 or ES256 (never "none", never HMAC), verified against the
// provider's JWKS, then its claims checked (issuer, audience, expiry, issue time, nonce,
// acr). Signatures are verified with OpenSSL.
// Thread-safety: Jwks is immutable after Parse and may be shared between threads.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"

namespace parcours::auth {

// A set of public keys (RFC 7517). Only RSA ("RS256") and P-256 EC ("ES256") signing keys
// are kept; others are ignored.
class Jwks {
 public:
  Jwks();
  ~Jwks();
  Jwks(Jwks&&) noexcept;
  Jwks& operator=(Jwks&&) noexcept;

  // Parses a JWKS document ({"keys": [...]}). Fails with "auth.jwks_invalid" when no usable
  // key is present or a key is malformed.
  static Result<Jwks> Parse(const nlohmann::json& document);

  std::size_t size() const;

  // Verifies the signature of a compact JWS and returns its decoded header and payload.
  // Fails with Unauthenticated("auth.token_malformed" | "auth.token_algorithm" |
  // "auth.token_unknown_key" | "auth.token_signature").
  struct Verified {
    nlohmann::json header;
    nlohmann::json payload;
  };
  Result<Verified> Verify(std::string_view compact) const;

 private:
  struct Key;
  std::vector<std::unique_ptr<Key>> keys_;
};

// What an ID token must satisfy (OpenID Connect Core §3.1.3.7).
struct IdTokenExpectations {
  std::string issuer;
  std::string client_id;
  std::string nonce;
  // When non-empty, the token's "acr" must be one of these (e.g. {"eidas1"}).
  std::vector<std::string> accepted_acr;
  int64_t now_s = 0;                        // current time, seconds since the epoch
  std::chrono::seconds leeway{60};          // clock skew tolerated on exp / iat
  std::chrono::seconds max_age{600};        // an "iat" older than this is refused
};

// Checks the claims of a verified ID token payload. Fails with
// Unauthenticated("auth.token_issuer" | "auth.token_audience" | "auth.token_expired" |
// "auth.token_issued_at" | "auth.token_nonce" | "auth.token_acr" | "auth.token_subject").
Status CheckIdTokenClaims(const nlohmann::json& payload, const IdTokenExpectations& expect);

}  // namespace parcours::auth
