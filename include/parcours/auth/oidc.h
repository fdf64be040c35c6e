// OpenID Connect relying party, as FranceConnect requires it of a service provider:
// discovery, authorisation code flow with PKCE (S256), `state` and `nonce`, `acr_values`,
// ID token verified against the provider's JWKS (RS256/ES256; iss, aud, exp, iat, nonce,
// acr), userinfo (JSON or signed JWT), and RP-initiated logout with id_token_hint and
// post_logout_redirect_uri. Any conforming provider can be configured (FranceConnect for
// usagers, ProConnect or a regional IdP for agents). Back-channel calls use libcurl.
// Thread-safety: an OidcClient may be shared; metadata and keys are refreshed under a lock.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "parcours/auth/jwt.h"
#include "parcours/auth/principal.h"
#include "parcours/base/status.h"

namespace parcours::auth {

struct ProviderConfig {
  std::string id;      // "franceconnect", "proconnect": appears in URLs and audit events
  std::string label;   // "FranceConnect", shown on the login page
  std::string issuer;  // discovery at issuer + "/.well-known/openid-configuration"
  std::string client_id;
  std::string client_secret;  // sent with client_secret_basic; may be empty (public client)
  std::string redirect_uri;               // .../auth/oidc/<id>/callback
  std::string post_logout_redirect_uri;   // .../deconnexion/fin
  std::vector<std::string> scopes = {"openid", "given_name", "family_name", "birthdate",
                                     "birthplace", "birthcountry", "gender", "email"};
  std::vector<std::string> acr_values = {"eidas1"};  // requested and required ("" = none)
  Role role = Role::kUsager;        // role given to people logging in with this provider
  std::string organisation_id;      // for agent providers: the organisation granted
};

// The result of a successful login.
struct VerifiedIdentity {
  std::string provider;
  std::string subject;
  std::string acr;
  std::string id_token;      // raw, for the logout's id_token_hint
  nlohmann::json claims;     // ID token claims merged with userinfo
};

// What the browser is sent to, and what must be kept server-side to finish the flow.
struct AuthorizationRequest {
  std::string url;
  std::string state;
  std::string nonce;
  std::string code_verifier;
};

// PKCE S256 challenge of a verifier (RFC 7636 §4.2).
std::string PkceChallenge(std::string_view code_verifier);

class OidcClient {
 public:
  explicit OidcClient(ProviderConfig config);
  ~OidcClient();

  const ProviderConfig& config() const { return config_; }

  // Fetches discovery metadata and the JWKS (once; again after `ttl_ms` or on an unknown key).
  // The discovered issuer must equal the configured one ("auth.discovery_issuer").
  Status Discover(int64_t now_ms);

  // A new authorisation request with fresh state, nonce and PKCE verifier.
  Result<AuthorizationRequest> BeginLogin(int64_t now_ms);

  // Exchanges `code` (with the PKCE verifier) at the token endpoint, verifies the ID token
  // (signature, iss, aud, exp, iat, nonce, acr), then calls userinfo and checks its subject.
  // Fails with Unauthenticated (auth.code_rejected, auth.token_*), or Unavailable when the
  // provider cannot be reached.
  Result<VerifiedIdentity> CompleteLogin(const std::string& code, const std::string& nonce,
                                         const std::string& code_verifier, int64_t now_ms);

  // The provider's end-session URL for `id_token`, or "" when the provider has none.
  std::string LogoutUrl(const std::string& id_token, const std::string& state) const;

 private:
  struct Metadata;
  Status DiscoverLocked(int64_t now_ms, bool force);
  Result<nlohmann::json> UserInfo(const std::string& access_token, const Metadata& meta,
                                  const std::string& subject);

  ProviderConfig config_;
  mutable std::mutex mu_;
  std::shared_ptr<const Metadata> meta_;  // GUARDED_BY(mu_)
  int64_t ttl_ms_ = 3600 * 1000;
};

}  // namespace parcours::auth
