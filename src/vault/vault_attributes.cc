// Attribute writes, reads, history and deletion.
#include <algorithm>

#include "parcours/vault/validate.h"
#include "vault_impl.h"

namespace parcours::vault::detail {
namespace {

constexpr const char* kPostcode = "adresse . code postal";
constexpr const char* kCommune = "adresse . commune";

// Provenance and verification an actor may claim: a person declares, an agent enters, a
// service transmits; only the platform (FranceConnect import) and agencies state what they
// certify.
AttributeWrite Attribute(const Actor& actor, AttributeWrite w) {
  switch (actor.kind) {
    case ActorKind::kUsager:
      w.provenance = {ProvenanceKind::kDeclared, ""};
      w.verification = Verification::kUnverified;
      break;
    case ActorKind::kAgent:
      w.provenance = {ProvenanceKind::kAgent, actor.id};
      break;
    case ActorKind::kService:
      w.provenance.kind = ProvenanceKind::kAgency;
      if (w.provenance.source.empty()) w.provenance.source = actor.id;
      break;
    case ActorKind::kPlatform:
      break;
  }
  return w;
}

}  // namespace

Status VaultImpl::MoveToHistory(store::Transaction& tx, const std::string& person_id, const std::string& name,
                                const Actor& actor) const {
  return tx.Execute(
               "INSERT INTO vault_attribute_history (id, person_id, name, type, value_text, value_cipher, key_id, "
               "provenance_kind, provenance_source, verification, collected_at_ms, valid_until_ms, version, "
               "replaced_at_ms, replaced_by) "
               "SELECT $1, person_id, name, type, value_text, value_cipher, key_id, provenance_kind, "
               "provenance_source, verification, collected_at_ms, valid_until_ms, version, $2, $3 "
               "FROM vault_attributes WHERE person_id = $4 AND name = $5",
               {NewId(&clock_), Now(), actor.ToString(), person_id, name})
      .status();
}

Status VaultImpl::StoreValue(store::Transaction& tx, const std::string& person_id, const AttributeDef& def,
                             const std::string& canonical, const AttributeWrite& w, const AttributeRecord* previous,
                             const Actor& actor) const {
  const int64_t now = Now();
  const int64_t collected = w.collected_at_ms.value_or(now);
  std::optional<int64_t> valid_until = w.valid_until_ms;
  if (!valid_until && def.valid_days > 0) valid_until = collected + int64_t{def.valid_days} * 86'400'000;
  store::Value text, cipher, key_id;
  if (def.sensitive) {
    Sealed sealed = keys_.Seal(SealContext(person_id, def.name), canonical);
    cipher = store::Blob{std::move(sealed.bytes)};
    key_id = sealed.key_id;
  } else {
    text = canonical;
  }
  if (previous) {
    RETURN_IF_ERROR(MoveToHistory(tx, person_id, def.name, actor));
    return tx.Execute(
                 "UPDATE vault_attributes SET type = $1, value_text = $2, value_cipher = $3, key_id = $4, "
                 "provenance_kind = $5, provenance_source = $6, verification = $7, collected_at_ms = $8, "
                 "valid_until_ms = $9, updated_at_ms = $10, version = version + 1 "
                 "WHERE person_id = $11 AND name = $12",
                 {std::string(AttributeTypeName(def.type)), text, cipher, key_id,
                  std::string(ProvenanceKindName(w.provenance.kind)), w.provenance.source,
                  std::string(VerificationName(w.verification)), collected, store::Nullable(valid_until), now,
                  person_id, def.name})
        .status();
  }
  return tx.Execute(
               "INSERT INTO vault_attributes (person_id, name, type, value_text, value_cipher, key_id, "
               "provenance_kind, provenance_source, verification, collected_at_ms, valid_until_ms, updated_at_ms, "
               "version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)",
               {person_id, def.name, std::string(AttributeTypeName(def.type)), text, cipher, key_id,
                std::string(ProvenanceKindName(w.provenance.kind)), w.provenance.source,
                std::string(VerificationName(w.verification)), collected, store::Nullable(valid_until), now})
      .status();
}

Result<std::vector<std::string>> VaultImpl::ApplyWrites(store::Transaction& tx, const Actor& actor,
                                                        const std::string& person_id,
                                                        const std::vector<AttributeWrite>& writes) const {
  // 1. Validate the whole batch before touching anything.
  struct Checked {
    const AttributeDef* def;
    std::string canonical;
    AttributeWrite write;
  };
  std::vector<Checked> checked;
  Status errors = InvalidArgument("vault.invalid_values", "Certaines informations ne sont pas valides.");
  std::set<std::string> seen;
  for (const auto& raw : writes) {
    const AttributeDef* def = registry_->Find(raw.name);
    if (!def) {
      errors.WithField(FieldError{raw.name, "Cette information n'est pas prévue par le coffre de données.",
                                  kUnknownAttribute, {}});
      continue;
    }
    if (!seen.insert(raw.name).second) {
      errors.WithField(FieldError{raw.name, "Cette information est donnée deux fois.", kDuplicateAttribute, {}});
      continue;
    }
    auto canonical = CanonicalValue(*def, raw.value);
    if (!canonical.ok()) {
      errors.WithField(FieldErrorOf(canonical.status(), def->name));
      continue;
    }
    if (def->type == AttributeType::kDate && def->max_days_ahead >= 0 &&
        *canonical > DateOf(Now() + int64_t{def->max_days_ahead} * 86'400'000)) {
      errors.WithField(def->max_days_ahead == 0
                           ? FieldError{def->name, "Cette date ne peut pas être dans le futur.", kFutureDate, {}}
                           : FieldError{def->name,
                                        "Cette date ne peut pas être plus de " + std::to_string(def->max_days_ahead) +
                                            " jours dans le futur.",
                                        kDateTooFarAhead,
                                        {{"max_days_ahead", std::to_string(def->max_days_ahead)}}});
      continue;
    }
    checked.push_back({def, std::move(canonical).value(), Attribute(actor, raw)});
  }
  // 2. Address consistency on the state the batch would leave.
  if (errors.field_errors().empty()) {
    std::map<std::string, std::string> address;
    ASSIGN_OR_RETURN(auto stored, LoadCurrent(tx, person_id, {kPostcode, kCommune}));
    for (const auto& r : stored) address[r.name] = r.value;
    for (const auto& c : checked) {
      if (c.def->name == kPostcode || c.def->name == kCommune) address[c.def->name] = c.canonical;
    }
    if (address.count(kPostcode) && address.count(kCommune)) {
      Status s = CheckPostcodeCommune(address[kPostcode], address[kCommune]);
      if (!s.ok()) errors.WithField(FieldErrorOf(s, kPostcode));
    }
  }
  if (!errors.field_errors().empty()) {
    if (errors.field_errors().size() == 1) {
      const auto& f = errors.field_errors()[0];
      return InvalidArgument("vault.invalid_value", f.message).WithField(f);
    }
    return errors;
  }
  // 3. Apply, skipping values that do not change.
  std::vector<std::string> names;
  for (const auto& c : checked) names.push_back(c.def->name);
  ASSIGN_OR_RETURN(auto current, LoadCurrent(tx, person_id, names));
  std::map<std::string, AttributeRecord> by_name;
  for (auto& r : current) by_name[r.name] = std::move(r);
  std::vector<std::string> changed;
  for (const auto& c : checked) {
    auto it = by_name.find(c.def->name);
    const AttributeRecord* previous = it == by_name.end() ? nullptr : &it->second;
    // The same value again keeps its provenance, unless the new one is verified and the old
    // was not (or came from elsewhere): confirming a prefilled value never downgrades it.
    if (previous && previous->value == c.canonical) {
      const bool upgrade = c.write.verification == Verification::kVerified &&
                           (previous->verification != Verification::kVerified ||
                            previous->provenance.kind != c.write.provenance.kind ||
                            previous->provenance.source != c.write.provenance.source);
      if (!upgrade) continue;
    }
    RETURN_IF_ERROR(StoreValue(tx, person_id, *c.def, c.canonical, c.write, previous, actor));
    changed.push_back(c.def->name);
  }
  return changed;
}

Status VaultImpl::Write(const Actor& actor, const std::string& person_id, const std::vector<AttributeWrite>& writes,
                        const Purpose& purpose) {
  if (writes.empty()) return Status::Ok();
  return db_.InTransaction(
      [&](store::Transaction& tx) -> Status { return WriteIn(tx, actor, person_id, writes, purpose); });
}

Status VaultImpl::WriteIn(store::Transaction& tx, const Actor& actor, const std::string& person_id,
                          const std::vector<AttributeWrite>& writes, const Purpose& purpose) const {
  {
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    std::vector<std::string> names;
    for (const auto& w : writes) names.push_back(w.name);
    ASSIGN_OR_RETURN(Decision d, Authorize(tx, Now(), actor, person_id, purpose.code, names, Operation::kWrite));
    if (!d.denied.empty()) {
      // Nothing of a partly refused batch is written: a rejected write changes nothing.
      return PermissionDenied("vault.write_not_allowed",
                              "Ce service n'est pas autorisé à transmettre ces informations.");
    }
    ASSIGN_OR_RETURN(auto changed, ApplyWrites(tx, actor, person_id, writes));
    if (changed.empty()) return Status::Ok();
    Decision logged = d;
    logged.allowed = changed;
    RETURN_IF_ERROR(LogAccess(tx, logged, actor, person_id, AccessAction::kWrite, purpose));
    return Emit(tx, "attributes_changed", person_id, actor, purpose.channel, {{"attributes", changed}});
  }
}

Result<std::vector<AttributeRecord>> VaultImpl::Read(const Actor& actor, const std::string& person_id,
                                                     const std::vector<std::string>& names, const Purpose& purpose) {
  std::vector<AttributeRecord> out;
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(out, GatedRead(tx, actor, person_id, names, purpose, nullptr));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<AttributeRecord>> VaultImpl::ReadInTransaction(store::Transaction& tx, const Actor& actor,
                                                                  const std::string& person_id,
                                                                  const std::vector<std::string>& names,
                                                                  const Purpose& purpose) {
  return GatedRead(tx, actor, person_id, names, purpose, nullptr);
}

Result<std::vector<AttributeRecord>> VaultImpl::History(const Actor& actor, const std::string& person_id,
                                                        const std::string& name) {
  if (registry_->Find(name) == nullptr) {
    return NotFound("vault.unknown_attribute", "Cette information n'est pas prévue par le coffre de données.");
  }
  std::vector<AttributeRecord> out;
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    ASSIGN_OR_RETURN(Decision d, Authorize(tx, Now(), actor, person_id, "history", {name}, Operation::kManage));
    if (d.allowed.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(store::Rows rows,
                     tx.Query("SELECT * FROM vault_attribute_history WHERE person_id = $1 AND name = $2 "
                              "ORDER BY version DESC",
                              {person_id, name}));
    for (const auto& row : rows) {
      ASSIGN_OR_RETURN(AttributeRecord r, DecodeAttribute(row, person_id, *registry_, keys_));
      r.updated_at_ms = row.Int("replaced_at_ms");
      out.push_back(std::move(r));
    }
    return LogAccess(tx, d, actor, person_id, AccessAction::kRead, {"history", "Historique d'une information", "web"});
  });
  if (!s.ok()) return s;
  return out;
}

Status VaultImpl::Delete(const Actor& actor, const std::string& person_id, const std::string& name) {
  return db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    ASSIGN_OR_RETURN(Decision d, Authorize(tx, Now(), actor, person_id, "erasure", {name}, Operation::kManage));
    ASSIGN_OR_RETURN(int64_t n, tx.Execute("DELETE FROM vault_attributes WHERE person_id = $1 AND name = $2",
                                           {person_id, name}));
    if (n == 0) return NotFound("vault.unknown_attribute", "Cette information n'est pas enregistrée.");
    RETURN_IF_ERROR(tx.Execute("DELETE FROM vault_attribute_history WHERE person_id = $1 AND name = $2",
                               {person_id, name}));
    RETURN_IF_ERROR(LogAccess(tx, d, actor, person_id, AccessAction::kErase, {"erasure", "Effacement", "web"}));
    return Emit(tx, "attribute_erased", person_id, actor, "web", {{"attributes", {name}}});
  });
}

}  // namespace parcours::vault::detail
