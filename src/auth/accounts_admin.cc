// Administration of accounts: organisations and their users, disabling and re-enabling an
// account (its sessions end at once; later logins are refused), each change an event.
#include <algorithm>
#include <map>

#include "parcours/auth/auth.h"
#include "parcours/base/clock.h"
#include "parcours/store/events.h"

namespace parcours::auth {
namespace {

constexpr char kUserColumns[] =
    "SELECT u.id, u.display_name, u.email, COALESCE(l.username, '') AS username, u.created_at_ms, "
    "u.disabled_at_ms, l.last_login_ms FROM auth_users u LEFT JOIN auth_local_accounts l ON l.user_id = u.id ";

UserInfo UserFromRow(const store::Row& r) {
  UserInfo u;
  u.id = r.Text(0);
  u.display_name = r.Text(1);
  u.email = r.Text(2);
  u.username = r.Text(3);
  u.created_at_ms = r.Int(4);
  u.disabled_at_ms = r.OptInt(5);
  u.last_login_ms = r.OptInt(6);
  return u;
}

Status LoadRoles(store::Transaction& tx, std::vector<UserInfo>& users) {
  for (auto& u : users) {
    ASSIGN_OR_RETURN(auto roles, tx.Query("SELECT role, organisation_id FROM auth_user_roles WHERE user_id = $1 "
                                          "ORDER BY role, organisation_id",
                                          {u.id}));
    for (const auto& r : roles) {
      if (auto role = ParseRole(r.Text(0))) u.roles.push_back({*role, r.Text(1)});
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<OrganisationInfo>> Auth::ListOrganisations(const std::vector<std::string>& also) {
  std::map<std::string, OrganisationInfo> orgs;
  for (const auto& id : also) {
    if (!id.empty()) orgs[id].id = id;
  }
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(auto users, tx->Query("SELECT organisation_id, COUNT(DISTINCT user_id) FROM auth_user_roles "
                                         "WHERE organisation_id <> '' GROUP BY organisation_id"));
  for (const auto& r : users) {
    auto& o = orgs[r.Text(0)];
    o.id = r.Text(0);
    o.users = static_cast<int>(r.Int(1));
  }
  ASSIGN_OR_RETURN(auto keys, tx->Query("SELECT organisation_id, COUNT(*) FROM auth_api_keys "
                                        "WHERE revoked_at_ms IS NULL GROUP BY organisation_id"));
  for (const auto& r : keys) {
    auto& o = orgs[r.Text(0)];
    o.id = r.Text(0);
    o.active_keys = static_cast<int>(r.Int(1));
  }
  std::vector<OrganisationInfo> out;
  for (auto& [id, o] : orgs) out.push_back(std::move(o));
  return out;
}

Result<std::vector<UserInfo>> Auth::ListUsers(const std::string& organisation_id) {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  // Platform-wide staff are the accounts whose roles are all unbound and not only usager.
  const std::string where =
      organisation_id.empty()
          ? "WHERE EXISTS (SELECT 1 FROM auth_user_roles r WHERE r.user_id = u.id AND r.role <> 'usager' "
            "AND r.organisation_id = '') "
          : "WHERE EXISTS (SELECT 1 FROM auth_user_roles r WHERE r.user_id = u.id AND r.organisation_id = $1) ";
  const std::string sql = std::string(kUserColumns) + where + "ORDER BY u.display_name, u.id LIMIT 500";
  Result<store::Rows> rows = organisation_id.empty() ? tx->Query(sql) : tx->Query(sql, {organisation_id});
  if (!rows.ok()) return rows.status();
  std::vector<UserInfo> out;
  for (const auto& r : *rows) out.push_back(UserFromRow(r));
  RETURN_IF_ERROR(LoadRoles(*tx, out));
  return out;
}

Result<UserInfo> Auth::GetUser(const std::string& user_id) {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(auto row, tx->QueryOne(std::string(kUserColumns) + "WHERE u.id = $1", {user_id},
                                          "auth.user_unknown", "Compte inconnu."));
  std::vector<UserInfo> one = {UserFromRow(row)};
  RETURN_IF_ERROR(LoadRoles(*tx, one));
  return one.front();
}

Status Auth::SetUserDisabled(const std::string& user_id, bool disabled, const std::string& actor_user_id,
                             const std::string& actor) {
  if (disabled && user_id == actor_user_id) {
    return Conflict("auth.cannot_disable_self", "Vous ne pouvez pas désactiver votre propre compte.");
  }
  const int64_t now = clock_.NowMillis();
  return db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(auto user, tx.QueryOne("SELECT disabled_at_ms FROM auth_users WHERE id = $1", {user_id},
                                            "auth.user_unknown", "Compte inconnu."));
    if (user.IsNull(0) != disabled) return Status::Ok();  // already in the asked state
    int64_t ended = 0;
    if (disabled) {
      RETURN_IF_ERROR(tx.Execute("UPDATE auth_users SET disabled_at_ms = $1 WHERE id = $2", {now, user_id}));
      ASSIGN_OR_RETURN(ended, tx.Execute("DELETE FROM auth_sessions WHERE user_id = $1", {user_id}));
    } else {
      RETURN_IF_ERROR(tx.Execute("UPDATE auth_users SET disabled_at_ms = NULL WHERE id = $1", {user_id}));
    }
    store::Event e;
    e.type = disabled ? "fr.parcours.auth.user.disabled" : "fr.parcours.auth.user.enabled";
    e.source = "/auth";
    e.subject = user_id;
    e.actor = actor;
    e.channel = "web";
    e.data_json = disabled ? nlohmann::json{{"sessions_ended", ended}}.dump() : "{}";
    RETURN_IF_ERROR(store::AppendEvent(tx, e, &clock_));
    return Status::Ok();
  });
}

}  // namespace parcours::auth
