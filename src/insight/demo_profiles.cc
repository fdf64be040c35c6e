#include "demo_profiles.h"

namespace parcours::insight::demo {

const std::vector<JourneyProfile>& Profiles() {
  static const std::vector<JourneyProfile> kProfiles = {
      {"demenager", 0.40,
       {{"declaration-adresse", "service-public", 1.0, 0.04, 0.5},
        {"adresse-caf", "caf", 0.7, 0.05, 2},
        {"adresse-assurance-maladie", "cpam", 0.9, 0.04, 2},
        {"adresse-impots", "dgfip", 0.9, 0.03, 1},
        {"adresse-france-travail", "france-travail", 0.3, 0.05, 2},
        {"adresse-retraite", "caisse-retraite", 0.2, 0.08, 4},
        {"energie", "fournisseur-energie", 0.9, 0.06, 3},
        {"carte-grise", "ants", 0.6, 0.18, 12},
        {"listes-electorales", "mairie", 0.7, 0.10, 6},
        {"inscription-scolaire", "mairie", 0.35, 0.07, 9},
        {"aide-logement", "caf", 0.4, 0.22, 15},
        {"reexpedition-courrier", "la-poste", 0.5, 0.05, 1},
        {"aide-velo", "collectivite", 0.2, 0.30, 20}}},
      {"devenir-parent", 0.20,
       {{"declaration-grossesse", "cpam", 1.0, 0.02, 3},
        {"reconnaissance-anticipee", "mairie", 0.4, 0.06, 10},
        {"declaration-naissance", "mairie", 1.0, 0.01, 3},
        {"prime-naissance", "caf", 0.8, 0.10, 20},
        {"allocation-base", "caf", 0.7, 0.12, 25},
        {"rattachement-assurance-maladie", "cpam", 1.0, 0.04, 5},
        {"conge-paternite", "employeur", 0.6, 0.05, 10},
        {"inscription-creche", "mairie", 0.5, 0.25, 40},
        {"complement-mode-de-garde", "caf", 0.4, 0.15, 20}}},
      {"chercher-un-emploi", 0.15,
       {{"documents-fin-contrat", "employeur", 1.0, 0.05, 5},
        {"inscription-france-travail", "france-travail", 1.0, 0.06, 2},
        {"allocation-chomage", "france-travail", 0.8, 0.10, 15},
        {"complementaire-sante-solidaire", "cpam", 0.3, 0.25, 20},
        {"rsa", "caf", 0.2, 0.30, 25},
        {"formation-cpf", "france-travail", 0.3, 0.35, 30}}},
      {"faire-valoir-ses-droits", 0.15,
       {{"rendez-vous-france-services", "service-public", 1.0, 0.10, 7},
        {"rsa", "caf", 0.6, 0.20, 25},
        {"prime-activite", "caf", 0.6, 0.15, 15},
        {"dossier-mdph", "mdph", 0.3, 0.30, 90},
        {"cheque-energie", "asp", 0.5, 0.10, 30},
        {"complementaire-sante-solidaire", "cpam", 0.5, 0.20, 20}}},
      {"prendre-les-transports", 0.10,
       {{"attestation-quotient-familial", "caf", 1.0, 0.05, 1},
        {"tarification-solidaire", "aom", 0.8, 0.15, 10},
        {"abonnement-jeune", "aom", 0.4, 0.08, 3},
        {"aide-velo", "collectivite", 0.3, 0.30, 20}}},
  };
  return kProfiles;
}

const std::vector<Agency>& Agencies() {
  static const std::vector<Agency> kAgencies = {
      {"caf", 12, 0.12, 0.04},       {"cpam", 6, 0.05, 0.03},        {"dgfip", 2, 0.01, 0.02},
      {"france-travail", 8, 0.10, 0.05}, {"caisse-retraite", 15, 0.04, 0.10}, {"mdph", 60, 0.25, 0.08},
      {"ants", 10, 0.06, 0.06}};
  return kAgencies;
}

}  // namespace parcours::insight::demo
