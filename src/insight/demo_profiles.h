// The journeys of the synthetic population: real life-event and step ids of the catalogue
// (catalog/events/*.yaml), with the behaviour the demo gives them. Internal.
#pragma once

#include <array>
#include <string_view>
#include <vector>

namespace parcours::insight::demo {

struct StepProfile {
  std::string_view id;
  std::string_view administration;
  double applies;      // probability the step is in the person's plan
  double dropoff;      // probability of stopping at this step once started
  double median_days;  // typical time to finish once started
};

struct JourneyProfile {
  std::string_view life_event;
  double weight;
  std::vector<StepProfile> steps;
};

const std::vector<JourneyProfile>& Profiles();

struct Agency {
  std::string_view service;
  double decision_days;  // typical delay from delivery to decision
  double refusal;        // share of refusals
  double failure;        // share of deliveries failing once before succeeding
};
const std::vector<Agency>& Agencies();

inline constexpr std::array<std::string_view, 12> kCommunes = {
    "69123", "69266", "59350", "59512", "31555", "75056", "13055", "44109", "33063", "97411", "2A004", "67482"};

inline constexpr std::array<std::string_view, 12> kComments = {
    "Très simple, je n'ai eu à donner mon adresse qu'une fois.",
    "Le formulaire m'a redemandé des informations que j'avais déjà données.",
    "J'ai attendu longtemps la réponse de la caisse.",
    "L'agent de France services m'a beaucoup aidée.",
    "Je n'ai pas compris quel justificatif envoyer.",
    "Rapide et clair, merci.",
    "Le site ne fonctionnait pas sur mon téléphone.",
    "Je ne savais pas que j'avais droit à cette aide, merci de me l'avoir proposée.",
    "Impossible de joindre quelqu'un par téléphone.",
    "Les étapes sont bien expliquées.",
    "Trop de pages pour une simple déclaration.",
    "J'aurais aimé être prévenu de la date limite plus tôt."};

}  // namespace parcours::insight::demo
