// Service declarations and consents.
#include <algorithm>

#include "vault_impl.h"

namespace parcours::vault::detail {
namespace {

std::vector<std::string> Names(const std::string& json_text) {
  std::vector<std::string> out;
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_array()) {
    for (const auto& n : j) if (n.is_string()) out.push_back(n.get<std::string>());
  }
  return out;
}

std::string Json(const std::vector<std::string>& names) {
  return nlohmann::json(names).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool ValidSlug(const std::string& s) {
  if (s.empty() || s.size() > 100) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
  });
}

}  // namespace

Status VaultImpl::RegisterService(const Actor& actor, const ServicePurpose& decl) {
  if (actor.kind != ActorKind::kPlatform && !(actor.kind == ActorKind::kService && actor.id == decl.service_id)) {
    return PermissionDenied("vault.cannot_declare", "Seul le service lui-même ou la plateforme déclare ses besoins.");
  }
  Status errors = InvalidArgument("vault.bad_declaration", "La déclaration du service n'est pas valide.");
  if (!ValidSlug(decl.service_id)) errors.WithField("service_id", "Identifiant en minuscules, chiffres, « - », « . » ou « _ ».");
  if (!ValidSlug(decl.purpose)) errors.WithField("purpose", "Finalité en minuscules, chiffres, « - », « . » ou « _ ».");
  if (decl.service_name.empty()) errors.WithField("service_name", "Le nom du service est obligatoire.");
  if (decl.agency.empty()) errors.WithField("agency", "L'organisme est obligatoire.");
  if (decl.purpose_label.empty()) errors.WithField("purpose_label", "La finalité doit être décrite.");
  if (decl.legal_basis.empty()) errors.WithField("legal_basis", "La base légale est obligatoire.");
  if (decl.attributes.empty()) errors.WithField("attributes", "Déclarez au moins une information.");
  for (const auto& a : decl.attributes) {
    if (a != kHouseholdAttribute && !registry_->Find(a)) {
      errors.WithField("attributes", "Information inconnue du coffre : « " + a + " ».");
    }
  }
  if (!errors.field_errors().empty()) return errors;
  return db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(tx.Execute("DELETE FROM vault_service_purposes WHERE service_id = $1 AND purpose = $2",
                               {decl.service_id, decl.purpose}));
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO vault_service_purposes (service_id, purpose, service_name, agency, purpose_label, legal_basis, "
        "attributes_json, updated_at_ms, purpose_label_en, service_name_en) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        {decl.service_id, decl.purpose, decl.service_name, decl.agency, decl.purpose_label, decl.legal_basis,
         Json(decl.attributes), Now(), decl.purpose_label_en, decl.service_name_en}));
    store::Event e;
    e.type = "fr.parcours.vault.service_declared";
    e.source = "/vault";
    e.subject = decl.service_id;
    e.actor = actor.ToString();
    e.channel = "system";
    e.data_json = nlohmann::json{{"service_id", decl.service_id}, {"purpose", decl.purpose},
                                 {"attributes", decl.attributes}}
                      .dump();
    return store::AppendEvent(tx, std::move(e), &clock_).status();
  });
}

Result<std::vector<ServicePurpose>> VaultImpl::ListServices() {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx->Query("SELECT * FROM vault_service_purposes ORDER BY agency, service_id, purpose", {}));
  std::vector<ServicePurpose> out;
  for (const auto& r : rows) {
    out.push_back({r.Text("service_id"), r.Text("purpose"), r.Text("service_name"), r.Text("agency"),
                   r.Text("purpose_label"), r.Text("legal_basis"), Names(r.Text("attributes_json")),
                   r.Text("purpose_label_en"), r.Text("service_name_en")});
  }
  return out;
}

Result<std::vector<Consent>> VaultImpl::LoadConsents(store::Transaction& tx, const std::string& person_id) const {
  ASSIGN_OR_RETURN(store::Rows rows, tx.Query("SELECT * FROM vault_consents WHERE person_id = $1 "
                                              "ORDER BY granted_at_ms DESC, id DESC",
                                              {person_id}));
  const int64_t now = Now();
  std::vector<Consent> out;
  for (const auto& r : rows) {
    Consent c;
    c.id = r.Text("id");
    c.person_id = person_id;
    c.service_id = r.Text("service_id");
    c.purpose = r.Text("purpose");
    c.attributes = Names(r.Text("attributes_json"));
    c.channel = r.Text("channel");
    c.granted_by = r.Text("granted_by");
    c.granted_at_ms = r.Int("granted_at_ms");
    c.expires_at_ms = r.OptInt("expires_at_ms");
    c.revoked_at_ms = r.OptInt("revoked_at_ms");
    c.active = !c.revoked_at_ms && (!c.expires_at_ms || *c.expires_at_ms > now);
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::string> VaultImpl::GrantConsent(const Actor& actor, const std::string& person_id,
                                            const ConsentGrant& grant) {
  std::string id = NewId(&clock_);
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    RETURN_IF_ERROR(Authorize(tx, Now(), actor, person_id, grant.purpose, {}, Operation::kManage));
    ASSIGN_OR_RETURN(store::Rows decl, tx.Query("SELECT attributes_json FROM vault_service_purposes WHERE "
                                                "service_id = $1 AND purpose = $2",
                                                {grant.service_id, grant.purpose}));
    if (decl.empty()) {
      return NotFound("vault.unknown_service", "Ce service n'a pas déclaré cette finalité.").WithField("service_id", "Service ou finalité inconnus.");
    }
    const std::vector<std::string> declared = Names(decl[0].Text(0));
    std::vector<std::string> shared = grant.attributes.empty() ? declared : grant.attributes;
    for (const auto& a : shared) {
      if (std::find(declared.begin(), declared.end(), a) == declared.end()) {
        return InvalidArgument("vault.consent_not_declared",
                               "Le service n'a pas déclaré avoir besoin de « " + a + " » pour cette finalité.")
            .WithField("attributes", "Information non déclarée par le service.");
      }
    }
    if (grant.expires_at_ms && *grant.expires_at_ms <= Now()) {
      return InvalidArgument("vault.consent_expired", "La date de fin du consentement doit être dans le futur.")
          .WithField("expires_at", "Date passée.");
    }
    // A new consent for the same service and purpose replaces the active one.
    RETURN_IF_ERROR(tx.Execute("UPDATE vault_consents SET revoked_at_ms = $1, revoked_by = $2 WHERE person_id = $3 "
                               "AND service_id = $4 AND purpose = $5 AND revoked_at_ms IS NULL",
                               {Now(), actor.ToString(), person_id, grant.service_id, grant.purpose}));
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO vault_consents (id, person_id, service_id, purpose, attributes_json, channel, granted_by, "
        "granted_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        {id, person_id, grant.service_id, grant.purpose, Json(shared), grant.channel, actor.ToString(), Now(),
         store::Nullable(grant.expires_at_ms)}));
    return Emit(tx, "consent_granted", person_id, actor, grant.channel,
                {{"consent_id", id}, {"service_id", grant.service_id}, {"purpose", grant.purpose},
                 {"attributes", shared}});
  });
  if (!s.ok()) return s;
  return id;
}

Status VaultImpl::RevokeConsent(const Actor& actor, const std::string& person_id, const std::string& consent_id) {
  return db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    RETURN_IF_ERROR(Authorize(tx, Now(), actor, person_id, "consent", {}, Operation::kManage));
    ASSIGN_OR_RETURN(int64_t n, tx.Execute("UPDATE vault_consents SET revoked_at_ms = $1, revoked_by = $2 WHERE "
                                           "id = $3 AND person_id = $4 AND revoked_at_ms IS NULL",
                                           {Now(), actor.ToString(), consent_id, person_id}));
    if (n == 0) return NotFound("vault.unknown_consent", "Ce consentement n'existe pas ou a déjà été retiré.");
    return Emit(tx, "consent_revoked", person_id, actor, "web", {{"consent_id", consent_id}});
  });
}

Result<std::vector<Consent>> VaultImpl::ListConsents(const Actor& actor, const std::string& person_id) {
  std::vector<Consent> out;
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    RETURN_IF_ERROR(Authorize(tx, Now(), actor, person_id, "consent", {}, Operation::kManage));
    ASSIGN_OR_RETURN(out, LoadConsents(tx, person_id));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace parcours::vault::detail
