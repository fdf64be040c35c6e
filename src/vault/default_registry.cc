// The built-in attribute definitions: identity, contact, address, housing, activity, income,
// bank details, disability and health. Names follow the Publicodes rules of the catalogue.
#include <cassert>

#include "parcours/vault/attributes.h"

namespace parcours::vault {
namespace {

AttributeDef Def(std::string name, AttributeType type, std::string fr, std::string en, bool sensitive = false) {
  AttributeDef d;
  d.name = std::move(name);
  d.type = type;
  d.label_fr = std::move(fr);
  d.label_en = std::move(en);
  d.sensitive = sensitive;
  return d;
}

AttributeDef Money(std::string name, std::string unit, std::string fr, std::string en) {
  AttributeDef d = Def(std::move(name), AttributeType::kNumber, std::move(fr), std::move(en), true);
  d.unit = std::move(unit);
  d.min = 0;
  d.valid_days = 365;
  return d;
}

AttributeDef Choice(std::string name, std::vector<std::string> choices, std::string fr, std::string en) {
  AttributeDef d = Def(std::move(name), AttributeType::kEnum, std::move(fr), std::move(en));
  d.choices = std::move(choices);
  return d;
}

}  // namespace

AttributeRegistry AttributeRegistry::Default() {
  using T = AttributeType;
  std::vector<AttributeDef> defs = {
      Def("individu . nom", T::kText, "Nom de naissance", "Birth name"),
      Def("individu . nom d'usage", T::kText, "Nom d'usage", "Used name"),
      Def("individu . prénoms", T::kText, "Prénoms", "Given names"),
      Def("individu . date de naissance", T::kDate, "Date de naissance", "Date of birth"),
      Def("individu . lieu de naissance", T::kText, "Lieu de naissance", "Place of birth"),
      Choice("individu . sexe", {"femme", "homme"}, "Sexe", "Sex"),
      Def("individu . NIR", T::kNir, "Numéro de sécurité sociale", "Social security number", true),
      Choice("individu . situation familiale",
             {"célibataire", "marié", "pacsé", "concubinage", "divorcé", "veuf"},
             "Situation familiale", "Marital status"),
      Def("contact . courriel", T::kEmail, "Adresse électronique", "E-mail address"),
      Def("contact . téléphone", T::kPhone, "Téléphone", "Phone"),
      Def("adresse . voie", T::kText, "Numéro et voie", "Street address"),
      Def("adresse . complément", T::kText, "Complément d'adresse", "Address line 2"),
      Def("adresse . code postal", T::kPostcode, "Code postal", "Postcode"),
      Def("adresse . commune", T::kCommune, "Commune (code INSEE)", "Municipality (INSEE code)"),
      Def("adresse . date d'emménagement", T::kDate, "Date d'emménagement", "Moving-in date"),
      Choice("logement . statut", {"locataire", "propriétaire", "hébergé"}, "Statut d'occupation",
             "Housing status"),
      Choice("activité . statut",
             {"salarié", "indépendant", "demandeur d'emploi", "étudiant", "retraité", "sans activité"},
             "Situation professionnelle", "Employment status"),
      Def("activité . employeur", T::kText, "Employeur", "Employer"),
      Def("caf . numéro allocataire", T::kText, "Numéro allocataire CAF", "CAF claimant number"),
      Money("revenus . salaire net mensuel", "€/mois", "Salaire net mensuel", "Monthly net salary"),
      Money("revenus . revenu fiscal de référence", "€/an", "Revenu fiscal de référence", "Reference tax income"),
      Money("revenus . ressources du foyer", "€/an", "Ressources annuelles du foyer", "Household yearly income"),
      Money("caf . quotient familial", "€/mois", "Quotient familial CAF", "CAF family quotient"),
      Money("logement . loyer", "€/mois", "Loyer mensuel", "Monthly rent"),
      Def("banque . IBAN", T::kIban, "IBAN", "IBAN", true),
      Def("handicap . reconnaissance MDPH", T::kBoolean, "Handicap reconnu par la MDPH",
          "Disability recognised by the MDPH", true),
      Def("handicap . taux d'incapacité", T::kNumber, "Taux d'incapacité", "Disability rate", true),
      Def("santé . affection longue durée", T::kBoolean, "Affection de longue durée",
          "Long-term illness", true),
      Def("santé . grossesse . date prévue d'accouchement", T::kDate, "Date prévue d'accouchement",
          "Expected delivery date", true),
  };
  AttributeRegistry r;
  for (auto& d : defs) {
    if (d.name == "individu . date de naissance") d.max_days_ahead = 0;
    // A move may be declared up to three months ahead, as on service-public.fr's téléservice.
    if (d.name == "adresse . date d'emménagement") d.max_days_ahead = 92;
    if (d.name == "handicap . taux d'incapacité") {
      d.unit = "%";
      d.min = 0;
      d.max = 100;
    }
    [[maybe_unused]] Status s = r.Register(std::move(d));
    assert(s.ok() && "built-in attribute definitions are well formed");
  }
  return r;
}

}  // namespace parcours::vault
