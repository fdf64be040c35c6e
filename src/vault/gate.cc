#include "gate.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace parcours::vault::detail {
namespace {

std::set<std::string> NamesFromJson(const std::string& text) {
  std::set<std::string> out;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_array()) {
    for (const auto& n : j) if (n.is_string()) out.insert(n.get<std::string>());
  }
  return out;
}

Decision AllowAll(const std::vector<std::string>& requested, bool log, std::string basis) {
  Decision d;
  d.allowed = requested;
  d.log = log;
  d.legal_basis = std::move(basis);
  return d;
}

Result<Decision> AuthorizeService(store::Transaction& tx, int64_t now_ms, const Actor& actor,
                                  const std::string& person_id, const std::string& purpose,
                                  const std::vector<std::string>& requested) {
  Decision d;
  d.log = true;
  d.service_id = actor.id;
  ASSIGN_OR_RETURN(store::Rows decl,
                   tx.Query("SELECT attributes_json, legal_basis FROM vault_service_purposes "
                            "WHERE service_id = $1 AND purpose = $2",
                            {actor.id, purpose}));
  if (decl.empty()) {
    d.denied = requested;
    d.legal_basis = "aucune déclaration du service pour cette finalité";
    return d;
  }
  const std::set<std::string> declared = NamesFromJson(decl[0].Text(0));
  ASSIGN_OR_RETURN(store::Rows consents,
                   tx.Query("SELECT attributes_json FROM vault_consents WHERE person_id = $1 AND service_id = $2 "
                            "AND purpose = $3 AND revoked_at_ms IS NULL AND (expires_at_ms IS NULL OR "
                            "expires_at_ms > $4)",
                            {person_id, actor.id, purpose, now_ms}));
  std::set<std::string> consented;
  for (const auto& c : consents) consented.merge(NamesFromJson(c.Text(0)));
  for (const auto& name : requested) {
    if (declared.count(name) && consented.count(name)) d.allowed.push_back(name);
    else d.denied.push_back(name);
  }
  d.legal_basis = consented.empty() ? "aucun consentement en cours"
                                    : "consentement ; " + decl[0].Text(1);
  return d;
}

}  // namespace

Result<Decision> Authorize(store::Transaction& tx, int64_t now_ms, const Actor& actor, const std::string& person_id,
                           const std::string& purpose, const std::vector<std::string>& requested, Operation op) {
  if (actor.id.empty()) return PermissionDenied("vault.no_actor", "Accès refusé : acteur non identifié.");
  switch (actor.kind) {
    case ActorKind::kUsager:
      if (actor.IsSelf(person_id)) return AllowAll(requested, false, "vous-même");
      if (actor.on_behalf_of == person_id) return AllowAll(requested, true, "mandat d'aidant");
      return PermissionDenied("vault.not_owner", "Ces données appartiennent à une autre personne.");
    case ActorKind::kAgent:
      if (actor.on_behalf_of == person_id) return AllowAll(requested, true, "mission de service public (accueil)");
      return PermissionDenied("vault.agent_not_serving",
                              "Un agent n'accède aux données d'une personne qu'en la recevant ou pour son dossier.");
    case ActorKind::kPlatform:
      if (op == Operation::kManage) {
        return PermissionDenied("vault.platform_cannot_manage",
                                "Seule la personne peut gérer ses consentements, exporter ou effacer ses données.");
      }
      return AllowAll(requested, true, "mission de service public");
    case ActorKind::kService:
      if (op == Operation::kManage) {
        return PermissionDenied("vault.service_cannot_manage",
                                "Un service ne gère pas les consentements ni les données de la personne.");
      }
      return AuthorizeService(tx, now_ms, actor, person_id, purpose, requested);
  }
  return PermissionDenied("vault.no_actor", "Accès refusé.");
}

}  // namespace parcours::vault::detail
