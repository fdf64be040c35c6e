// Attribute definitions and values of the vault.
//
// Attributes are keyed by the same dotted names as the Publicodes rules ("individu . date de
// naissance"), so that a person's attributes are directly a Publicodes situation. Each name has
// a definition (type, domain, sensitivity) in an AttributeRegistry; the vault refuses names the
// registry does not know (data minimisation: nothing is kept that nobody declared).
// Thread-safety: an AttributeRegistry is built once, then shared read-only (const).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"

namespace parcours::vault {

enum class AttributeType {
  kText,      // free text, at most 500 characters
  kEnum,      // one of `choices`
  kNumber,    // decimal, with an optional Publicodes unit ("€/mois", "%")
  kBoolean,   // "oui" / "non"
  kDate,      // calendar date, stored "YYYY-MM-DD", Publicodes "JJ/MM/AAAA"
  kNir,       // numéro d'inscription au répertoire (sécurité sociale), key checked
  kIban,      // IBAN, mod-97 checked, stored without spaces
  kEmail,
  kPhone,     // stored E.164 ("+33612345678")
  kPostcode,  // French postcode present in the official commune list
  kCommune,   // INSEE commune code present in the official commune list
};

std::string_view AttributeTypeName(AttributeType type);  // "texte", "nombre", "date", "nir"...
Result<AttributeType> ParseAttributeType(std::string_view name);

struct AttributeDef {
  std::string name;        // Publicodes dotted name
  AttributeType type = AttributeType::kText;
  std::string label_fr;    // "Date de naissance"
  std::string label_en;
  bool sensitive = false;  // encrypted at rest (NIR, IBAN, health, disability, income)
  std::string unit;        // numbers: Publicodes unit appended in the situation
  std::optional<double> min, max;    // numbers
  bool integer = false;              // numbers: whole numbers only
  int max_days_ahead = -1;           // dates: latest accepted, in days after today (0: not in the future; -1: no limit)
  std::vector<std::string> choices;  // enums
  // Retention: values are valid for this many days after collection (0 = no limit).
  int valid_days = 0;
};

// The set of attributes the vault may hold.
class AttributeRegistry {
 public:
  // The built-in definitions (identity, contact, address, household, income, bank, health).
  static AttributeRegistry Default();

  // Adds or replaces a definition (catalogues add the attributes of their forms).
  // Fails with vault.bad_definition on an empty name or an enum without choices.
  Status Register(AttributeDef def);
  const AttributeDef* Find(std::string_view name) const;
  std::vector<const AttributeDef*> All() const;  // sorted by name

 private:
  std::map<std::string, AttributeDef, std::less<>> defs_;
};

// Where a value came from.
enum class ProvenanceKind {
  kDeclared,       // declared by the person (or their aidant)
  kFranceConnect,  // identity claims from FranceConnect
  kAgency,         // transmitted by an agency (source = agency name)
  kAgent,          // entered by an agent (source = agent id)
};
struct Provenance {
  ProvenanceKind kind = ProvenanceKind::kDeclared;
  std::string source;  // "FranceConnect", "CAF", agent id; "" for the person
};
std::string_view ProvenanceKindName(ProvenanceKind kind);  // "declared", "franceconnect", ...
Result<ProvenanceKind> ParseProvenanceKind(std::string_view text);
// "Déclaré par vous", "FranceConnect", "Transmis par CAF", "Saisi par un agent (<id>)"; to
// someone other than the person (`to_person` false: an agent), "Déclaré par la personne".
std::string DescribeProvenance(const Provenance& p, std::string_view lang = "fr", bool to_person = true);

enum class Verification { kUnverified, kVerified };
std::string_view VerificationName(Verification v);  // "unverified", "verified"
Result<Verification> ParseVerification(std::string_view text);

// One value as held by the vault (decrypted).
struct AttributeRecord {
  std::string name;
  AttributeType type = AttributeType::kText;
  std::string value;  // canonical text (see AttributeType)
  Provenance provenance;
  Verification verification = Verification::kUnverified;
  int64_t collected_at_ms = 0;
  std::optional<int64_t> valid_until_ms;
  int64_t updated_at_ms = 0;
  int64_t version = 0;  // 1 for the first value, +1 per change
  bool sensitive = false;
};

// A value to write.
struct AttributeWrite {
  std::string name;
  std::string value;  // as typed by a person or sent by an agency; canonicalised by the vault
  Provenance provenance;
  Verification verification = Verification::kUnverified;
  std::optional<int64_t> collected_at_ms;  // default: now
  std::optional<int64_t> valid_until_ms;   // default: from the definition's valid_days
};

// Checks `raw` against `def` and returns its canonical text, or InvalidArgument with a
// French message and a field error on `def.name`. Never echoes sensitive input.
Result<std::string> CanonicalValue(const AttributeDef& def, std::string_view raw);

// The Publicodes literal of a canonical value: "'Bordeaux'", "3000 €/mois", "oui",
// "12/03/2026".
std::string PublicodesLiteral(const AttributeDef& def, std::string_view canonical);

// A value for people: dates "12/03/2026", IBAN grouped by 4, NIR spaced, phone "06 12 ...".
std::string DisplayValue(const AttributeDef& def, std::string_view canonical);

}  // namespace parcours::vault
