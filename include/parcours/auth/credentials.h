// Local credentials of agents: argon2id password hashes (libsodium crypto_pwhash, the
// "$argon2id$v=19$m=...,t=...,p=1$..." encoded form) and time-based one-time passwords
// (TOTP, RFC 6238, over HMAC-SHA1/256/512, with RFC 4648 base32 secrets).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parcours/base/status.h"

namespace parcours::auth {

// Cost of argon2id. Interactive defaults (64 MiB, 2 passes); tests may lower them.
struct PasswordCost {
  uint64_t ops_limit = 2;
  std::size_t mem_limit = 64u << 20;
};

// Hashes `password` with a random salt. Fails with InvalidArgument("auth.password_weak") when
// it is shorter than 12 characters or longer than 256, Internal when memory is short.
Result<std::string> HashPassword(std::string_view password, PasswordCost cost = {});
// True when `password` matches the encoded argon2id `hash` (constant time in the password).
bool VerifyPassword(std::string_view hash, std::string_view password);

enum class TotpAlgorithm { kSha1, kSha256, kSha512 };

struct TotpParams {
  TotpAlgorithm algorithm = TotpAlgorithm::kSha1;
  int digits = 6;        // 6 to 8
  int64_t period_s = 30;
};

// The code for `secret` (raw bytes) at Unix time `unix_s` (RFC 6238 §4).
std::string TotpCode(std::string_view secret, int64_t unix_s, const TotpParams& params = {});
// Checks `code` at `unix_s`, accepting `window` steps either side for clock drift.
// Returns the matched time step (to refuse its reuse), or nullopt.
std::optional<int64_t> VerifyTotp(std::string_view secret, std::string_view code, int64_t unix_s,
                                  int window = 1, const TotpParams& params = {});

// RFC 4648 base32 (upper case, no padding) as authenticator apps read secrets.
std::string Base32Encode(std::string_view bytes);
std::optional<std::string> Base32Decode(std::string_view text);
// A new random 20-byte TOTP secret.
std::string NewTotpSecret();
// The otpauth:// URI an authenticator app scans ("Parcours:<account>").
std::string TotpUri(std::string_view secret, std::string_view account, std::string_view issuer);

}  // namespace parcours::auth
