// FranceConnect identity claims -> verified vault attributes.
#include "parcours/base/log.h"
#include "vault_impl.h"

namespace parcours::vault::detail {

Result<std::string> VaultImpl::ImportIdentity(store::Transaction& tx, const std::string& person_id,
                                              const nlohmann::json& claims) {
  std::string id = person_id;
  const Actor platform = Actor::Platform("franceconnect");
  if (id.empty()) {
    id = NewId(&clock_);
    RETURN_IF_ERROR(tx.Execute("INSERT INTO vault_persons (id, created_at_ms) VALUES ($1, $2)", {id, Now()}));
    RETURN_IF_ERROR(Emit(tx, "person_created", id, platform, "web", nlohmann::json::object()));
  }
  static const std::pair<const char*, const char*> kClaims[] = {
      {"family_name", "individu . nom"},        {"given_name", "individu . prénoms"},
      {"preferred_username", "individu . nom d'usage"}, {"birthdate", "individu . date de naissance"},
      {"gender", "individu . sexe"},             {"birthplace", "individu . lieu de naissance"},
      {"email", "contact . courriel"},           {"phone_number", "contact . téléphone"},
  };
  std::vector<AttributeWrite> writes;
  for (const auto& [claim, name] : kClaims) {
    if (!claims.is_object() || !claims.contains(claim) || !claims[claim].is_string()) continue;
    std::string value = claims[claim].get<std::string>();
    if (value.empty()) continue;
    if (std::string_view(claim) == "gender") {
      if (value == "female") value = "femme";
      else if (value == "male") value = "homme";
      else continue;
    }
    const AttributeDef* def = registry_->Find(name);
    if (!def || !CanonicalValue(*def, value).ok()) {
      log::Warn("vault.identity_claim_skipped", {{"claim", claim}});
      continue;
    }
    AttributeWrite w;
    w.name = name;
    w.value = std::move(value);
    w.provenance = {ProvenanceKind::kFranceConnect, "FranceConnect"};
    w.verification = Verification::kVerified;
    writes.push_back(std::move(w));
  }
  if (!writes.empty()) {
    RETURN_IF_ERROR(WriteIn(tx, platform, id, writes, {"identity", "Identité transmise par FranceConnect", "web"}));
  }
  return id;
}

}  // namespace parcours::vault::detail
