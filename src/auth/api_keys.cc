#include "encoding.h"
#include "parcours/auth/auth.h"
#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/base/json.h"

namespace parcours::auth {
namespace {

Status InvalidKey() {
  return Unauthenticated("auth.api_key_invalid", "Clé d'API invalide ou révoquée.");
}

std::vector<std::string> Services(const std::string& text) {
  std::vector<std::string> out;
  auto parsed = ParseJson(text, 4);
  if (parsed.ok() && parsed->is_array()) {
    for (const auto& v : *parsed) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

}  // namespace

Result<NewApiKey> Auth::CreateApiKey(const std::string& organisation_id,
                                     const std::vector<std::string>& services, const std::string& label,
                                     const std::string& actor) {
  if (organisation_id.empty() || organisation_id.size() > 100) {
    return InvalidArgument("auth.api_key_organisation", "Une clé d'API appartient à une organisation.")
        .WithField("organisation_id", "Organisation requise.");
  }
  if (label.size() > 200 || services.size() > 100) {
    return InvalidArgument("auth.api_key_invalid_input", "Libellé ou liste de services trop longs.");
  }
  NewApiKey key;
  key.id = NewId(&clock_);
  // The prefix identifies the key for lookup and display; the rest is the secret.
  key.prefix = detail::ToHex(detail::Sha256(detail::RandomToken(16))).substr(0, 12);
  key.secret = "pk_" + key.prefix + "_" + detail::RandomToken(32);
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO auth_api_keys (id, prefix, key_hash, label, organisation_id, services, "
        "created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {key.id, key.prefix, detail::Sha256Hex(key.secret), label, organisation_id,
         nlohmann::json(services).dump(), actor, clock_.NowMillis()}));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  Audit("api_key.created", actor, key.id, "",
        {{"organisation_id", organisation_id}, {"services", services}, {"prefix", key.prefix}});
  return key;
}

Result<std::shared_ptr<const Principal>> Auth::AuthenticateApiKey(const std::string& secret,
                                                                  const ClientInfo& client) {
  auto refuse = [&](const std::string& prefix) -> Status {
    Audit("api_key.refused", "anonymous", prefix, "", {{"address", client.address}, {"prefix", prefix}});
    return InvalidKey();
  };
  // "pk_" + 12 hex + "_" + 43 base64url characters.
  if (secret.size() != 59 || secret.compare(0, 3, "pk_") != 0 || secret[15] != '_') return refuse("");
  const std::string prefix = secret.substr(3, 12);
  const int64_t now = clock_.NowMillis();
  std::optional<store::Row> row;
  {
    ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
    ASSIGN_OR_RETURN(auto rows, tx->Query("SELECT id, key_hash, label, organisation_id, services, "
                                          "revoked_at_ms, last_used_ms FROM auth_api_keys WHERE prefix = $1",
                                          {prefix}));
    if (!rows.empty()) row = rows[0];
  }
  if (!row || !row->IsNull("revoked_at_ms") ||
      !detail::ConstantTimeEquals(detail::Sha256Hex(secret), row->Text("key_hash"))) {
    return refuse(prefix);
  }
  auto p = std::make_shared<Principal>();
  p->user_id = row->Text("id");
  p->display_name = row->Text("label");
  p->method = AuthMethod::kApiKey;
  p->provider = "api_key";
  p->grants = {{Role::kIntegrateur, row->Text("organisation_id")}};
  p->services = Services(row->Text("services"));
  // Last use is recorded at minute granularity: one write per active minute, not per call.
  if (now - row->OptInt("last_used_ms").value_or(0) >= 60'000) {
    RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
      RETURN_IF_ERROR(tx.Execute("UPDATE auth_api_keys SET last_used_ms = $1 WHERE id = $2", {now, p->user_id}));
      return Status::Ok();
    }));
  }
  return std::shared_ptr<const Principal>(std::move(p));
}

Status Auth::RevokeApiKey(const std::string& id, const std::string& organisation_id, const std::string& actor) {
  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Execute("UPDATE auth_api_keys SET revoked_at_ms = $1 WHERE id = $2 "
                                           "AND organisation_id = $3 AND revoked_at_ms IS NULL",
                                           {clock_.NowMillis(), id, organisation_id}));
    if (n == 0) return NotFound("auth.api_key_unknown", "Clé d'API inconnue ou déjà révoquée.");
    return Status::Ok();
  }));
  Audit("api_key.revoked", actor, id, "", {{"organisation_id", organisation_id}});
  return Status::Ok();
}

Result<std::vector<ApiKeyInfo>> Auth::ListApiKeys(const std::string& organisation_id) {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(auto rows, tx->Query("SELECT id, prefix, label, organisation_id, services, created_at_ms, "
                                        "revoked_at_ms, last_used_ms FROM auth_api_keys "
                                        "WHERE organisation_id = $1 ORDER BY created_at_ms, id",
                                        {organisation_id}));
  std::vector<ApiKeyInfo> out;
  for (const auto& r : rows) {
    out.push_back({r.Text("id"), r.Text("prefix"), r.Text("label"), r.Text("organisation_id"),
                   Services(r.Text("services")), r.Int("created_at_ms"), r.OptInt("revoked_at_ms"),
                   r.OptInt("last_used_ms")});
  }
  return out;
}

}  // namespace parcours::auth
