// The person's rights: transparency (access log), portability (export), erasure.
#include <cstdlib>

#include "parcours/base/clock.h"
#include "vault_impl.h"

namespace parcours::vault {
namespace detail {
namespace {

std::string Time(int64_t ms) { return FormatRfc3339(TimePoint(std::chrono::milliseconds(ms))); }

nlohmann::json RecordJson(const AttributeRecord& r) {
  nlohmann::json j = {{"name", r.name},
                      {"type", AttributeTypeName(r.type)},
                      {"value", r.value},
                      {"provenance", {{"kind", ProvenanceKindName(r.provenance.kind)}, {"source", r.provenance.source}}},
                      {"verification", VerificationName(r.verification)},
                      {"collected_at", Time(r.collected_at_ms)},
                      {"version", r.version}};
  if (r.valid_until_ms) j["valid_until"] = Time(*r.valid_until_ms);
  return j;
}

}  // namespace

Result<std::vector<AccessEntry>> VaultImpl::AccessLog(const Actor& actor, const std::string& person_id, int limit) {
  std::vector<AccessEntry> out;
  if (limit <= 0 || limit > 1000) limit = 1000;
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(store::Rows rows, tx.Query("SELECT 1 FROM vault_persons WHERE id = $1", {person_id}));
    if (rows.empty()) return NotFound("vault.unknown_person", "Personne inconnue.");
    RETURN_IF_ERROR(Authorize(tx, Now(), actor, person_id, "transparency", {}, Operation::kManage));
    ASSIGN_OR_RETURN(out, ReadAccessLog(tx, person_id, limit));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<nlohmann::json> VaultImpl::Export(const Actor& actor, const std::string& person_id) {
  nlohmann::json out;
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    ASSIGN_OR_RETURN(std::vector<std::string> names, StoredNames(tx, person_id));
    ASSIGN_OR_RETURN(Decision d, Authorize(tx, Now(), actor, person_id, "export", names, Operation::kManage));
    ASSIGN_OR_RETURN(auto records, LoadCurrent(tx, person_id, {}));
    nlohmann::json attributes = nlohmann::json::array();
    for (const auto& r : records) {
      nlohmann::json j = RecordJson(r);
      ASSIGN_OR_RETURN(store::Rows hist, tx.Query("SELECT * FROM vault_attribute_history WHERE person_id = $1 AND "
                                                  "name = $2 ORDER BY version DESC",
                                                  {person_id, r.name}));
      nlohmann::json previous = nlohmann::json::array();
      for (const auto& row : hist) {
        ASSIGN_OR_RETURN(AttributeRecord h, DecodeAttribute(row, person_id, *registry_, keys_));
        nlohmann::json hj = RecordJson(h);
        hj["replaced_at"] = Time(row.Int("replaced_at_ms"));
        previous.push_back(std::move(hj));
      }
      j["history"] = std::move(previous);
      attributes.push_back(std::move(j));
    }
    ASSIGN_OR_RETURN(auto household, LoadHousehold(tx, person_id));
    nlohmann::json hh = nullptr;
    if (household) {
      hh = {{"id", household->id}, {"label", household->label}, {"members", nlohmann::json::array()}};
      for (const auto& m : household->members) {
        hh["members"].push_back({{"person_id", m.person_id},
                                 {"role", MemberRoleName(m.role)},
                                 {"first_name", m.first_name},
                                 {"birth_date", m.birth_date ? nlohmann::json(*m.birth_date) : nlohmann::json()}});
      }
    }
    ASSIGN_OR_RETURN(auto consents, LoadConsents(tx, person_id));
    nlohmann::json cj = nlohmann::json::array();
    for (const auto& c : consents) {
      nlohmann::json j = {{"id", c.id},         {"service_id", c.service_id}, {"purpose", c.purpose},
                          {"attributes", c.attributes}, {"channel", c.channel}, {"granted_at", Time(c.granted_at_ms)},
                          {"active", c.active}};
      if (c.expires_at_ms) j["expires_at"] = Time(*c.expires_at_ms);
      if (c.revoked_at_ms) j["revoked_at"] = Time(*c.revoked_at_ms);
      cj.push_back(std::move(j));
    }
    ASSIGN_OR_RETURN(auto log, ReadAccessLog(tx, person_id, 100000));
    nlohmann::json lj = nlohmann::json::array();
    for (const auto& e : log) {
      lj.push_back({{"time", Time(e.time_ms)},
                    {"actor", e.actor.ToString()},
                    {"action", AccessActionName(e.action)},
                    {"attributes", e.attributes},
                    {"purpose", e.purpose},
                    {"legal_basis", e.legal_basis},
                    {"service_id", e.service_id}});
    }
    out = {{"format", "parcours.vault.export/1"},
           {"person_id", person_id},
           {"exported_at", Time(Now())},
           {"attributes", std::move(attributes)},
           {"household", std::move(hh)},
           {"consents", std::move(cj)},
           {"access_log", std::move(lj)}};
    return LogAccess(tx, d, actor, person_id, AccessAction::kExport, {"export", "Export de vos données", "web"});
  });
  if (!s.ok()) return s;
  return out;
}

Result<ErasureReport> VaultImpl::Erase(const Actor& actor, const std::string& person_id) {
  ErasureReport report;
  if (!actor.IsSelf(person_id)) {
    return PermissionDenied("vault.erase_self_only", "Seule la personne elle-même peut demander l'effacement de ses données.");
  }
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    report = ErasureReport{};
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    ASSIGN_OR_RETURN(report.erased, StoredNames(tx, person_id));
    RETURN_IF_ERROR(tx.Execute("DELETE FROM vault_attributes WHERE person_id = $1", {person_id}));
    RETURN_IF_ERROR(tx.Execute("DELETE FROM vault_attribute_history WHERE person_id = $1", {person_id}));
    ASSIGN_OR_RETURN(int64_t members, tx.Execute("DELETE FROM vault_household_members WHERE person_id = $1", {person_id}));
    if (members > 0) report.erased.push_back(kHouseholdAttribute);
    RETURN_IF_ERROR(tx.Execute("UPDATE vault_consents SET revoked_at_ms = $1, revoked_by = $2 WHERE person_id = $3 "
                               "AND revoked_at_ms IS NULL",
                               {Now(), actor.ToString(), person_id}));
    RETURN_IF_ERROR(tx.Execute("UPDATE vault_persons SET erased_at_ms = $1 WHERE id = $2", {Now(), person_id}));
    report.kept = {
        "Le journal des accès à vos données : il prouve qui les a consultées et pourquoi (RGPD art. 5.2 et 17.3 b).",
        "La trace de vos consentements, tous retirés : elle prouve ce que vous aviez accepté (RGPD art. 7.1).",
        "Les démarches déjà transmises aux organismes : chacun les conserve selon ses propres obligations légales.",
    };
    return Emit(tx, "person_erased", person_id, actor, "web", {{"attributes", report.erased}});
  });
  if (!s.ok()) return s;
  return report;
}

}  // namespace detail

std::unique_ptr<Vault> NewVault(store::Database& db, const Clock& clock, KeyRing keys,
                                std::shared_ptr<const AttributeRegistry> registry) {
  return std::make_unique<detail::VaultImpl>(db, clock, std::move(keys), std::move(registry));
}

Result<std::unique_ptr<Vault>> OpenVault(store::Database& db, const Clock& clock, const std::string& fallback_key_file,
                                         std::shared_ptr<const AttributeRegistry> registry) {
  Result<KeyRing> keys = KeyRing::FromEnvironment();
  if (!keys.ok() && keys.status().reason() == "vault.no_key" && !std::getenv("PARCOURS_VAULT_KEYS")) {
    keys = KeyRing::LoadOrCreateFile(fallback_key_file);
  }
  if (!keys.ok()) return keys.status();
  if (!registry) registry = std::make_shared<const AttributeRegistry>(AttributeRegistry::Default());
  return NewVault(db, clock, std::move(keys).value(), std::move(registry));
}

}  // namespace parcours::vault
