// Small encoding and hashing helpers shared by the auth sources (private to src/auth).
// Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parcours::auth::detail {

// Base64url without padding (RFC 7515 §2), as JOSE and PKCE use it.
std::string Base64UrlEncode(std::string_view bytes);
// Accepts base64url with or without padding; nullopt on any invalid character.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Standard base64 with padding (HTTP Basic authentication).
std::string Base64Encode(std::string_view bytes);

// Raw SHA-256 digest (32 bytes).
std::string Sha256(std::string_view data);
// Lower-case hex of SHA-256: how secrets (session ids, API keys) are stored.
std::string Sha256Hex(std::string_view data);
std::string ToHex(std::string_view bytes);

// `n` random bytes encoded base64url: unguessable tokens (state, nonce, session ids).
std::string RandomToken(std::size_t n = 32);

// RFC 3986 percent-encoding of everything but unreserved characters (for URLs we build).
std::string PercentEncode(std::string_view in);

// The strings of a JSON array stored as text (scopes, roles); anything else is skipped, and
// text that is not such an array gives none.
std::vector<std::string> JsonStrings(const std::string& text);

// Constant-time equality of two strings (false when lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace parcours::auth::detail
