#include "parcours/auth/oidc.h"

#include <algorithm>

#include "encoding.h"
#include "http_client.h"
#include "parcours/base/json.h"

namespace parcours::auth {

struct OidcClient::Metadata {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string userinfo_endpoint;
  std::string end_session_endpoint;
  std::string jwks_uri;
  Jwks jwks;
  int64_t fetched_ms = 0;
};

namespace {

Status ProviderError(std::string what) {
  return Unavailable("auth.provider_invalid",
                     "Réponse inattendue du fournisseur d'identité : " + what + ".");
}

Result<nlohmann::json> GetJson(const std::string& url) {
  detail::HttpCall call;
  call.url = url;
  call.headers = {{"Accept", "application/json"}};
  ASSIGN_OR_RETURN(auto res, detail::Fetch(call));
  if (res.status != 200) return ProviderError("statut " + std::to_string(res.status) + " pour " + url);
  auto json = ParseJson(res.body);
  if (!json.ok() || !json->is_object()) return ProviderError("JSON invalide pour " + url);
  return std::move(json).value();
}

std::string Str(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string Join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out.push_back(sep);
    out += p;
  }
  return out;
}

std::string WithQuery(const std::string& base, const std::string& query) {
  return base + (base.find('?') == std::string::npos ? "?" : "&") + query;
}

}  // namespace

std::string PkceChallenge(std::string_view code_verifier) {
  return detail::Base64UrlEncode(detail::Sha256(code_verifier));
}

OidcClient::OidcClient(ProviderConfig config) : config_(std::move(config)) {}
OidcClient::~OidcClient() = default;

Status OidcClient::Discover(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return DiscoverLocked(now_ms, false);
}

Status OidcClient::DiscoverLocked(int64_t now_ms, bool force) {
  if (meta_ && !force && now_ms - meta_->fetched_ms < ttl_ms_) return Status::Ok();
  std::string issuer = config_.issuer;
  while (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
  ASSIGN_OR_RETURN(auto doc, GetJson(issuer + "/.well-known/openid-configuration"));
  auto meta = std::make_shared<Metadata>();
  meta->issuer = Str(doc, "issuer");
  meta->authorization_endpoint = Str(doc, "authorization_endpoint");
  meta->token_endpoint = Str(doc, "token_endpoint");
  meta->userinfo_endpoint = Str(doc, "userinfo_endpoint");
  meta->end_session_endpoint = Str(doc, "end_session_endpoint");
  meta->jwks_uri = Str(doc, "jwks_uri");
  if (meta->issuer != config_.issuer) {
    return Unauthenticated("auth.discovery_issuer",
                           "Le fournisseur d'identité annonce un autre émetteur que celui configuré.");
  }
  if (meta->authorization_endpoint.empty() || meta->token_endpoint.empty() || meta->jwks_uri.empty()) {
    return ProviderError("points d'accès manquants dans la découverte");
  }
  ASSIGN_OR_RETURN(auto jwks_doc, GetJson(meta->jwks_uri));
  auto jwks = Jwks::Parse(jwks_doc);
  if (!jwks.ok()) return ProviderError(jwks.status().message());
  meta->jwks = std::move(jwks).value();
  meta->fetched_ms = now_ms;
  meta_ = std::move(meta);
  return Status::Ok();
}

Result<AuthorizationRequest> OidcClient::BeginLogin(int64_t now_ms) {
  std::shared_ptr<const Metadata> meta;
  {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(DiscoverLocked(now_ms, false));
    meta = meta_;
  }
  AuthorizationRequest req;
  req.state = detail::RandomToken(32);
  req.nonce = detail::RandomToken(32);
  req.code_verifier = detail::RandomToken(48);  // 64 characters, within RFC 7636's 43..128
  std::vector<std::pair<std::string, std::string>> q = {
      {"response_type", "code"},
      {"client_id", config_.client_id},
      {"redirect_uri", config_.redirect_uri},
      {"scope", Join(config_.scopes, ' ')},
      {"state", req.state},
      {"nonce", req.nonce},
      {"code_challenge", PkceChallenge(req.code_verifier)},
      {"code_challenge_method", "S256"},
  };
  std::string acr = Join(config_.acr_values, ' ');
  if (!acr.empty()) q.emplace_back("acr_values", acr);
  req.url = WithQuery(meta->authorization_endpoint, detail::FormEncode(q));
  return req;
}

Result<VerifiedIdentity> OidcClient::CompleteLogin(const std::string& code, const std::string& nonce,
                                                   const std::string& code_verifier, int64_t now_ms) {
  if (code.empty() || code.size() > 2048) {
    return Unauthenticated("auth.code_rejected", "Code d'autorisation absent ou invalide.");
  }
  std::shared_ptr<const Metadata> meta;
  {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(DiscoverLocked(now_ms, false));
    meta = meta_;
  }
  detail::HttpCall call;
  call.method = "POST";
  call.url = meta->token_endpoint;
  std::vector<std::pair<std::string, std::string>> form = {
      {"grant_type", "authorization_code"},
      {"code", code},
      {"redirect_uri", config_.redirect_uri},
      {"code_verifier", code_verifier},
  };
  if (config_.client_secret.empty()) {
    form.emplace_back("client_id", config_.client_id);
  } else {
    call.headers.emplace_back(
        "Authorization",
        "Basic " + detail::Base64Encode(detail::PercentEncode(config_.client_id) + ":" +
                                        detail::PercentEncode(config_.client_secret)));
  }
  call.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  call.headers.emplace_back("Accept", "application/json");
  call.body = detail::FormEncode(form);
  ASSIGN_OR_RETURN(auto res, detail::Fetch(call));
  auto body = ParseJson(res.body);
  if (res.status == 400 || res.status == 401) {
    std::string error = body.ok() && body->is_object() ? Str(*body, "error") : "";
    return Unauthenticated("auth.code_rejected",
                           "Le fournisseur d'identité a refusé le code d'autorisation (" +
                               (error.empty() ? std::to_string(res.status) : error) + ").");
  }
  if (res.status != 200 || !body.ok() || !body->is_object()) {
    return ProviderError("réponse du point d'accès jeton");
  }
  const std::string id_token = Str(*body, "id_token");
  const std::string access_token = Str(*body, "access_token");
  if (id_token.empty()) return ProviderError("jeton d'identité absent");

  auto verified = meta->jwks.Verify(id_token);
  if (!verified.ok() && verified.status().reason() == "auth.token_unknown_key") {
    // The provider may have rotated its keys: refresh once, then verify again.
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(DiscoverLocked(now_ms, true));
    meta = meta_;
    verified = meta->jwks.Verify(id_token);
  }
  if (!verified.ok()) return verified.status();
  IdTokenExpectations expect;
  expect.issuer = config_.issuer;
  expect.client_id = config_.client_id;
  expect.nonce = nonce;
  for (const auto& a : config_.acr_values) {
    if (!a.empty()) expect.accepted_acr.push_back(a);
  }
  expect.now_s = now_ms / 1000;
  RETURN_IF_ERROR(CheckIdTokenClaims(verified->payload, expect));

  VerifiedIdentity identity;
  identity.provider = config_.id;
  identity.subject = Str(verified->payload, "sub");
  identity.acr = Str(verified->payload, "acr");
  identity.id_token = id_token;
  identity.claims = verified->payload;
  if (!meta->userinfo_endpoint.empty() && !access_token.empty()) {
    ASSIGN_OR_RETURN(auto info, UserInfo(access_token, *meta, identity.subject));
    for (auto it = info.begin(); it != info.end(); ++it) identity.claims[it.key()] = it.value();
  }
  return identity;
}

Result<nlohmann::json> OidcClient::UserInfo(const std::string& access_token, const Metadata& meta,
                                            const std::string& subject) {
  detail::HttpCall call;
  call.url = meta.userinfo_endpoint;
  call.headers = {{"Authorization", "Bearer " + access_token}};
  ASSIGN_OR_RETURN(auto res, detail::Fetch(call));
  if (res.status != 200) return ProviderError("userinfo a répondu " + std::to_string(res.status));
  nlohmann::json info;
  if (res.content_type.rfind("application/jwt", 0) == 0) {
    // FranceConnect v2 signs userinfo: same keys and issuer as the ID token.
    auto v = meta.jwks.Verify(res.body);
    if (!v.ok()) return v.status();
    if (Str(v->payload, "iss") != config_.issuer) {
      return Unauthenticated("auth.token_issuer", "Réponse userinfo d'un autre émetteur.");
    }
    info = std::move(v->payload);
  } else {
    auto parsed = ParseJson(res.body);
    if (!parsed.ok() || !parsed->is_object()) return ProviderError("userinfo non JSON");
    info = std::move(parsed).value();
  }
  if (Str(info, "sub") != subject) {
    return Unauthenticated("auth.token_subject", "La réponse userinfo concerne une autre personne.");
  }
  for (const char* name : {"iss", "aud", "exp", "iat", "nbf", "nonce"}) info.erase(name);
  return info;
}

std::string OidcClient::LogoutUrl(const std::string& id_token, const std::string& state) const {
  std::shared_ptr<const Metadata> meta;
  {
    std::lock_guard<std::mutex> lock(mu_);
    meta = meta_;
  }
  if (!meta || meta->end_session_endpoint.empty()) return "";
  std::vector<std::pair<std::string, std::string>> q = {
      {"id_token_hint", id_token},
      {"state", state},
      {"post_logout_redirect_uri", config_.post_logout_redirect_uri},
  };
  return WithQuery(meta->end_session_endpoint, detail::FormEncode(q));
}

}  // namespace parcours::auth
