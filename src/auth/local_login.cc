#include <algorithm>
#include <cctype>

#include "parcours/auth/auth.h"
#include "parcours/base/clock.h"
#include "parcours/base/id.h"

namespace parcours::auth {
namespace {

std::string NormaliseUsername(std::string username) {
  std::transform(username.begin(), username.end(), username.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return username;
}

Status BadCredentials() {
  return Unauthenticated("auth.bad_credentials", "Identifiant, mot de passe ou code incorrect.");
}

Status TooManyAttempts() {
  return ResourceExhausted("auth.too_many_attempts",
                           "Trop de tentatives de connexion : réessayez dans quelques minutes.");
}

// Verifying against a fixed hash when the username is unknown keeps the answer time the same.
const std::string& DecoyHash(const PasswordCost& cost) {
  static const std::string hash = HashPassword("decoy-password-never-valid", cost).value_or("");
  return hash;
}

}  // namespace

Result<std::string> Auth::CreateLocalAccount(const std::string& username, const std::string& password,
                                             const std::string& display_name,
                                             const std::vector<RoleGrant>& roles) {
  const std::string name = NormaliseUsername(username);
  if (name.size() < 3 || name.size() > 64 ||
      !std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '@';
      })) {
    return InvalidArgument("auth.username_invalid",
                           "L'identifiant compte de 3 à 64 lettres, chiffres, points ou tirets.")
        .WithField("username", "De 3 à 64 lettres, chiffres, points ou tirets.");
  }
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password, options_.password_cost));
  const std::string user_id = NewId(&clock_);
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(InsertUser(tx, user_id, display_name, "", "", roles));
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO auth_local_accounts (user_id, username, password_hash) VALUES ($1, $2, $3)",
        {user_id, name, hash}));
    return Status::Ok();
  });
  if (!s.ok()) {
    if (s.code() == StatusCode::kConflict) {
      return Conflict("auth.username_taken", "Cet identifiant est déjà utilisé.");
    }
    return s;
  }
  return user_id;
}

Result<std::string> Auth::EnableTotp(const std::string& user_id) {
  std::string secret = NewTotpSecret();
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Execute("UPDATE auth_local_accounts SET totp_secret = $1, "
                                           "totp_last_step = 0 WHERE user_id = $2",
                                           {store::Blob{secret}, user_id}));
    if (n == 0) return NotFound("auth.account_unknown", "Compte local inconnu.");
    return Status::Ok();
  });
  if (!s.ok()) return s;
  Audit("totp.enabled", "user:" + user_id, user_id, "", nlohmann::json::object());
  return secret;
}

Result<NewSession> Auth::LocalLogin(const std::string& username, const std::string& password,
                                    const std::string& totp_code, const ClientInfo& client) {
  const std::string name = NormaliseUsername(username.substr(0, 128));
  const int64_t now = clock_.NowMillis();
  auto refuse = [&](Status status, const std::string& what, const std::string& user_id) -> Status {
    Audit(what, user_id.empty() ? "anonymous" : "user:" + user_id, user_id, "",
          {{"provider", "local"}, {"username", name}, {"reason", status.reason()},
           {"address", client.address}});
    return status;
  };
  if (!per_address_.Allow("addr:" + client.address, now) || !per_username_.Allow("user:" + name, now)) {
    return refuse(TooManyAttempts(), "login.rate_limited", "");
  }
  std::optional<store::Row> account;
  {
    ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
    ASSIGN_OR_RETURN(auto rows, tx->Query("SELECT user_id, password_hash, totp_secret, totp_last_step, "
                                          "failed_attempts, locked_until_ms FROM auth_local_accounts "
                                          "WHERE username = $1",
                                          {name}));
    if (!rows.empty()) account = rows[0];
  }
  if (!account) {
    (void)VerifyPassword(DecoyHash(options_.password_cost), password);
    return refuse(BadCredentials(), "login.failed", "");
  }
  const std::string user_id = account->Text("user_id");
  if (account->Int("locked_until_ms") > now) return refuse(TooManyAttempts(), "login.refused_locked", user_id);

  bool ok = VerifyPassword(account->Text("password_hash"), password);
  std::optional<int64_t> step;
  const bool totp = !account->IsNull("totp_secret");
  if (ok && totp) {
    step = VerifyTotp(account->Bytes("totp_secret"), totp_code, now / 1000);
    ok = step.has_value() && *step > account->Int("totp_last_step");  // a code works once
  }
  if (!ok) {
    const int64_t failures = account->Int("failed_attempts") + 1;
    const bool lock = failures >= options_.max_failed_logins;
    Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
      RETURN_IF_ERROR(tx.Execute(
          "UPDATE auth_local_accounts SET failed_attempts = $1, locked_until_ms = $2 WHERE user_id = $3",
          {lock ? int64_t{0} : failures, lock ? now + options_.lockout.count() : int64_t{0}, user_id}));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    if (lock) Audit("account.locked", "system", user_id, "", {{"address", client.address}});
    return refuse(BadCredentials(), "login.failed", user_id);
  }
  auto principal = LoadPrincipal(user_id);
  if (!principal.ok()) {
    if (principal.status().reason() == "auth.user_disabled") {
      return refuse(principal.status(), "login.refused_disabled", user_id);
    }
    return principal.status();
  }
  NewSession session;
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(tx.Execute(
        "UPDATE auth_local_accounts SET failed_attempts = 0, locked_until_ms = 0, last_login_ms = $1, "
        "totp_last_step = $2 WHERE user_id = $3",
        {now, step.value_or(account->Int("totp_last_step")), user_id}));
    ASSIGN_OR_RETURN(session, StartSessionIn(tx, user_id, "local", totp ? "totp" : "password", "", false));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  per_username_.Reset("user:" + name);
  Audit("login.succeeded", (*principal)->Actor(), user_id, "",
        {{"provider", "local"}, {"mfa", totp}, {"address", client.address}});
  return session;
}

Result<std::string> Auth::DemoUser(Role role) {
  const std::string subject(RoleName(role));
  {
    ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
    ASSIGN_OR_RETURN(auto rows, tx->Query("SELECT user_id FROM auth_identities WHERE provider = 'demo' "
                                          "AND subject = $1",
                                          {subject}));
    if (!rows.empty()) return rows[0].Text(0);
  }
  const bool org_bound = role == Role::kAgent || role == Role::kPilote || role == Role::kIntegrateur;
  const std::string org = org_bound ? options_.demo_organisation_id : "";
  const std::string person_id = role == Role::kUsager ? NewId(&clock_) : "";
  const std::string name = std::string(RoleLabel(role)) + " (démonstration)";
  const std::string user_id = NewId(&clock_);
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(InsertUser(tx, user_id, name, "", person_id, {{role, org}}));
    RETURN_IF_ERROR(tx.Execute("INSERT INTO auth_identities (provider, subject, user_id, updated_at_ms) "
                               "VALUES ('demo', $1, $2, $3)",
                               {subject, user_id, clock_.NowMillis()}));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (role == Role::kAidant || role == Role::kAgent) {
    // The demo aidant and agent hold a 30-day mandate for the demo usager, to show acting for someone.
    ASSIGN_OR_RETURN(std::string usager_id, DemoUser(Role::kUsager));
    ASSIGN_OR_RETURN(auto usager, LoadPrincipal(usager_id));
    RETURN_IF_ERROR(GrantMandate(user_id, usager->person_id, {"*"},
                                 clock_.NowMillis() + int64_t{30} * 24 * 3600 * 1000, "system"));
  }
  return user_id;
}

Result<NewSession> Auth::DemoLogin(Role role, const ClientInfo& client) {
  if (!options_.demo) {
    Audit("login.failed", "anonymous", "", "", {{"provider", "demo"}, {"reason", "auth.demo_disabled"},
                                                {"address", client.address}});
    return PermissionDenied("auth.demo_disabled", "La connexion de démonstration est désactivée.");
  }
  ASSIGN_OR_RETURN(std::string user_id, DemoUser(role));
  return StartSession(user_id, "demo", "", "", true, client);
}

}  // namespace parcours::auth
