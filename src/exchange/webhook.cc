#include "parcours/exchange/webhook.h"

#include <sodium.h>

#include <charconv>
#include <string>

namespace parcours::exchange {
namespace {

constexpr std::string_view kPrefix = "whsec_";

std::string ToBase64(const unsigned char* data, size_t len) {
  std::string out(sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, len, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

Result<std::string> DecodeSecret(std::string_view secret) {
  if (secret.substr(0, kPrefix.size()) == kPrefix) secret.remove_prefix(kPrefix.size());
  std::string key(secret.size(), '\0');
  size_t key_len = 0;
  if (secret.empty() ||
      sodium_base642bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), secret.data(),
                        secret.size(), nullptr, &key_len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      key_len < 16) {
    return InvalidArgument("webhook.bad_secret", "Le secret de signature du service est mal formé.");
  }
  key.resize(key_len);
  return key;
}

std::string Hmac(const std::string& key, std::string_view msg_id, std::string_view timestamp,
                 std::string_view body) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  auto update = [&st](std::string_view part) {
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  };
  update(msg_id);
  update(".");
  update(timestamp);
  update(".");
  update(body);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&st, mac);
  return ToBase64(mac, sizeof mac);
}

}  // namespace

std::string NewWebhookSecret() {
  if (sodium_init() < 0) return {};
  unsigned char key[32];
  randombytes_buf(key, sizeof key);
  return std::string(kPrefix) + ToBase64(key, sizeof key);
}

Result<std::string> SignWebhook(std::string_view secret, std::string_view msg_id, int64_t timestamp_s,
                                std::string_view body) {
  ASSIGN_OR_RETURN(std::string key, DecodeSecret(secret));
  return "v1," + Hmac(key, msg_id, std::to_string(timestamp_s), body);
}

Status VerifyWebhook(std::string_view secret, std::string_view msg_id, std::string_view timestamp,
                     std::string_view body, std::string_view signature_header, int64_t now_s,
                     int64_t tolerance_s) {
  int64_t ts = 0;
  auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc() || end != timestamp.data() + timestamp.size()) {
    return Unauthenticated("webhook.bad_timestamp", "L'horodatage du webhook est invalide.");
  }
  if (ts < now_s - tolerance_s || ts > now_s + tolerance_s) {
    return Unauthenticated("webhook.stale", "Le webhook est trop ancien ou daté du futur.");
  }
  ASSIGN_OR_RETURN(std::string key, DecodeSecret(secret));
  const std::string expected = Hmac(key, msg_id, timestamp, body);
  size_t pos = 0;
  while (pos < signature_header.size()) {
    size_t next = signature_header.find(' ', pos);
    if (next == std::string_view::npos) next = signature_header.size();
    std::string_view candidate = signature_header.substr(pos, next - pos);
    pos = next + 1;
    if (candidate.substr(0, 3) != "v1,") continue;
    candidate.remove_prefix(3);
    if (candidate.size() == expected.size() &&
        sodium_memcmp(candidate.data(), expected.data(), expected.size()) == 0) {
      return Status::Ok();
    }
  }
  return Unauthenticated("webhook.bad_signature", "La signature du webhook ne correspond pas.");
}

}  // namespace parcours::exchange
