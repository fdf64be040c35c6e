// Test-only helpers: fresh RSA / P-256 key pairs, their JWK form, and compact JWS signing,
// so tests can mint tokens the way an OpenID provider does (and forge bad ones).
#pragma once

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "encoding.h"

namespace parcours::auth::testing {

class TestKey {
 public:
  // "RS256" (RSA 2048) or "ES256" (P-256).
  TestKey(std::string alg, std::string kid) : alg_(std::move(alg)), kid_(std::move(kid)) {
    pkey_ = alg_ == "RS256" ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
  }
  ~TestKey() { EVP_PKEY_free(pkey_); }
  TestKey(const TestKey&) = delete;
  TestKey& operator=(const TestKey&) = delete;

  const std::string& kid() const { return kid_; }

  nlohmann::json Jwk() const {
    nlohmann::json jwk = {{"kid", kid_}, {"use", "sig"}, {"alg", alg_}};
    if (alg_ == "RS256") {
      jwk["kty"] = "RSA";
      jwk["n"] = BigParam(OSSL_PKEY_PARAM_RSA_N);
      jwk["e"] = BigParam(OSSL_PKEY_PARAM_RSA_E);
    } else {
      unsigned char point[65];
      size_t len = 0;
      EVP_PKEY_get_octet_string_param(pkey_, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len);
      std::string p(reinterpret_cast<char*>(point), len);
      jwk["kty"] = "EC";
      jwk["crv"] = "P-256";
      jwk["x"] = detail::Base64UrlEncode(p.substr(1, 32));
      jwk["y"] = detail::Base64UrlEncode(p.substr(33, 32));
    }
    return jwk;
  }

  // Signs `payload` with this key; `header_alg` overrides the header's alg (forgeries).
  std::string Sign(const nlohmann::json& payload, std::string header_alg = "") const {
    nlohmann::json header = {{"alg", header_alg.empty() ? alg_ : header_alg}, {"kid", kid_}};
    std::string input = detail::Base64UrlEncode(header.dump()) + "." +
                        detail::Base64UrlEncode(payload.dump());
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t len = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pkey_);
    EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    EVP_MD_CTX_free(ctx);
    sig.resize(len);
    if (alg_ == "ES256") sig = DerToRaw(sig);
    return input + "." + detail::Base64UrlEncode(sig);
  }

 private:
  std::string BigParam(const char* name) const {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(pkey_, name, &bn);
    std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(bn);
    return detail::Base64UrlEncode(out);
  }
  static std::string DerToRaw(const std::string& der) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(sig);
    return raw;
  }

  std::string alg_;
  std::string kid_;
  EVP_PKEY* pkey_ = nullptr;
};

}  // namespace parcours::auth::testing
