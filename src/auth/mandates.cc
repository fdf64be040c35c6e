// Mandates that people control: a usager grants an aidant (or a counter agent) a
// time-limited, scoped mandate, identified by the holder's "code aidant", and revokes it.
// Every grant and revocation is an event written in the same transaction as the change.
#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "encoding.h"
#include "parcours/auth/auth.h"
#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/base/json.h"
#include "parcours/store/events.h"

namespace parcours::auth {
namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;

int CrockfordValue(char c) {
  const auto pos = kCrockford.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// Weighted sum modulo 31 over the seven data characters: catches any single wrong character
// and any swap of two neighbours.
char CheckCharacter(std::string_view data) {
  int sum = 0;
  for (std::size_t i = 0; i < data.size(); ++i) sum += static_cast<int>(i + 1) * CrockfordValue(data[i]);
  return kCrockford[sum % 31];
}

std::string NewHolderCode() {
  if (sodium_init() < 0) return "";  // never: libsodium initialises once per process
  std::string data;
  for (int i = 0; i < 7; ++i) data.push_back(kCrockford[randombytes_uniform(32)]);
  data.push_back(CheckCharacter(data));
  return data.substr(0, 4) + "-" + data.substr(4);
}

// "k7qm 2xpa" -> "K7QM-2XPA"; nullopt when the text cannot be a code.
std::optional<std::string> NormaliseCode(std::string_view text) {
  std::string data;
  for (char raw : text.substr(0, 64)) {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
    if (c == ' ' || c == '-' || c == '.') continue;
    const char mapped = c == 'O' ? '0' : (c == 'I' || c == 'L') ? '1' : c;
    if (CrockfordValue(mapped) < 0) return std::nullopt;
    data.push_back(mapped);
  }
  if (data.size() != 8 || CheckCharacter(data.substr(0, 7)) != data[7]) return std::nullopt;
  return data.substr(0, 4) + "-" + data.substr(4);
}

Status UnknownHolder() {
  return NotFound("auth.holder_unknown",
                  "Aucun aidant ni agent ne correspond à ce code : vérifiez-le auprès de la personne qui vous aide.")
      .WithField("holder_code", "Code aidant inconnu.");
}

bool IsHolderRole(std::string_view role) { return role == "aidant" || role == "agent"; }

// Each scope once, in the order asked (a mandate for ["vault", "vault"] is one for ["vault"]).
std::vector<std::string> UniqueScopes(const std::vector<std::string>& asked) {
  std::vector<std::string> scopes;
  for (const std::string& s : asked) {
    if (std::find(scopes.begin(), scopes.end(), s) == scopes.end()) scopes.push_back(s);
  }
  return scopes;
}

}  // namespace

Result<std::string> Auth::GrantMandate(const std::string& holder_user_id, const std::string& person_id,
                                       const std::vector<std::string>& asked_scopes, int64_t ends_ms,
                                       const std::string& actor) {
  const int64_t now = clock_.NowMillis();
  const std::vector<std::string> scopes = UniqueScopes(asked_scopes);
  if (person_id.empty() || ends_ms <= now) {
    return InvalidArgument("auth.mandate_invalid", "Un mandat désigne une personne et une date de fin future.");
  }
  if (ends_ms - now > int64_t{options_.mandate_max_days} * kDayMs) {
    return InvalidArgument("auth.mandate_too_long", "Un mandat dure au plus " +
                                                        std::to_string(options_.mandate_max_days) + " jours.")
        .WithField("duration_days", "Durée trop longue.");
  }
  if (scopes.empty() || scopes.size() > 10 ||
      !std::all_of(scopes.begin(), scopes.end(), [](const std::string& s) { return s == "*" || IsMandateScope(s); })) {
    return InvalidArgument("auth.mandate_scope",
                           "Choisissez ce que le mandat permet : vault, journeys, declarations (ou * pour tout).")
        .WithField("scopes", "Choisissez au moins une démarche.");
  }
  const std::string id = NewId(&clock_);
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(auto holder, tx.Query("SELECT u.disabled_at_ms, r.role FROM auth_users u "
                                           "JOIN auth_user_roles r ON r.user_id = u.id WHERE u.id = $1",
                                           {holder_user_id}));
    const bool eligible = std::any_of(holder.begin(), holder.end(), [](const store::Row& r) {
      return r.IsNull(0) && IsHolderRole(r.Text(1));
    });
    if (!eligible) return UnknownHolder();
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO auth_mandates (id, holder_user_id, person_id, scopes, starts_at_ms, "
        "ends_at_ms, created_at_ms, granted_by) VALUES ($1, $2, $3, $4, $5, $6, $5, $7)",
        {id, holder_user_id, person_id, nlohmann::json(scopes).dump(), now, ends_ms, actor}));
    store::Event e;
    e.type = "fr.parcours.auth.mandate.granted";
    e.source = "/auth";
    e.subject = id;
    e.person_id = person_id;
    e.actor = actor;
    e.channel = "web";
    e.data_json = nlohmann::json{{"holder", holder_user_id}, {"scopes", scopes}, {"ends_ms", ends_ms}}.dump();
    RETURN_IF_ERROR(store::AppendEvent(tx, e, &clock_));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return id;
}

Result<std::string> Auth::HolderCode(const std::string& user_id) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::string code;
    Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
      ASSIGN_OR_RETURN(auto user, tx.QueryOne("SELECT holder_code FROM auth_users WHERE id = $1", {user_id},
                                              "auth.user_unknown", "Compte inconnu."));
      ASSIGN_OR_RETURN(auto roles, tx.Query("SELECT role FROM auth_user_roles WHERE user_id = $1", {user_id}));
      if (!std::any_of(roles.begin(), roles.end(), [](const store::Row& r) { return IsHolderRole(r.Text(0)); })) {
        return PermissionDenied("auth.not_a_holder", "Seuls les aidants et les agents reçoivent des mandats.");
      }
      if (auto existing = user.OptText(0); existing && !existing->empty()) {
        code = *existing;
        return Status::Ok();
      }
      code = NewHolderCode();
      if (code.empty()) return Internal("auth.holder_code", "Impossible d'attribuer un code aidant.");
      RETURN_IF_ERROR(tx.Execute("UPDATE auth_users SET holder_code = $1 WHERE id = $2", {code, user_id}));
      return Status::Ok();
    });
    if (s.ok()) return code;
    if (s.code() != StatusCode::kConflict) return s;  // a code already taken: draw another
  }
  return Internal("auth.holder_code", "Impossible d'attribuer un code aidant.");
}

Result<UserInfo> Auth::FindHolder(std::string_view text) {
  auto code = NormaliseCode(text);
  if (!code) return UnknownHolder();
  std::string user_id;
  {
    ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
    ASSIGN_OR_RETURN(auto rows, tx->Query("SELECT id FROM auth_users WHERE holder_code = $1", {*code}));
    if (rows.empty()) return UnknownHolder();
    user_id = rows[0].Text(0);
  }
  ASSIGN_OR_RETURN(UserInfo user, GetUser(user_id));
  const bool holder = std::any_of(user.roles.begin(), user.roles.end(), [](const RoleGrant& g) {
    return g.role == Role::kAidant || g.role == Role::kAgent;
  });
  if (user.disabled_at_ms || !holder) return UnknownHolder();
  return user;
}

Result<MandateInfo> Auth::GrantMandateByCode(const std::string& person_id, std::string_view code,
                                             const std::vector<std::string>& scopes, int days,
                                             const std::string& actor) {
  if (days < 1 || days > options_.mandate_max_days) {
    return InvalidArgument(days < 1 ? "auth.mandate_too_short" : "auth.mandate_too_long", "Un mandat dure de 1 à " +
                                                        std::to_string(options_.mandate_max_days) + " jours.")
        .WithField("duration_days", "Durée de 1 à " + std::to_string(options_.mandate_max_days) + " jours.");
  }
  ASSIGN_OR_RETURN(UserInfo holder, FindHolder(code));
  const int64_t now = clock_.NowMillis();
  ASSIGN_OR_RETURN(std::string id, GrantMandate(holder.id, person_id, scopes, now + days * kDayMs, actor));
  MandateInfo m;
  m.id = id;
  m.person_id = person_id;
  m.holder_user_id = holder.id;
  m.holder_name = holder.display_name;
  for (const auto& g : holder.roles) {
    if (!g.organisation_id.empty()) m.holder_organisation = g.organisation_id;
  }
  m.scopes = UniqueScopes(scopes);
  m.starts_ms = now;
  m.ends_ms = now + days * kDayMs;
  m.granted_by = actor;
  return m;
}

Status Auth::RevokeMandate(const std::string& mandate_id, const std::string& person_id, const std::string& actor) {
  const int64_t now = clock_.NowMillis();
  return db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("UPDATE auth_mandates SET revoked_at_ms = $1, revoked_by = $2 "
                                         "WHERE id = $3 AND person_id = $4 AND revoked_at_ms IS NULL "
                                         "AND ends_at_ms > $1 RETURNING holder_user_id",
                                         {now, actor, mandate_id, person_id}));
    if (rows.empty()) return NotFound("auth.mandate_unknown", "Mandat introuvable ou déjà terminé.");
    store::Event e;
    e.type = "fr.parcours.auth.mandate.revoked";
    e.source = "/auth";
    e.subject = mandate_id;
    e.person_id = person_id;
    e.actor = actor;
    e.channel = "web";
    e.data_json = nlohmann::json{{"holder", rows[0].Text(0)}}.dump();
    RETURN_IF_ERROR(store::AppendEvent(tx, e, &clock_));
    return Status::Ok();
  });
}

Result<std::vector<MandateInfo>> Auth::ListMandates(const std::string& person_id, int limit) {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(
      auto rows,
      tx->Query("SELECT m.id, m.holder_user_id, u.display_name, m.scopes, m.starts_at_ms, m.ends_at_ms, "
                "m.revoked_at_ms, m.granted_by, m.revoked_by, "
                "(SELECT MAX(r.organisation_id) FROM auth_user_roles r WHERE r.user_id = m.holder_user_id) "
                "FROM auth_mandates m JOIN auth_users u ON u.id = m.holder_user_id WHERE m.person_id = $1 "
                "ORDER BY m.created_at_ms DESC, m.id DESC LIMIT $2",
                {person_id, int64_t{std::clamp(limit, 1, 1000)}}));
  std::vector<MandateInfo> out;
  for (const auto& r : rows) {
    MandateInfo m;
    m.id = r.Text(0);
    m.person_id = person_id;
    m.holder_user_id = r.Text(1);
    m.holder_name = r.Text(2);
    m.scopes = detail::JsonStrings(r.Text(3));
    m.starts_ms = r.Int(4);
    m.ends_ms = r.Int(5);
    m.revoked_ms = r.OptInt(6);
    m.granted_by = r.Text(7);
    m.revoked_by = r.Text(8);
    m.holder_organisation = r.Text(9);
    out.push_back(std::move(m));
  }
  const int64_t now = clock_.NowMillis();
  std::stable_partition(out.begin(), out.end(), [now](const MandateInfo& m) { return m.InForce(now); });
  return out;
}

}  // namespace parcours::auth
