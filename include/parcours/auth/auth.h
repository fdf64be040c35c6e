// The auth service: users and roles, server-side sessions, OpenID Connect logins, local agent
// accounts (argon2id, lockout, rate limit, optional TOTP), API keys, demo logins, and the
// audit of every login, failure and refusal (events "fr.parcours.auth.*" via AppendEvent).
// The HTTP face (middleware, pages, JSON routes) is in middleware.h and the api/web modules.
//
// Sessions: the cookie holds 32 random bytes; the database keeps only their SHA-256. Each
// login creates a new session id (no fixation), with an idle and an absolute expiry and its
// own CSRF synchronizer token.
// Thread-safety: one Auth is shared by all server threads; every method is thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parcours/auth/credentials.h"
#include "parcours/auth/oidc.h"
#include "parcours/auth/policy.h"
#include "parcours/auth/principal.h"
#include "parcours/auth/rate_limit.h"
#include "parcours/base/status.h"
#include "parcours/store/store.h"

namespace parcours {
class Clock;
}

namespace parcours::auth {

struct AuthOptions {
  std::chrono::milliseconds session_idle{std::chrono::minutes(30)};
  std::chrono::milliseconds session_absolute{std::chrono::hours(12)};
  std::chrono::milliseconds oidc_flow_ttl{std::chrono::minutes(10)};
  bool secure_cookies = false;   // behind TLS: Secure cookies with the __Host- prefix
  bool demo = false;             // PARCOURS_DEMO=1: the demo login is offered
  int max_failed_logins = 5;     // consecutive failures before an account is locked
  std::chrono::milliseconds lockout{std::chrono::minutes(15)};
  int login_attempts_per_window = 10;  // per client address and per username
  std::chrono::milliseconds login_window{std::chrono::minutes(1)};
  PasswordCost password_cost;    // argon2id cost of new local passwords
  std::string demo_organisation_id = "caf";  // organisation of demo agents, pilotes, intégrateurs
  int mandate_max_days = 365;    // longest mandate a person may grant (PARCOURS_MANDATE_MAX_DAYS)
  std::vector<ProviderConfig> providers;
};

// Where a login came from, for the audit log.
struct ClientInfo {
  std::string address;
  std::string user_agent;
};

// A session just created: the cookie value goes to the browser (once), never to the database.
struct NewSession {
  std::string cookie_value;
  std::string csrf_token;
  std::string user_id;
};

// A new API key: the secret is shown once to its creator.
struct NewApiKey {
  std::string id;
  std::string secret;  // "pk_<prefix>_<random>"
  std::string prefix;
};

struct ApiKeyInfo {
  std::string id;
  std::string prefix;
  std::string label;
  std::string organisation_id;
  std::vector<std::string> services;
  int64_t created_at_ms = 0;
  std::optional<int64_t> revoked_at_ms;
  std::optional<int64_t> last_used_ms;
};

// A mandate as its person sees it (Mes aidants) or an administrator audits it.
struct MandateInfo {
  std::string id;
  std::string person_id;
  std::string holder_user_id;
  std::string holder_name;          // the holder's display name
  std::string holder_organisation;  // the organisation of the holder's role, "" when none
  std::vector<std::string> scopes;
  int64_t starts_ms = 0;
  int64_t ends_ms = 0;
  std::optional<int64_t> revoked_ms;
  std::string granted_by;  // audit actor
  std::string revoked_by;
  bool InForce(int64_t now_ms) const { return !revoked_ms && starts_ms <= now_ms && ends_ms > now_ms; }
};

// An account as an administrator sees it.
struct UserInfo {
  std::string id;
  std::string display_name;
  std::string email;
  std::string username;  // local account login, "" when none
  std::vector<RoleGrant> roles;
  int64_t created_at_ms = 0;
  std::optional<int64_t> disabled_at_ms;
  std::optional<int64_t> last_login_ms;  // local accounts only
};

// An organisation known to auth: bound to roles or to API keys (or named by the caller).
struct OrganisationInfo {
  std::string id;
  int users = 0;        // accounts with a role in it
  int active_keys = 0;  // unrevoked API keys
};

// Called inside the login transaction with a verified identity from a provider whose role is
// usager: lets the vault record the claims with provenance "FranceConnect" (verified) and
// returns the person id (created when `person_id` is empty).
using IdentitySink = std::function<Result<std::string>(
    store::Transaction& tx, const std::string& person_id, const VerifiedIdentity& identity)>;

class Auth {
 public:
  Auth(store::Database& db, const Clock& clock, AuthOptions options);
  ~Auth();
  Auth(const Auth&) = delete;
  Auth& operator=(const Auth&) = delete;

  const AuthOptions& options() const { return options_; }
  Authorizer& authorizer() { return authorizer_; }
  const Authorizer& authorizer() const { return authorizer_; }
  const Clock& clock() const { return clock_; }
  void SetIdentitySink(IdentitySink sink) { identity_sink_ = std::move(sink); }

  // --- Users ---------------------------------------------------------------------------
  Result<std::string> CreateUser(const std::string& display_name, const std::string& email,
                                 const std::string& person_id, const std::vector<RoleGrant>& roles);
  // The principal for a user (roles and mandates in force now); NotFound or
  // PermissionDenied("auth.user_disabled").
  Result<std::shared_ptr<Principal>> LoadPrincipal(const std::string& user_id);
  // Records a mandate letting `holder_user_id` act for `person_id` until `ends_ms`, with its
  // "fr.parcours.auth.mandate.granted" event in the same transaction. InvalidArgument
  // ("auth.mandate_invalid" | "auth.mandate_scope" | "auth.mandate_too_long") for an end in the
  // past or beyond options().mandate_max_days, or an unknown scope; NotFound("auth.holder_unknown")
  // when the holder is not an active aidant or agent.
  Result<std::string> GrantMandate(const std::string& holder_user_id, const std::string& person_id,
                                   const std::vector<std::string>& scopes, int64_t ends_ms,
                                   const std::string& actor);
  // The "code aidant" of an aidant or agent ("XXXX-XXXX", Crockford base32, the last character
  // a check character), created on first call; PermissionDenied("auth.not_a_holder") for
  // other accounts.
  Result<std::string> HolderCode(const std::string& user_id);
  // The holder a person typed the code of (case, spaces, dashes and O/I/L confusions are
  // forgiven); NotFound("auth.holder_unknown") for a wrong code (check character included), a
  // disabled account or one that is no longer aidant or agent.
  Result<UserInfo> FindHolder(std::string_view code);
  // The person grants a mandate for `days` days (1..mandate_max_days) to the holder of `code`.
  Result<MandateInfo> GrantMandateByCode(const std::string& person_id, std::string_view code,
                                         const std::vector<std::string>& scopes, int days,
                                         const std::string& actor);
  // Ends a mandate of `person_id` now, with its "fr.parcours.auth.mandate.revoked" event in the
  // same transaction. NotFound("auth.mandate_unknown") when it is not theirs or already ended.
  Status RevokeMandate(const std::string& mandate_id, const std::string& person_id,
                       const std::string& actor);
  // Every mandate the person granted (in force first, then most recent), at most `limit`.
  Result<std::vector<MandateInfo>> ListMandates(const std::string& person_id, int limit = 200);

  // --- Administration --------------------------------------------------------------------
  // Organisations bound to roles or API keys, plus `also` (e.g. the exchange's organisations),
  // sorted by id.
  Result<std::vector<OrganisationInfo>> ListOrganisations(const std::vector<std::string>& also = {});
  // Accounts holding a role in `organisation_id`, or, for "", the platform-wide staff (aidants,
  // pilotes, admins without an organisation; usagers are not listed). At most 500.
  Result<std::vector<UserInfo>> ListUsers(const std::string& organisation_id);
  Result<UserInfo> GetUser(const std::string& user_id);
  // Disables (ends every session of the account; later logins are refused) or re-enables an
  // account, with its "fr.parcours.auth.user.disabled|enabled" event. Conflict
  // ("auth.cannot_disable_self") when `actor_user_id` is the account itself.
  Status SetUserDisabled(const std::string& user_id, bool disabled, const std::string& actor_user_id,
                         const std::string& actor);

  // --- Sessions --------------------------------------------------------------------------
  Result<NewSession> StartSession(const std::string& user_id, const std::string& provider,
                                  const std::string& acr, const std::string& id_token, bool demo,
                                  const ClientInfo& client);
  // The principal of a live session, or Unauthenticated("auth.session_expired" |
  // "auth.session_unknown"). Touches the idle deadline.
  Result<std::shared_ptr<const Principal>> ResumeSession(const std::string& cookie_value);
  // Ends the session; returns its provider and ID token (for the provider's logout).
  struct EndedSession {
    std::string provider;
    std::string id_token;
  };
  Result<EndedSession> EndSession(const std::string& session_id, const std::string& actor,
                                  const ClientInfo& client);
  // Cookie names and Set-Cookie lines.
  std::string SessionCookieName() const;
  std::string SessionCookie(const std::string& value) const;
  std::string ExpiredSessionCookie() const;

  // --- OpenID Connect ------------------------------------------------------------------
  OidcClient* Provider(std::string_view id);
  std::vector<const ProviderConfig*> ProviderConfigs() const;
  // Starts a login with `provider`: stores state, nonce and verifier; returns the URL to
  // send the browser to, and the state (also set in a short-lived cookie by the caller).
  Result<AuthorizationRequest> BeginOidcLogin(std::string_view provider, const std::string& return_to);
  // Finishes the flow. `state` comes from the query, `browser_state` from the flow cookie
  // (they must match: a callback not started in this browser is refused). The flow is
  // consumed whatever the outcome (a replayed callback is refused). On success a new
  // session is started. Every outcome is audited.
  struct Login {
    NewSession session;
    std::string return_to;
  };
  Result<Login> FinishOidcLogin(std::string_view provider, const std::string& state,
                                const std::string& browser_state, const std::string& code,
                                const std::string& error, const ClientInfo& client);

  // --- Local accounts ----------------------------------------------------------------
  Result<std::string> CreateLocalAccount(const std::string& username, const std::string& password,
                                         const std::string& display_name,
                                         const std::vector<RoleGrant>& roles);
  // Enrols TOTP for the account; returns the raw secret (to show as otpauth:// once).
  Result<std::string> EnableTotp(const std::string& user_id);
  // Password (+ TOTP when enrolled) login. Unauthenticated("auth.bad_credentials") for any
  // wrong username/password/code, ResourceExhausted("auth.too_many_attempts") when rate
  // limited or the account is locked. Audited.
  Result<NewSession> LocalLogin(const std::string& username, const std::string& password,
                                const std::string& totp_code, const ClientInfo& client);

  // --- Demo ----------------------------------------------------------------------------
  // Logs in as the demo user of `role` (created on first use); PermissionDenied when demo
  // mode is off.
  Result<NewSession> DemoLogin(Role role, const ClientInfo& client);

  // --- API keys ------------------------------------------------------------------------
  Result<NewApiKey> CreateApiKey(const std::string& organisation_id,
                                 const std::vector<std::string>& services, const std::string& label,
                                 const std::string& actor);
  // The principal of a valid, unrevoked key (records its last use), or
  // Unauthenticated("auth.api_key_invalid"), audited.
  Result<std::shared_ptr<const Principal>> AuthenticateApiKey(const std::string& secret,
                                                              const ClientInfo& client);
  Status RevokeApiKey(const std::string& id, const std::string& organisation_id,
                      const std::string& actor);
  Result<std::vector<ApiKeyInfo>> ListApiKeys(const std::string& organisation_id);

  // --- Audit ---------------------------------------------------------------------------
  // Appends an "fr.parcours.auth.<what>" event in its own transaction (failures must be
  // recorded even when the operation is refused). Errors are logged, not returned.
  void Audit(const std::string& what, const std::string& actor, const std::string& subject,
             const std::string& person_id, const nlohmann::json& data);

 private:
  Result<NewSession> StartSessionIn(store::Transaction& tx, const std::string& user_id,
                                    const std::string& provider, const std::string& acr,
                                    const std::string& id_token, bool demo);
  Result<std::shared_ptr<Principal>> LoadPrincipalIn(store::Transaction& tx, const std::string& user_id);
  Result<std::string> DemoUser(Role role);
  Status InsertUser(store::Transaction& tx, const std::string& id, const std::string& display_name,
                    const std::string& email, const std::string& person_id,
                    const std::vector<RoleGrant>& roles);
  Result<std::string> UserForIdentity(store::Transaction& tx, const ProviderConfig& provider,
                                      const VerifiedIdentity& identity);

  store::Database& db_;
  const Clock& clock_;
  AuthOptions options_;
  Authorizer authorizer_;
  IdentitySink identity_sink_;
  std::map<std::string, std::unique_ptr<OidcClient>, std::less<>> providers_;
  RateLimiter per_address_;
  RateLimiter per_username_;
};

}  // namespace parcours::auth
