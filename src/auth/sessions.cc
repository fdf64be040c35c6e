#include "encoding.h"
#include "parcours/auth/auth.h"
#include "parcours/base/clock.h"

namespace parcours::auth {

Result<NewSession> Auth::StartSessionIn(store::Transaction& tx, const std::string& user_id,
                                        const std::string& provider, const std::string& acr,
                                        const std::string& id_token, bool demo) {
  // A disabled account gets no session, whichever way it logs in (the caller audits).
  ASSIGN_OR_RETURN(auto user, tx.QueryOne("SELECT disabled_at_ms FROM auth_users WHERE id = $1", {user_id},
                                          "auth.user_unknown", "Compte inconnu."));
  if (!user.IsNull(0)) return PermissionDenied("auth.user_disabled", "Ce compte est désactivé.");
  NewSession s;
  s.cookie_value = detail::RandomToken(32);
  s.csrf_token = detail::RandomToken(32);
  s.user_id = user_id;
  const int64_t now = clock_.NowMillis();
  RETURN_IF_ERROR(tx.Execute(
      "INSERT INTO auth_sessions (id_hash, user_id, csrf_token, provider, acr, id_token, demo, "
      "created_at_ms, last_seen_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)",
      {detail::Sha256Hex(s.cookie_value), user_id, s.csrf_token, provider, acr, id_token,
       int64_t{demo ? 1 : 0}, now, now + options_.session_absolute.count()}));
  // Expired sessions are removed as new ones start (bounded table growth): this user's idle
  // ones, and everyone's past their absolute expiry (indexed).
  RETURN_IF_ERROR(tx.Execute(
      "DELETE FROM auth_sessions WHERE user_id = $1 AND (expires_at_ms <= $2 OR last_seen_ms <= $3)",
      {user_id, now, now - options_.session_idle.count()}));
  RETURN_IF_ERROR(tx.Execute("DELETE FROM auth_sessions WHERE expires_at_ms <= $1", {now}));
  return s;
}

Result<NewSession> Auth::StartSession(const std::string& user_id, const std::string& provider,
                                      const std::string& acr, const std::string& id_token, bool demo,
                                      const ClientInfo& client) {
  NewSession session;
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(session, StartSessionIn(tx, user_id, provider, acr, id_token, demo));
    return Status::Ok();
  });
  if (!s.ok()) {
    Audit(s.reason() == "auth.user_disabled" ? "login.refused_disabled" : "login.failed", "user:" + user_id,
          user_id, "", {{"provider", provider}, {"reason", s.reason()}, {"address", client.address}});
    return s;
  }
  Audit("login.succeeded", "user:" + user_id, user_id, "",
        {{"provider", provider}, {"address", client.address}});
  return session;
}

Result<std::shared_ptr<const Principal>> Auth::ResumeSession(const std::string& cookie_value) {
  auto unknown = [] {
    return Unauthenticated("auth.session_unknown", "Session inconnue : reconnectez-vous.");
  };
  if (cookie_value.size() < 32 || cookie_value.size() > 64) return unknown();
  const std::string id_hash = detail::Sha256Hex(cookie_value);
  const int64_t now = clock_.NowMillis();
  std::shared_ptr<Principal> p;
  int64_t last_seen = 0;
  {
    // One read transaction: the session row, then its user's roles and mandates.
    ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
    auto row = tx->QueryOne(
        "SELECT user_id, csrf_token, provider, acr, demo, last_seen_ms, expires_at_ms "
        "FROM auth_sessions WHERE id_hash = $1",
        {id_hash});
    if (!row.ok()) return row.status().code() == StatusCode::kNotFound ? unknown() : row.status();
    last_seen = row->Int("last_seen_ms");
    if (row->Int("expires_at_ms") <= now || last_seen + options_.session_idle.count() <= now) {
      return Unauthenticated("auth.session_expired", "Votre session a expiré : reconnectez-vous.");
    }
    auto loaded = LoadPrincipalIn(*tx, row->Text("user_id"));
    if (!loaded.ok()) {
      // A disabled or removed account ends its sessions.
      const StatusCode code = loaded.status().code();
      return code == StatusCode::kPermissionDenied || code == StatusCode::kNotFound ? unknown() : loaded.status();
    }
    p = std::move(loaded).value();
    p->csrf_token = row->Text("csrf_token");
    p->provider = row->Text("provider");
    p->acr = row->Text("acr");
    p->demo = row->Bool("demo");
  }
  p->session_id = id_hash;
  p->method = AuthMethod::kSession;
  // Refresh the idle deadline at most once a minute: one write per active minute, not per request.
  if (now - last_seen < 60'000) return std::shared_ptr<const Principal>(std::move(p));
  Status touched = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(tx.Execute("UPDATE auth_sessions SET last_seen_ms = $1 WHERE id_hash = $2",
                               {now, id_hash}));
    return Status::Ok();
  });
  if (!touched.ok()) return touched;
  return std::shared_ptr<const Principal>(std::move(p));
}

Result<Auth::EndedSession> Auth::EndSession(const std::string& session_id, const std::string& actor,
                                            const ClientInfo& client) {
  EndedSession ended;
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("DELETE FROM auth_sessions WHERE id_hash = $1 "
                                         "RETURNING provider, id_token",
                                         {session_id}));
    if (!rows.empty()) {
      ended.provider = rows[0].Text(0);
      ended.id_token = rows[0].Text(1);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  Audit("logout", actor, "", "", {{"provider", ended.provider}, {"address", client.address}});
  return ended;
}

}  // namespace parcours::auth
