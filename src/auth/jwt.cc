#include "parcours/auth/jwt.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>

#include "encoding.h"
#include "parcours/base/json.h"

namespace parcours::auth {
namespace {

using detail::Base64UrlDecode;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

Status Malformed(std::string what) {
  return Unauthenticated("auth.token_malformed", "Jeton d'identité mal formé : " + what + ".");
}

Status BadJwks(std::string what) {
  return InvalidArgument("auth.jwks_invalid", "Jeu de clés du fournisseur invalide : " + what + ".");
}

std::optional<std::string> Field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return Base64UrlDecode(it->get<std::string>());
}

Result<PkeyPtr> FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  OSSL_PARAM_BLD_free(bld);
  if (params == nullptr) return BadJwks("paramètres de clé");
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* pkey = nullptr;
  bool ok = ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  if (!ok) return BadJwks("clé publique refusée par OpenSSL");
  return PkeyPtr(pkey);
}

Result<PkeyPtr> RsaKey(const nlohmann::json& jwk) {
  auto n = Field(jwk, "n");
  auto e = Field(jwk, "e");
  if (!n || !e || n->size() < 256) return BadJwks("clé RSA incomplète ou trop courte");
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), n->size(), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), e->size(), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  bool ok = bn_n && bn_e && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1;
  Result<PkeyPtr> key = ok ? FromParams("RSA", bld) : BadJwks("clé RSA");
  if (!ok) OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  return key;
}

Result<PkeyPtr> EcKey(const nlohmann::json& jwk) {
  if (jwk.value("crv", "") != "P-256") return BadJwks("courbe elliptique non prise en charge");
  auto x = Field(jwk, "x");
  auto y = Field(jwk, "y");
  if (!x || !y || x->size() != 32 || y->size() != 32) return BadJwks("clé EC incomplète");
  std::string point = "\x04" + *x + *y;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  bool ok = bld &&
            OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
            OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                             point.size()) == 1;
  if (!ok) {
    OSSL_PARAM_BLD_free(bld);
    return BadJwks("clé EC");
  }
  return FromParams("EC", bld);
}

// JOSE ES256 signatures are r||s (32 bytes each); OpenSSL verifies DER.
std::optional<std::string> EcdsaRawToDer(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data() + 32), 32, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    ECDSA_SIG_free(sig);
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

bool VerifySha256(EVP_PKEY* key, std::string_view data, std::string_view sig) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

}  // namespace

struct Jwks::Key {
  std::string kid;
  std::string alg;  // "RS256" or "ES256"
  PkeyPtr pkey;
};

Jwks::Jwks() = default;
Jwks::~Jwks() = default;
Jwks::Jwks(Jwks&&) noexcept = default;
Jwks& Jwks::operator=(Jwks&&) noexcept = default;

std::size_t Jwks::size() const { return keys_.size(); }

Result<Jwks> Jwks::Parse(const nlohmann::json& document) {
  if (!document.is_object() || !document.contains("keys") || !document["keys"].is_array()) {
    return BadJwks("champ « keys » absent");
  }
  Jwks jwks;
  for (const auto& jwk : document["keys"]) {
    if (!jwk.is_object()) return BadJwks("clé non objet");
    if (jwk.value("use", "sig") != "sig") continue;
    std::string kty = jwk.value("kty", "");
    auto key = std::make_unique<Key>();
    key->kid = jwk.value("kid", "");
    if (kty == "RSA") {
      if (jwk.value("alg", "RS256") != "RS256") continue;
      ASSIGN_OR_RETURN(key->pkey, RsaKey(jwk));
      key->alg = "RS256";
    } else if (kty == "EC") {
      if (jwk.value("alg", "ES256") != "ES256") continue;
      if (jwk.value("crv", "") != "P-256") continue;
      ASSIGN_OR_RETURN(key->pkey, EcKey(jwk));
      key->alg = "ES256";
    } else {
      continue;
    }
    jwks.keys_.push_back(std::move(key));
  }
  if (jwks.keys_.empty()) return BadJwks("aucune clé de signature RS256 ou ES256");
  return jwks;
}

Result<Jwks::Verified> Jwks::Verify(std::string_view compact) const {
  if (compact.size() > 16 * 1024) return Malformed("jeton trop long");
  auto dot1 = compact.find('.');
  auto dot2 = dot1 == std::string_view::npos ? dot1 : compact.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || compact.find('.', dot2 + 1) != std::string_view::npos) {
    return Malformed("trois segments attendus");
  }
  auto header_bytes = Base64UrlDecode(compact.substr(0, dot1));
  auto payload_bytes = Base64UrlDecode(compact.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = Base64UrlDecode(compact.substr(dot2 + 1));
  if (!header_bytes || !payload_bytes || !signature) return Malformed("base64url invalide");
  auto header = ParseJson(*header_bytes, 16);
  auto payload = ParseJson(*payload_bytes, 16);
  if (!header.ok() || !payload.ok() || !header->is_object() || !payload->is_object()) {
    return Malformed("en-tête ou contenu non JSON");
  }
  auto alg_it = header->find("alg");
  std::string alg = alg_it != header->end() && alg_it->is_string() ? alg_it->get<std::string>() : "";
  if (alg != "RS256" && alg != "ES256") {
    return Unauthenticated("auth.token_algorithm",
                           "Algorithme de signature du jeton refusé (RS256 ou ES256 attendu).");
  }
  if (header->contains("crit")) return Malformed("extension critique non prise en charge");
  std::string kid = header->value("kid", "");
  std::string signing_input(compact.substr(0, dot2));
  std::string sig = *signature;
  if (alg == "ES256") {
    auto der = EcdsaRawToDer(sig);
    if (!der) {
      return Unauthenticated("auth.token_signature", "Signature du jeton invalide.");
    }
    sig = *der;
  }
  bool candidate = false;
  for (const auto& key : keys_) {
    if (key->alg != alg || (!kid.empty() && !key->kid.empty() && key->kid != kid)) continue;
    candidate = true;
    if (VerifySha256(key->pkey.get(), signing_input, sig)) {
      return Verified{std::move(header).value(), std::move(payload).value()};
    }
  }
  if (!candidate) {
    return Unauthenticated("auth.token_unknown_key",
                           "Le jeton est signé par une clé inconnue du fournisseur.");
  }
  return Unauthenticated("auth.token_signature", "Signature du jeton invalide.");
}

Status CheckIdTokenClaims(const nlohmann::json& p, const IdTokenExpectations& expect) {
  auto str = [&](const char* name) {
    auto it = p.find(name);
    return it != p.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto num = [&](const char* name) -> std::optional<int64_t> {
    auto it = p.find(name);
    if (it == p.end() || !it->is_number()) return std::nullopt;
    return it->get<int64_t>();
  };
  if (str("iss") != expect.issuer) {
    return Unauthenticated("auth.token_issuer", "Le jeton ne vient pas du fournisseur attendu.");
  }
  bool audience_ok = false;
  bool several = false;
  if (auto it = p.find("aud"); it != p.end()) {
    if (it->is_string()) {
      audience_ok = it->get<std::string>() == expect.client_id;
    } else if (it->is_array()) {
      several = it->size() > 1;
      audience_ok = std::any_of(it->begin(), it->end(), [&](const nlohmann::json& a) {
        return a.is_string() && a.get<std::string>() == expect.client_id;
      });
    }
  }
  if (!audience_ok || (several && str("azp") != expect.client_id)) {
    return Unauthenticated("auth.token_audience", "Le jeton n'est pas destiné à ce service.");
  }
  if (str("sub").empty()) {
    return Unauthenticated("auth.token_subject", "Le jeton ne désigne aucune personne.");
  }
  const int64_t leeway = expect.leeway.count();
  auto exp = num("exp");
  if (!exp || *exp + leeway <= expect.now_s) {
    return Unauthenticated("auth.token_expired", "Le jeton d'identité a expiré.");
  }
  auto iat = num("iat");
  if (!iat || *iat > expect.now_s + leeway || *iat + expect.max_age.count() < expect.now_s) {
    return Unauthenticated("auth.token_issued_at", "Date d'émission du jeton invalide.");
  }
  if (expect.nonce.empty() || !detail::ConstantTimeEquals(str("nonce"), expect.nonce)) {
    return Unauthenticated("auth.token_nonce", "Le jeton ne correspond pas à cette connexion.");
  }
  if (!expect.accepted_acr.empty()) {
    std::string acr = str("acr");
    if (std::find(expect.accepted_acr.begin(), expect.accepted_acr.end(), acr) ==
        expect.accepted_acr.end()) {
      return Unauthenticated("auth.token_acr", "Niveau d'authentification insuffisant.");
    }
  }
  return Status::Ok();
}

}  // namespace parcours::auth
