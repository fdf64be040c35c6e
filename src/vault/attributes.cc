// Attribute types, the registry, provenance and verification names.
#include "parcours/vault/attributes.h"

#include <array>
#include <utility>

namespace parcours::vault {
namespace {

constexpr std::array<std::pair<AttributeType, std::string_view>, 11> kTypeNames = {{
    {AttributeType::kText, "texte"},
    {AttributeType::kEnum, "choix"},
    {AttributeType::kNumber, "nombre"},
    {AttributeType::kBoolean, "booléen"},
    {AttributeType::kDate, "date"},
    {AttributeType::kNir, "nir"},
    {AttributeType::kIban, "iban"},
    {AttributeType::kEmail, "courriel"},
    {AttributeType::kPhone, "téléphone"},
    {AttributeType::kPostcode, "code postal"},
    {AttributeType::kCommune, "commune"},
}};

}  // namespace

std::string_view AttributeTypeName(AttributeType type) {
  for (const auto& [t, name] : kTypeNames) if (t == type) return name;
  return "texte";
}

Result<AttributeType> ParseAttributeType(std::string_view name) {
  for (const auto& [t, n] : kTypeNames) if (n == name) return t;
  return InvalidArgument("vault.bad_definition", "Type d'attribut inconnu.");
}

Status AttributeRegistry::Register(AttributeDef def) {
  if (def.name.empty() || def.name.size() > 200) {
    return InvalidArgument("vault.bad_definition", "Le nom d'un attribut est obligatoire (200 caractères au plus).");
  }
  if (def.type == AttributeType::kEnum && def.choices.empty()) {
    return InvalidArgument("vault.bad_definition",
                           "L'attribut « " + def.name + " » est un choix sans possibilités.");
  }
  if (def.label_fr.empty()) def.label_fr = def.name;
  if (def.label_en.empty()) def.label_en = def.label_fr;
  std::string name = def.name;
  defs_[name] = std::move(def);
  return Status::Ok();
}

const AttributeDef* AttributeRegistry::Find(std::string_view name) const {
  auto it = defs_.find(name);
  return it == defs_.end() ? nullptr : &it->second;
}

std::vector<const AttributeDef*> AttributeRegistry::All() const {
  std::vector<const AttributeDef*> out;
  out.reserve(defs_.size());
  for (const auto& [name, def] : defs_) out.push_back(&def);
  return out;
}

std::string_view ProvenanceKindName(ProvenanceKind kind) {
  switch (kind) {
    case ProvenanceKind::kDeclared: return "declared";
    case ProvenanceKind::kFranceConnect: return "franceconnect";
    case ProvenanceKind::kAgency: return "agency";
    case ProvenanceKind::kAgent: return "agent";
  }
  return "declared";
}

Result<ProvenanceKind> ParseProvenanceKind(std::string_view text) {
  for (ProvenanceKind k : {ProvenanceKind::kDeclared, ProvenanceKind::kFranceConnect,
                           ProvenanceKind::kAgency, ProvenanceKind::kAgent}) {
    if (ProvenanceKindName(k) == text) return k;
  }
  return InvalidArgument("vault.bad_provenance", "Provenance inconnue.");
}

std::string DescribeProvenance(const Provenance& p, std::string_view lang, bool to_person) {
  const bool en = lang == "en";
  switch (p.kind) {
    case ProvenanceKind::kDeclared:
      if (!to_person) return en ? "Declared by the person" : "Déclaré par la personne";
      return en ? "Declared by you" : "Déclaré par vous";
    case ProvenanceKind::kFranceConnect: return "FranceConnect";
    case ProvenanceKind::kAgency: return (en ? "Sent by " : "Transmis par ") + p.source;
    case ProvenanceKind::kAgent:
      return (en ? "Entered by an agent" : "Saisi par un agent") +
             (p.source.empty() ? std::string() : " (" + p.source + ")");
  }
  return {};
}

std::string_view VerificationName(Verification v) {
  return v == Verification::kVerified ? "verified" : "unverified";
}

Result<Verification> ParseVerification(std::string_view text) {
  if (text == "verified") return Verification::kVerified;
  if (text == "unverified") return Verification::kUnverified;
  return InvalidArgument("vault.bad_verification", "Statut de vérification inconnu.");
}

}  // namespace parcours::vault
