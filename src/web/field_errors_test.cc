// A service's field error worded by a page: in French exactly as the service says it, in
// English from the same reason and parameters, with the English label.
#include "field_errors.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "parcours/journeys/answers.h"
#include "parcours/journeys/date.h"
#include "parcours/vault/attributes.h"
#include "parcours/vault/validate.h"

namespace parcours::web::detail {
namespace {

const Renderer& Repo() {
  static const std::unique_ptr<Renderer> renderer = [] {
    auto loaded = Renderer::Load({std::string(PARCOURS_SOURCE_DIR) + "/web", ""});
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return loaded.ok() ? std::move(loaded).value() : nullptr;
  }();
  return *renderer;
}

// Words that only a French message has.
bool LooksFrench(const std::string& text) {
  for (const char* word : {"saisissez", "Saisissez", "valeur", "répondez", "Répondez", "choisissez", "Choisissez",
                           "caractères", "doit", "ne peut", "Cette", "Le ", "La ", "« "}) {
    if (text.find(word) != std::string::npos) return true;
  }
  return false;
}

catalog::Event Event() {
  catalog::Event event;
  event.id = "demenager";
  catalog::Question income;
  income.rule = "revenu";
  income.label = {"Revenu du foyer", "Household income"};
  income.type = catalog::QuestionType::kNumber;
  income.min = 0;
  income.max = 2.5;
  catalog::Question tenant = income;
  tenant.rule = "locataire";
  tenant.label = {"Vous êtes locataire", "You rent your home"};
  tenant.type = catalog::QuestionType::kBoolean;
  catalog::Question moved = tenant;
  moved.rule = "date";
  moved.label = {"Date du déménagement", "Moving date"};
  moved.type = catalog::QuestionType::kDate;
  catalog::Question note = tenant;
  note.rule = "note";
  note.type = catalog::QuestionType::kText;
  catalog::Question kind = tenant;
  kind.rule = "logement";
  kind.type = catalog::QuestionType::kChoice;
  kind.choices.push_back({"maison", {"Maison", "House"}});
  event.questions = {income, tenant, moved, note, kind};
  return event;
}

TEST(JourneyFieldErrors, FrenchAsTheServiceSaysItEnglishFromTheReason) {
  const catalog::Event event = Event();
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"revenu", "beaucoup"}, {"revenu", "3"}, {"revenu", "-1"}, {"locataire", "bof"}, {"date", "2026-02-30"},
      {"note", std::string(501, 'a')}, {"note", "\"guillemets\""}, {"logement", "péniche"}};
  for (const auto& [rule, raw] : refused) {
    Result<std::string> r = journeys::CanonicalAnswer(*event.FindQuestion(rule), raw, rule);
    ASSERT_FALSE(r.ok()) << rule << " " << raw;
    const FieldError& fe = r.status().field_errors().at(0);
    ASSERT_FALSE(fe.reason.empty());
    EXPECT_EQ(JourneyFieldErrorMessage(Repo(), "fr", event, fe), fe.message) << fe.reason;
    const std::string en = JourneyFieldErrorMessage(Repo(), "en", event, fe);
    EXPECT_NE(en.find(event.FindQuestion(rule)->label.en), std::string::npos) << en;
    EXPECT_FALSE(LooksFrench(en)) << en;
  }
  Result<std::string> r = journeys::CanonicalAnswer(*event.FindQuestion("revenu"), "3", "revenu");
  EXPECT_EQ(JourneyFieldErrorMessage(Repo(), "en", event, r.status().field_errors().at(0)),
            "“Household income”: the value must be between 0 and 2.5.");
}

TEST(JourneyFieldErrors, TheVaultsOwnReasonsAndTheEventDate) {
  const catalog::Event event = Event();
  // A vault's refusal of an answer, as the journeys service relabels it (situation_vault.cc).
  const FieldError future{"date", "« Date du déménagement » : Cette date ne peut pas être dans le futur.",
                          vault::kFutureDate, {}};
  EXPECT_EQ(JourneyFieldErrorMessage(Repo(), "fr", event, future), future.message);
  EXPECT_EQ(JourneyFieldErrorMessage(Repo(), "en", event, future), "“Moving date”: This date cannot be in the future.");
  // The event date of a new journey.
  const journeys::CivilDate today{2026, 12, 6};
  const FieldError far{"event_date",
                       "La date doit être située à moins de deux ans d'aujourd'hui (" + today.ToDisplay("fr") + ").",
                       journeys::kDateTooFar, {{"today", today.ToIso()}}};
  EXPECT_EQ(JourneyFieldErrorMessage(Repo(), "fr", event, far), far.message);
  EXPECT_EQ(JourneyFieldErrorMessage(Repo(), "en", event, far),
            "The date must be less than two years away from today (6 December 2026).");
  // Without a reason: the French message on a French page, a generic English one otherwise.
  const FieldError bare{"revenu", "« Revenu du foyer » : réponse refusée.", "", {}};
  EXPECT_EQ(JourneyFieldErrorMessage(Repo(), "fr", event, bare), bare.message);
  EXPECT_EQ(JourneyFieldErrorMessage(Repo(), "en", event, bare), "“Household income”: this answer is not valid.");
}

TEST(VaultFieldErrors, EveryReasonOfTheVaultIsWordedInBothLanguages) {
  const vault::AttributeRegistry registry = vault::AttributeRegistry::Default();
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"revenus . salaire net mensuel", "beaucoup"}, {"revenus . salaire net mensuel", "-3"},
      {"handicap . reconnaissance MDPH", "bof"},      {"individu . nom", " "},
      {"individu . nom", std::string(501, 'a')},      {"individu . nom", "a\tb"},
      {"activité . statut", "astronaute"},             {"individu . date de naissance", "5 mars"},
      {"individu . date de naissance", "30/02/2001"},  {"individu . NIR", "12345"},
      {"individu . NIR", "5 94 03 75 120 005 91"},     {"individu . NIR", "2 94 13 75 120 005 91"},
      {"individu . NIR", "2 94 03 75 120 005 92"},     {"banque . IBAN", "FR76"},
      {"banque . IBAN", "US76 3000 6000 0112 3456 7890 189"}, {"banque . IBAN", "FR76 3000 6000 0112 3456 7890 188"},
      {"contact . courriel", "nom.domaine.fr"},        {"contact . téléphone", "12"},
      {"adresse . code postal", "3300"},               {"adresse . code postal", "00000"},
      {"adresse . commune", "330"},                    {"adresse . commune", "99999"}};
  std::set<std::string> reasons;
  for (const auto& [name, raw] : refused) {
    const vault::AttributeDef* def = registry.Find(name);
    ASSERT_NE(def, nullptr) << name;
    Result<std::string> r = vault::CanonicalValue(*def, raw);
    ASSERT_FALSE(r.ok()) << name << " " << raw;
    const FieldError& fe = r.status().field_errors().at(0);
    reasons.insert(fe.reason);
    EXPECT_EQ(FieldErrorMessage(Repo(), "fr", "vault", fe), fe.message) << fe.reason;
    const std::string en = FieldErrorMessage(Repo(), "en", "vault", fe);
    EXPECT_NE(en, "vault.field_error." + fe.reason);
    EXPECT_NE(en, Repo().Message("en", "vault.field_error.invalid")) << fe.reason << " has no English message";
    EXPECT_FALSE(LooksFrench(en)) << en;
  }
  EXPECT_EQ(reasons.size(), refused.size()) << "one case per reason";
  const Status mismatch = vault::CheckPostcodeCommune("69001", "33063");
  EXPECT_EQ(FieldErrorMessage(Repo(), "fr", "vault", mismatch.field_errors().at(0)), mismatch.message());
  EXPECT_EQ(FieldErrorMessage(Repo(), "en", "vault", mismatch.field_errors().at(0)),
            "The postcode does not match the commune of Bordeaux.");
}

// The public feedback form words its errors from their reasons, the bounds in the page's format.
TEST(FieldErrorMessages, FeedbackErrorsInThePageLanguage) {
  const FieldError nps{"recommandation", "Choisissez une note de 0 à 10.", "out_of_range", {{"min", "0"}, {"max", "10"}}};
  EXPECT_EQ(FieldErrorMessage(Repo(), "fr", "insight", nps), nps.message);
  EXPECT_EQ(FieldErrorMessage(Repo(), "en", "insight", nps), "Choose a score from 0 to 10.");
  const FieldError missing{"satisfaction", "Dites-nous comment s'est passée la démarche.", "satisfaction_required", {}};
  EXPECT_EQ(FieldErrorMessage(Repo(), "fr", "insight", missing), missing.message);
  EXPECT_EQ(FieldErrorMessage(Repo(), "en", "insight", missing), "Tell us how the procedure went.");
}

// A refusal as a whole: the French page keeps the service's message; the English page words
// each catalogued reason in English, and any other after its status code.
TEST(RefusalMessages, FrenchAsTheServiceSaysItEnglishFromTheReason) {
  const std::vector<Status> refusals = {
      Unavailable("journeys.unavailable", "Le service des parcours n'est pas disponible."),
      NotFound("journeys.unknown_event", "Événement de vie inconnu."),
      NotFound("journeys.unknown_step", "Étape inconnue."),
      NotFound("journeys.not_found", "Parcours introuvable."),
      NotFound("journeys.event_removed", "L'événement « demenager » de ce parcours n'est plus au catalogue."),
      Conflict("journeys.step_not_applicable",
               "Cette étape ne vous concerne pas dans votre situation actuelle : elle ne peut pas changer d'état."),
      InvalidArgument("journeys.rules_error", "Règle inconnue : « revenu »."),
      InvalidArgument("journeys.attribute_conflict", "La question « revenu » a des types différents selon les événements."),
      Unavailable("vault.unavailable", "Le coffre de données n'est pas disponible."),
      PermissionDenied("vault.not_a_person", "Ce compte n'est pas celui d'un usager."),
      NotFound("vault.unknown_person", "Personne inconnue."),
      Conflict("vault.person_erased", "Les données de cette personne ont été effacées à sa demande."),
      NotFound("vault.unknown_consent", "Ce consentement n'existe pas ou a déjà été retiré."),
      NotFound("vault.unknown_service", "Ce service n'a pas déclaré cette finalité."),
      InvalidArgument("vault.consent_not_declared", "Le service n'a pas déclaré : individu . NIR."),
      InvalidArgument("vault.consent_expired", "La date de fin du consentement doit être dans le futur."),
      Conflict("vault.household_exists", "Vous faites déjà partie d'un foyer."),
      NotFound("vault.no_household", "Créez d'abord votre foyer."),
      NotFound("vault.unknown_member", "Cette personne ne fait pas partie de votre foyer."),
      NotFound("exchange.unknown_service", "Service inconnu."),
      NotFound("exchange.unknown_bundle", "Démarche groupée inconnue."),
      InvalidArgument("exchange.service_not_in_bundle", "Le service « caf » ne fait pas partie de cette démarche groupée."),
      InvalidArgument("exchange.unknown_status", "Statut inconnu : recue, en_instruction..."),
      InvalidArgument("exchange.message_too_long", "Le message dépasse 2000 caractères."),
      InvalidArgument("exchange.reference_too_long", "La référence dépasse 100 caractères."),
      InvalidArgument("exchange.message_required", "Une demande d'informations doit dire ce qui est demandé à la personne."),
      Conflict("exchange.illegal_transition", "Passage du statut « Reçue » à « Payée » impossible."),
      Conflict("complaints.bad_transition", "Impossible de résoudre : la réclamation est rejetée."),
      Conflict("complaints.answer_required", "Répondez à la personne avant de clore sa réclamation."),
      Unauthenticated("auth.state_invalid", "Connexion non reconnue ou déjà utilisée : recommencez."),
      Unauthenticated("auth.state_mismatch", "Cette connexion n'a pas été commencée dans ce navigateur."),
      Unauthenticated("auth.state_expired", "La connexion a pris trop de temps : recommencez."),
      Unauthenticated("auth.provider_error", "Le fournisseur d'identité n'a pas authentifié la personne."),
      NotFound("auth.provider_unknown", "Fournisseur d'identité inconnu."),
      Unavailable("auth.provider_unreachable", "Client HTTP indisponible."),
      Unauthenticated("auth.code_rejected", "Code d'autorisation absent ou invalide."),
      PermissionDenied("auth.user_disabled", "Ce compte est désactivé."),
      ResourceExhausted("insight.feedback_rate_limited",
                        "Vous avez déjà donné plusieurs avis récemment : merci, réessayez dans une heure.")};
  const std::set<std::string> generic = {Repo().Message("en", "errors.refusal.not_found"),
                                         Repo().Message("en", "errors.refusal.unavailable"),
                                         Repo().Message("en", "errors.refusal.other")};
  std::set<std::string> worded;
  for (const Status& status : refusals) {
    EXPECT_EQ(RefusalMessage(Repo(), "fr", status), status.message()) << status.reason();
    const std::string en = RefusalMessage(Repo(), "en", status);
    EXPECT_EQ(generic.count(en), 0u) << status.reason() << " has no English message";
    EXPECT_EQ(en.find(".refusal."), std::string::npos) << en;
    EXPECT_FALSE(LooksFrench(en)) << en;
    worded.insert(en);
  }
  EXPECT_EQ(worded.size(), refusals.size()) << "one message per reason";
  EXPECT_EQ(RefusalMessage(Repo(), "en", refusals[1]), "This life event does not exist.");
  // Every reason the catalogues word is in this list, so each is checked above.
  std::set<std::string> listed;
  for (const Status& status : refusals) listed.insert(status.reason());
  for (const std::string& key : Repo().MessageKeys("en")) {
    const size_t at = key.find(".refusal.");
    if (at == std::string::npos || key.rfind("errors.", 0) == 0) continue;
    EXPECT_EQ(listed.count(key.substr(0, at) + "." + key.substr(at + 9)), 1u) << key << " is not tested";
  }
}

TEST(RefusalMessages, AReasonWithoutMessageGetsAGenericOneAfterItsCode) {
  const Status gone = NotFound("insight.unknown_service", "Service inconnu : « x ».");
  EXPECT_EQ(RefusalMessage(Repo(), "fr", gone), gone.message());
  EXPECT_EQ(RefusalMessage(Repo(), "en", gone), "This page does not exist or is no longer available.");
  EXPECT_EQ(RefusalMessage(Repo(), "en", Unavailable("system.no_database", "Aucune base de données configurée.")),
            "This service is not available at the moment. Try again later.");
  EXPECT_EQ(RefusalMessage(Repo(), "en", PermissionDenied("", "Accès refusé.")), "This action could not be completed.");
  EXPECT_EQ(RefusalMessage(Repo(), "fr", PermissionDenied("", "Accès refusé.")), "Accès refusé.");
  // An internal error's message may name internals: never shown, in any language.
  const Status internal = Internal("vault.sodium", "crypto_secretbox_open_easy a échoué (clé 3)");
  EXPECT_EQ(RefusalMessage(Repo(), "fr", internal), "Cette action n'a pas pu aboutir.");
  EXPECT_EQ(RefusalMessage(Repo(), "en", internal), "This action could not be completed.");
}

}  // namespace
}  // namespace parcours::web::detail
