#include "parcours/auth/credentials.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>
#include <cctype>

#include "encoding.h"

namespace parcours::auth {
namespace {

constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const EVP_MD* Digest(TotpAlgorithm a) {
  switch (a) {
    case TotpAlgorithm::kSha256: return EVP_sha256();
    case TotpAlgorithm::kSha512: return EVP_sha512();
    case TotpAlgorithm::kSha1: break;
  }
  return EVP_sha1();
}

}  // namespace

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  if (password.size() < 12 || password.size() > 256) {
    return InvalidArgument("auth.password_weak",
                           "Le mot de passe doit compter entre 12 et 256 caractères.")
        .WithField("password", "Entre 12 et 256 caractères.");
  }
  if (sodium_init() < 0) return Internal("auth.sodium", "Initialisation cryptographique impossible.");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops_limit, cost.mem_limit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Internal("auth.password_hash", "Calcul de l'empreinte du mot de passe impossible.");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (sodium_init() < 0 || hash.size() >= crypto_pwhash_STRBYTES ||
      hash.substr(0, 10) != "$argon2id$" || password.size() > 256) {
    return false;
  }
  std::string encoded(hash);  // NUL-terminated copy
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

std::string TotpCode(std::string_view secret, int64_t unix_s, const TotpParams& params) {
  uint64_t counter = static_cast<uint64_t>(unix_s / params.period_s);
  std::array<unsigned char, 8> msg{};
  for (int i = 7; i >= 0; --i) {
    msg[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(Digest(params.algorithm), secret.data(), static_cast<int>(secret.size()), msg.data(),
       msg.size(), mac, &mac_len);
  const unsigned offset = mac[mac_len - 1] & 0x0f;
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                          (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                          (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                          static_cast<uint32_t>(mac[offset + 3]);
  uint32_t modulo = 1;
  for (int i = 0; i < params.digits; ++i) modulo *= 10;
  std::string code = std::to_string(binary % modulo);
  return std::string(static_cast<std::size_t>(params.digits) - code.size(), '0') + code;
}

std::optional<int64_t> VerifyTotp(std::string_view secret, std::string_view code, int64_t unix_s,
                                  int window, const TotpParams& params) {
  if (code.size() != static_cast<std::size_t>(params.digits)) return std::nullopt;
  std::optional<int64_t> matched;
  for (int d = -window; d <= window; ++d) {
    const int64_t t = unix_s + d * params.period_s;
    // Compare every candidate so the time taken does not reveal which step matched.
    if (detail::ConstantTimeEquals(TotpCode(secret, t, params), code) && !matched) {
      matched = t / params.period_s;
    }
  }
  return matched;
}

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char raw : text) {
    if (raw == '=' || raw == ' ') continue;
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
    const char* p = c == '\0' ? nullptr : std::char_traits<char>::find(kBase32, 32, c);
    if (p == nullptr) return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(p - kBase32);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string NewTotpSecret() {
  std::string secret(20, '\0');
  if (sodium_init() >= 0) randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string TotpUri(std::string_view secret, std::string_view account, std::string_view issuer) {
  std::string label = std::string(issuer) + ":" + std::string(account);
  return "otpauth://totp/" + detail::PercentEncode(label) + "?secret=" + Base32Encode(secret) +
         "&issuer=" + detail::PercentEncode(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace parcours::auth
