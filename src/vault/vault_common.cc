// Shared plumbing of the Vault implementation: persons, events, access logging, decoding.
#include <ctime>
#include <set>

#include "vault_impl.h"

namespace parcours::vault::detail {

std::string SealContext(const std::string& person_id, const std::string& name) {
  return person_id + '\x1f' + name;
}

std::string DateOf(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

Result<AttributeRecord> DecodeAttribute(const store::Row& row, const std::string& person_id,
                                        const AttributeRegistry& registry, const KeyRing& keys) {
  AttributeRecord r;
  r.name = row.Text("name");
  const AttributeDef* def = registry.Find(r.name);
  if (def) r.type = def->type;
  else {
    auto type = ParseAttributeType(row.Text("type"));
    r.type = type.ok() ? *type : AttributeType::kText;
  }
  if (!row.IsNull("value_cipher")) {
    r.sensitive = true;
    ASSIGN_OR_RETURN(r.value, keys.Open(SealContext(person_id, r.name),
                                        Sealed{row.Text("key_id"), row.Bytes("value_cipher")}));
  } else {
    r.value = row.Text("value_text");
  }
  auto kind = ParseProvenanceKind(row.Text("provenance_kind"));
  r.provenance.kind = kind.ok() ? *kind : ProvenanceKind::kDeclared;
  r.provenance.source = row.Text("provenance_source");
  auto ver = ParseVerification(row.Text("verification"));
  r.verification = ver.ok() ? *ver : Verification::kUnverified;
  r.collected_at_ms = row.Int("collected_at_ms");
  r.valid_until_ms = row.OptInt("valid_until_ms");
  r.version = row.Int("version");
  return r;
}

Status VaultImpl::RequireLivePerson(store::Transaction& tx, const std::string& person_id) const {
  ASSIGN_OR_RETURN(store::Rows rows, tx.Query("SELECT erased_at_ms FROM vault_persons WHERE id = $1", {person_id}));
  if (rows.empty()) return NotFound("vault.unknown_person", "Personne inconnue.");
  if (!rows[0].IsNull(0)) {
    return Conflict("vault.person_erased", "Les données de cette personne ont été effacées à sa demande.");
  }
  return Status::Ok();
}

Status VaultImpl::Emit(store::Transaction& tx, const std::string& what, const std::string& person_id,
                       const Actor& actor, const std::string& channel, nlohmann::json data) const {
  store::Event e;
  e.type = "fr.parcours.vault." + what;
  e.source = "/vault";
  e.subject = person_id;
  e.person_id = person_id;
  e.actor = actor.ToString();
  e.channel = channel.empty() ? "web" : channel;
  e.data_json = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return store::AppendEvent(tx, std::move(e), &clock_).status();
}

Status VaultImpl::LogAccess(store::Transaction& tx, const Decision& d, const Actor& actor,
                            const std::string& person_id, AccessAction action, const Purpose& purpose) const {
  if (!d.log) return Status::Ok();
  AccessEntry e;
  e.person_id = person_id;
  e.actor = actor;
  e.purpose = purpose.label.empty() ? purpose.code : purpose.label;
  e.legal_basis = d.legal_basis;
  e.service_id = d.service_id;
  if (!d.allowed.empty()) {
    e.action = action;
    e.attributes = d.allowed;
    RETURN_IF_ERROR(AppendAccess(tx, e, Now()));
  }
  if (!d.denied.empty()) {
    e.id.clear();
    e.action = AccessAction::kDenied;
    e.attributes = d.denied;
    RETURN_IF_ERROR(AppendAccess(tx, e, Now()));
  }
  return Status::Ok();
}

Result<std::vector<std::string>> VaultImpl::StoredNames(store::Transaction& tx, const std::string& person_id) const {
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx.Query("SELECT name FROM vault_attributes WHERE person_id = $1 ORDER BY name", {person_id}));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.Text(0));
  return out;
}

Result<std::vector<AttributeRecord>> VaultImpl::LoadCurrent(store::Transaction& tx, const std::string& person_id,
                                                            const std::vector<std::string>& names) const {
  // Only the rows asked for are read and decrypted.
  std::string sql = "SELECT * FROM vault_attributes WHERE person_id = $1";
  std::vector<store::Value> params = {person_id};
  if (!names.empty()) {
    sql += " AND name IN (";
    for (std::size_t i = 0; i < names.size(); ++i) {
      sql += (i ? ", $" : "$") + std::to_string(i + 2);
      params.emplace_back(names[i]);
    }
    sql += ")";
  }
  ASSIGN_OR_RETURN(store::Rows rows, tx.Query(sql, std::span<const store::Value>(params)));
  std::map<std::string, AttributeRecord> by_name;
  for (const auto& row : rows) {
    ASSIGN_OR_RETURN(AttributeRecord r, DecodeAttribute(row, person_id, *registry_, keys_));
    r.updated_at_ms = row.Int("updated_at_ms");
    by_name[r.name] = std::move(r);
  }
  std::vector<AttributeRecord> out;
  if (names.empty()) {
    for (auto& [name, r] : by_name) out.push_back(std::move(r));
  } else {
    for (const auto& n : names) {
      auto it = by_name.find(n);
      if (it != by_name.end()) out.push_back(it->second);
    }
  }
  return out;
}

Result<std::vector<AttributeRecord>> VaultImpl::GatedRead(store::Transaction& tx, const Actor& actor,
                                                          const std::string& person_id,
                                                          std::vector<std::string> names, const Purpose& purpose,
                                                          Decision* decision) const {
  RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
  if (names.empty()) {
    ASSIGN_OR_RETURN(names, StoredNames(tx, person_id));
  }
  ASSIGN_OR_RETURN(Decision d, Authorize(tx, Now(), actor, person_id, purpose.code, names, Operation::kRead));
  std::vector<AttributeRecord> out;
  // The household is not a stored attribute: it is released, and logged, as one name.
  std::vector<std::string> values;
  for (const auto& n : d.allowed) if (n != kHouseholdAttribute) values.push_back(n);
  if (!values.empty()) {
    ASSIGN_OR_RETURN(out, LoadCurrent(tx, person_id, values));
  }
  // The log names what was released: the values found (and the household), not every name
  // asked for (a journey asks for every question of the catalogue).
  Decision logged = d;
  logged.allowed.clear();
  std::set<std::string> found;
  for (const auto& r : out) found.insert(r.name);
  for (const auto& n : d.allowed) {
    if (n == kHouseholdAttribute || found.count(n)) logged.allowed.push_back(n);
  }
  RETURN_IF_ERROR(LogAccess(tx, logged, actor, person_id, AccessAction::kRead, purpose));
  if (decision) *decision = std::move(d);
  return out;
}

}  // namespace parcours::vault::detail
