#include "encoding.h"
#include "parcours/auth/auth.h"
#include "parcours/base/clock.h"
#include "parcours/base/id.h"

namespace parcours::auth {
namespace {

// Only local absolute paths are accepted as a destination after login (no open redirect).
std::string SafeReturnTo(const std::string& target) {
  if (target.empty() || target[0] != '/' || (target.size() > 1 && (target[1] == '/' || target[1] == '\\')) ||
      target.find_first_of("\r\n") != std::string::npos || target.size() > 512) {
    return "/";
  }
  return target;
}

std::string ClaimText(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<AuthorizationRequest> Auth::BeginOidcLogin(std::string_view provider, const std::string& return_to) {
  OidcClient* client = Provider(provider);
  if (client == nullptr) {
    return NotFound("auth.provider_unknown", "Fournisseur d'identité inconnu.");
  }
  const int64_t now = clock_.NowMillis();
  ASSIGN_OR_RETURN(auto request, client->BeginLogin(now));
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(tx.Execute("DELETE FROM auth_oidc_flows WHERE expires_at_ms <= $1", {now}));
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO auth_oidc_flows (state_hash, provider, nonce, code_verifier, return_to, "
        "created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {detail::Sha256Hex(request.state), std::string(provider), request.nonce,
         request.code_verifier, SafeReturnTo(return_to), now, now + options_.oidc_flow_ttl.count()}));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return request;
}

Result<Auth::Login> Auth::FinishOidcLogin(std::string_view provider, const std::string& state,
                                          const std::string& browser_state, const std::string& code,
                                          const std::string& error, const ClientInfo& client) {
  const std::string provider_id(provider);
  auto refuse = [&](Status status) -> Status {
    Audit("login.failed", "anonymous", "", "",
          {{"provider", provider_id}, {"reason", status.reason()}, {"address", client.address}});
    return status;
  };
  OidcClient* oidc = Provider(provider);
  if (oidc == nullptr) return refuse(NotFound("auth.provider_unknown", "Fournisseur d'identité inconnu."));
  if (state.empty() || state.size() > 256) {
    return refuse(Unauthenticated("auth.state_invalid", "Connexion non reconnue : recommencez."));
  }
  const int64_t now = clock_.NowMillis();
  // Consume the flow first, whatever follows: a state is usable exactly once.
  std::optional<store::Row> flow;
  Status consumed = db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("DELETE FROM auth_oidc_flows WHERE state_hash = $1 "
                                         "RETURNING provider, nonce, code_verifier, return_to, expires_at_ms",
                                         {detail::Sha256Hex(state)}));
    if (!rows.empty()) flow = rows[0];
    return Status::Ok();
  });
  if (!consumed.ok()) return consumed;
  if (!flow || flow->Text("provider") != provider_id) {
    return refuse(Unauthenticated("auth.state_invalid", "Connexion non reconnue ou déjà utilisée : recommencez."));
  }
  if (!detail::ConstantTimeEquals(state, browser_state)) {
    return refuse(Unauthenticated("auth.state_mismatch",
                                  "Cette connexion n'a pas été commencée dans ce navigateur."));
  }
  if (flow->Int("expires_at_ms") <= now) {
    return refuse(Unauthenticated("auth.state_expired", "La connexion a pris trop de temps : recommencez."));
  }
  if (!error.empty()) {
    return refuse(Unauthenticated("auth.provider_error",
                                  "Le fournisseur d'identité n'a pas authentifié la personne."));
  }
  auto identity = oidc->CompleteLogin(code, flow->Text("nonce"), flow->Text("code_verifier"), now);
  if (!identity.ok()) return refuse(identity.status());

  Login login;
  login.return_to = flow->Text("return_to");
  std::string person_id;
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(std::string user_id, UserForIdentity(tx, oidc->config(), *identity));
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT person_id FROM auth_users WHERE id = $1", {user_id}));
    if (!rows.empty()) person_id = rows[0].Text(0);
    ASSIGN_OR_RETURN(login.session,
                     StartSessionIn(tx, user_id, provider_id, identity->acr, identity->id_token, false));
    return Status::Ok();
  });
  if (!s.ok()) return refuse(s);
  Audit("login.succeeded", "user:" + login.session.user_id, login.session.user_id, person_id,
        {{"provider", provider_id}, {"acr", identity->acr}, {"address", client.address}});
  return login;
}

Result<std::string> Auth::UserForIdentity(store::Transaction& tx, const ProviderConfig& provider,
                                          const VerifiedIdentity& identity) {
  const int64_t now = clock_.NowMillis();
  // With a vault wired, identity claims live there (encrypted, with provenance); otherwise
  // the last verified claims are kept with the identity link.
  const std::string claims = identity_sink_ ? "{}" : identity.claims.dump();
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT i.user_id, u.person_id FROM auth_identities i "
                                       "JOIN auth_users u ON u.id = i.user_id "
                                       "WHERE i.provider = $1 AND i.subject = $2",
                                       {provider.id, identity.subject}));
  std::string user_id;
  std::string person_id;
  if (!rows.empty()) {
    user_id = rows[0].Text(0);
    person_id = rows[0].Text(1);
    RETURN_IF_ERROR(tx.Execute("UPDATE auth_identities SET claims = $1, acr = $2, updated_at_ms = $3 "
                               "WHERE provider = $4 AND subject = $5",
                               {claims, identity.acr, now, provider.id, identity.subject}));
  } else {
    user_id = NewId(&clock_);
    std::string name = ClaimText(identity.claims, "given_name");
    const std::string family = ClaimText(identity.claims, "family_name");
    if (!family.empty()) name += (name.empty() ? "" : " ") + family;
    if (provider.role == Role::kUsager && !identity_sink_) person_id = NewId(&clock_);
    RETURN_IF_ERROR(InsertUser(tx, user_id, name, ClaimText(identity.claims, "email"), person_id,
                               {{provider.role, provider.organisation_id}}));
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO auth_identities (provider, subject, user_id, claims, acr, updated_at_ms) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        {provider.id, identity.subject, user_id, claims, identity.acr, now}));
  }
  if (provider.role == Role::kUsager && identity_sink_) {
    ASSIGN_OR_RETURN(std::string person, identity_sink_(tx, person_id, identity));
    if (person != person_id) {
      RETURN_IF_ERROR(tx.Execute("UPDATE auth_users SET person_id = $1 WHERE id = $2", {person, user_id}));
    }
  }
  return user_id;
}

}  // namespace parcours::auth
