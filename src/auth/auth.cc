#include "parcours/auth/auth.h"

#include "encoding.h"

#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/base/json.h"
#include "parcours/base/log.h"
#include "parcours/store/events.h"

namespace parcours::auth {

Auth::Auth(store::Database& db, const Clock& clock, AuthOptions options)
    : db_(db),
      clock_(clock),
      options_(std::move(options)),
      per_address_(options_.login_attempts_per_window, options_.login_window),
      per_username_(options_.login_attempts_per_window, options_.login_window) {
  for (const auto& p : options_.providers) {
    providers_.emplace(p.id, std::make_unique<OidcClient>(p));
  }
}

Auth::~Auth() = default;

void Auth::Audit(const std::string& what, const std::string& actor, const std::string& subject,
                 const std::string& person_id, const nlohmann::json& data) {
  store::Event event;
  event.type = "fr.parcours.auth." + what;
  event.source = "/auth";
  event.subject = subject;
  event.person_id = person_id;
  event.actor = actor.empty() ? "anonymous" : actor;
  event.channel = "web";
  event.data_json = data.dump();
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(store::AppendEvent(tx, event, &clock_));
    return Status::Ok();
  });
  if (!s.ok()) log::Error("audit event lost", {{"type", event.type}, {"error", s.ToString()}});
}

Status Auth::InsertUser(store::Transaction& tx, const std::string& id, const std::string& display_name,
                        const std::string& email, const std::string& person_id,
                        const std::vector<RoleGrant>& roles) {
  RETURN_IF_ERROR(tx.Execute(
      "INSERT INTO auth_users (id, display_name, email, person_id, created_at_ms) "
      "VALUES ($1, $2, $3, $4, $5)",
      {id, display_name, email, person_id, clock_.NowMillis()}));
  for (const auto& g : roles) {
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO auth_user_roles (user_id, role, organisation_id) VALUES ($1, $2, $3)",
        {id, std::string(RoleName(g.role)), g.organisation_id}));
  }
  return Status::Ok();
}

Result<std::string> Auth::CreateUser(const std::string& display_name, const std::string& email,
                                     const std::string& person_id,
                                     const std::vector<RoleGrant>& roles) {
  const std::string id = NewId(&clock_);
  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    return InsertUser(tx, id, display_name, email, person_id, roles);
  }));
  return id;
}

Result<std::shared_ptr<Principal>> Auth::LoadPrincipal(const std::string& user_id) {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  return LoadPrincipalIn(*tx, user_id);
}

Result<std::shared_ptr<Principal>> Auth::LoadPrincipalIn(store::Transaction& tx, const std::string& user_id) {
  ASSIGN_OR_RETURN(auto user,
                   tx.QueryOne("SELECT display_name, person_id, disabled_at_ms FROM auth_users "
                                "WHERE id = $1",
                                {user_id}, "auth.user_unknown", "Compte inconnu."));
  if (!user.IsNull("disabled_at_ms")) {
    return PermissionDenied("auth.user_disabled", "Ce compte est désactivé.");
  }
  auto p = std::make_shared<Principal>();
  p->user_id = user_id;
  p->display_name = user.Text("display_name");
  p->person_id = user.Text("person_id");
  ASSIGN_OR_RETURN(auto roles, tx.Query("SELECT role, organisation_id FROM auth_user_roles "
                                         "WHERE user_id = $1 ORDER BY role, organisation_id",
                                         {user_id}));
  for (const auto& r : roles) {
    if (auto role = ParseRole(r.Text(0))) p->grants.push_back({*role, r.Text(1)});
  }
  const int64_t now = clock_.NowMillis();
  ASSIGN_OR_RETURN(auto mandates,
                   tx.Query("SELECT id, person_id, scopes, ends_at_ms FROM auth_mandates "
                             "WHERE holder_user_id = $1 AND revoked_at_ms IS NULL "
                             "AND starts_at_ms <= $2 AND ends_at_ms > $2",
                             {user_id, now}));
  for (const auto& m : mandates) {
    p->mandates.push_back({m.Text(0), m.Text(1), detail::JsonStrings(m.Text(2)), m.Int(3)});
  }
  return p;
}

std::string Auth::SessionCookieName() const {
  return options_.secure_cookies ? "__Host-parcours_session" : "parcours_session";
}

std::string Auth::SessionCookie(const std::string& value) const {
  // No Max-Age: the cookie lasts the browser session; the server enforces both expiries.
  return SessionCookieName() + "=" + value + "; Path=/; HttpOnly; SameSite=Lax" +
         (options_.secure_cookies ? "; Secure" : "");
}

std::string Auth::ExpiredSessionCookie() const {
  return SessionCookieName() + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" +
         (options_.secure_cookies ? "; Secure" : "");
}

OidcClient* Auth::Provider(std::string_view id) {
  auto it = providers_.find(id);
  return it == providers_.end() ? nullptr : it->second.get();
}

std::vector<const ProviderConfig*> Auth::ProviderConfigs() const {
  std::vector<const ProviderConfig*> out;
  for (const auto& p : options_.providers) out.push_back(&p);
  return out;
}

}  // namespace parcours::auth
