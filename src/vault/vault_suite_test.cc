// The vault's behaviour on a real database (SQLite in vault_test, PostgreSQL in vault_pgtest).
#include <nlohmann/json.hpp>

#include "parcours/vault/access_log.h"
#include "parcours/vault/validate.h"
#include "vault_suite.h"

namespace parcours::vault {
namespace {

const Purpose kJourney{"journey.devenir-parent", "Votre parcours « devenir parent »", "web"};
const Purpose kPaje{"instruction-paje", "Instruire votre demande de PAJE", "api"};

AttributeWrite W(std::string name, std::string value) {
  AttributeWrite w;
  w.name = std::move(name);
  w.value = std::move(value);
  return w;
}

std::vector<std::string> Names(const std::vector<AttributeRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.name);
  return out;
}

TEST_P(VaultSuite, SecondJourneyAsksNothingAlreadyKnown) {
  const std::vector<std::string> birth_form = {"individu . nom", "individu . date de naissance", "individu . NIR",
                                               "adresse . code postal", "adresse . commune"};
  auto first = vault().Prefill(Camille(), camille_, birth_form, kJourney);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->known.empty());
  EXPECT_EQ(first->missing, birth_form);

  FormSubmission form;
  form.form_id = "devenir-parent/declaration";
  form.purpose = kJourney;
  form.fields = {{"individu . nom", "Martin"}, {"individu . date de naissance", "05/03/1995"},
                 {"individu . NIR", kNir}, {"adresse . code postal", "33000"}, {"adresse . commune", "33063"}};
  auto submitted = vault().Submit(Camille(), camille_, form);
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  EXPECT_EQ(submitted->asked, 5);
  EXPECT_EQ(submitted->prefilled, 0);
  EXPECT_EQ(submitted->reasked, 0);

  const std::vector<std::string> caf_form = {"individu . nom", "individu . NIR", "adresse . commune",
                                             "revenus . salaire net mensuel"};
  auto second = vault().Prefill(Camille(), camille_, caf_form, kJourney);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->missing, std::vector<std::string>{"revenus . salaire net mensuel"});
  ASSERT_EQ(second->known.size(), 3u);
  EXPECT_EQ(second->known[1].value, "294037512000591");
  EXPECT_EQ(second->known[2].display, "Bordeaux (33063)");
  EXPECT_EQ(second->known[0].provenance.kind, ProvenanceKind::kDeclared);

  FormSubmission caf;
  caf.form_id = "devenir-parent/paje";
  caf.purpose = kJourney;
  caf.fields = {{"individu . nom", "Martin"}, {"individu . NIR", kNir}, {"adresse . commune", "33063"},
                {"revenus . salaire net mensuel", "2400"}};
  caf.prefilled = {"individu . nom", "individu . NIR", "adresse . commune"};
  auto counters = vault().Submit(Camille(), camille_, caf);
  ASSERT_TRUE(counters.ok()) << counters.status().ToString();
  EXPECT_EQ(counters->asked, 1);
  EXPECT_EQ(counters->prefilled, 3);
  EXPECT_EQ(counters->reasked, 0);
  EXPECT_EQ(counters->corrected, 0);
  EXPECT_EQ(counters->written, std::vector<std::string>{"revenus . salaire net mensuel"});
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM events WHERE type = 'fr.parcours.vault.form_submitted'"), 2);
}

TEST_P(VaultSuite, ServiceWithoutConsentReceivesNothing) {
  ASSERT_TRUE(vault().Write(Camille(), camille_,
                            {W("individu . nom", "Martin"), W("individu . NIR", kNir), W("banque . IBAN", kIban),
                             W("contact . courriel", "camille@exemple.fr")},
                            kJourney)
                  .ok());
  DeclareCaf({"individu . nom", "individu . NIR", "banque . IBAN"});
  const Actor caf = Actor::Service("caf.paje");

  auto nothing = vault().Read(caf, camille_, {}, kPaje);
  ASSERT_TRUE(nothing.ok()) << nothing.status().ToString();
  EXPECT_TRUE(nothing->empty());
  auto situation = vault().SituationFor(caf, camille_, kPaje);
  ASSERT_TRUE(situation.ok());
  EXPECT_TRUE(situation->empty());

  // Consent to two of the three declared attributes: the service gets those two, never the
  // undeclared e-mail, and never under another purpose.
  auto consent = vault().GrantConsent(Camille(), camille_, {"caf.paje", "instruction-paje",
                                                            {"individu . nom", "banque . IBAN"}, std::nullopt, "web"});
  ASSERT_TRUE(consent.ok()) << consent.status().ToString();
  auto some = vault().Read(caf, camille_, {}, kPaje);
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(Names(*some), (std::vector<std::string>{"banque . IBAN", "individu . nom"}));
  auto other_purpose = vault().Read(caf, camille_, {}, {"marketing", "Prospection", "api"});
  ASSERT_TRUE(other_purpose.ok());
  EXPECT_TRUE(other_purpose->empty());

  ASSERT_TRUE(vault().RevokeConsent(Camille(), camille_, *consent).ok());
  auto after = vault().Read(caf, camille_, {"individu . nom"}, kPaje);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());

  // What Camille sees: the read, and the refusals, with attribute names only.
  auto log = vault().AccessLog(Camille(), camille_, 50);
  ASSERT_TRUE(log.ok());
  int reads = 0, denied = 0;
  for (const auto& e : *log) {
    EXPECT_EQ(e.actor.ToString(), "service:caf.paje");
    if (e.action == AccessAction::kRead) ++reads;
    if (e.action == AccessAction::kDenied) ++denied;
  }
  EXPECT_EQ(reads, 1);
  EXPECT_GE(denied, 3);
}

TEST_P(VaultSuite, ConsentOnlyCoversWhatTheServiceDeclared) {
  DeclareCaf({"individu . nom"});
  // The declaration is listed as made, its purpose in both languages.
  auto services = vault().ListServices();
  ASSERT_TRUE(services.ok());
  ASSERT_EQ(services->size(), 1u);
  EXPECT_EQ(services->front().purpose_label, "Instruire votre demande de PAJE");
  EXPECT_EQ(services->front().purpose_label_en, "Process your PAJE claim");
  EXPECT_EQ(services->front().service_name_en, "Early childhood benefit");
  auto bad = vault().GrantConsent(Camille(), camille_, {"caf.paje", "instruction-paje", {"banque . IBAN"}, {}, "web"});
  EXPECT_EQ(bad.status().reason(), "vault.consent_not_declared");
  auto unknown = vault().GrantConsent(Camille(), camille_, {"impots.x", "y", {}, {}, "web"});
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  auto by_service = vault().GrantConsent(Actor::Service("caf.paje"), camille_, {"caf.paje", "instruction-paje", {}, {}, "api"});
  EXPECT_EQ(by_service.status().code(), StatusCode::kPermissionDenied);
  // An expired consent releases nothing.
  ASSERT_TRUE(vault().Write(Camille(), camille_, {W("individu . nom", "Martin")}, kJourney).ok());
  ASSERT_TRUE(vault()
                  .GrantConsent(Camille(), camille_,
                                {"caf.paje", "instruction-paje", {}, clock_.NowMillis() + 60'000, "web"})
                  .ok());
  EXPECT_EQ(vault().Read(Actor::Service("caf.paje"), camille_, {}, kPaje)->size(), 1u);
  clock_.Advance(std::chrono::minutes(2));
  EXPECT_TRUE(vault().Read(Actor::Service("caf.paje"), camille_, {}, kPaje)->empty());
}

TEST_P(VaultSuite, RejectedWriteChangesNothing) {
  const int64_t events = CountRows("SELECT COUNT(*) FROM events");
  Status s = vault().Write(Camille(), camille_,
                           {W("individu . nom", "Martin"), W("individu . NIR", "2 94 03 75 120 005 92"),
                            W("contact . courriel", "pas-une-adresse"), W("inconnu . champ", "x")},
                           kJourney);
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(s.field_errors().size(), 3u);
  // Each refused value says why, in a way a page words in its own language.
  EXPECT_EQ(s.field_errors()[0].field, "individu . NIR");
  EXPECT_EQ(s.field_errors()[0].reason, kNirKey);
  EXPECT_EQ(s.field_errors()[1].reason, kBadEmail);
  EXPECT_EQ(s.field_errors()[2].field, "inconnu . champ");
  EXPECT_EQ(s.field_errors()[2].reason, kUnknownAttribute);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM vault_attributes"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM events"), events);
  // A postcode that does not serve the commune is refused, whole batch included.
  s = vault().Write(Camille(), camille_,
                    {W("individu . nom", "Martin"), W("adresse . code postal", "69001"), W("adresse . commune", "33063")},
                    kJourney);
  EXPECT_EQ(s.field_errors().at(0).field, "adresse . code postal");
  EXPECT_EQ(s.field_errors().at(0).reason, kPostcodeCommuneMismatch);
  EXPECT_EQ(s.field_errors().at(0).params.at("commune"), "Bordeaux");
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM vault_attributes"), 0);
  // A birth date in the future is refused.
  s = vault().Write(Camille(), camille_, {W("individu . date de naissance", "01/01/2030")}, kJourney);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(s.field_errors().size(), 1u);
  EXPECT_EQ(s.field_errors()[0].field, "individu . date de naissance");
  EXPECT_EQ(s.field_errors()[0].reason, kFutureDate);
  // A move is declared up to three months ahead (92 days; today is 18/11/2026), not further.
  EXPECT_TRUE(vault().Write(Camille(), camille_, {W("adresse . date d'emménagement", "18/02/2027")}, kJourney).ok());
  s = vault().Write(Camille(), camille_, {W("adresse . date d'emménagement", "19/02/2027")}, kJourney);
  ASSERT_EQ(s.field_errors().size(), 1u);
  EXPECT_EQ(s.field_errors()[0].reason, kDateTooFarAhead);
  EXPECT_EQ(s.field_errors()[0].params.at("max_days_ahead"), "92");
}

TEST_P(VaultSuite, ProvenanceHistoryAndEvents) {
  AttributeWrite fc = W("individu . nom", "MARTIN");
  fc.provenance = {ProvenanceKind::kFranceConnect, "FranceConnect"};
  fc.verification = Verification::kVerified;
  ASSERT_TRUE(vault().Write(Actor::Platform("auth"), camille_, {fc}, {"identity", "Connexion FranceConnect", "web"}).ok());
  // Confirming the same value does not downgrade it to "declared".
  ASSERT_TRUE(vault().Write(Camille(), camille_, {W("individu . nom", "MARTIN")}, kJourney).ok());
  auto read = vault().Read(Camille(), camille_, {"individu . nom"}, kJourney);
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].provenance.kind, ProvenanceKind::kFranceConnect);
  EXPECT_EQ((*read)[0].verification, Verification::kVerified);
  // A correction keeps the previous value in the history. A person cannot claim verification.
  AttributeWrite corrected = W("individu . nom", "Martin-Durand");
  corrected.verification = Verification::kVerified;
  ASSERT_TRUE(vault().Write(Camille(), camille_, {corrected}, kJourney).ok());
  read = vault().Read(Camille(), camille_, {"individu . nom"}, kJourney);
  EXPECT_EQ((*read)[0].value, "Martin-Durand");
  EXPECT_EQ((*read)[0].version, 2);
  EXPECT_EQ((*read)[0].verification, Verification::kUnverified);
  auto history = vault().History(Camille(), camille_, "individu . nom");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].value, "MARTIN");
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM events WHERE type = 'fr.parcours.vault.attributes_changed'"), 2);
  // The platform's write is in the access log; Camille's own writes are not.
  auto log = vault().AccessLog(Camille(), camille_, 10);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].action, AccessAction::kWrite);
}

TEST_P(VaultSuite, OthersNeedAMandateOrToServeThePerson) {
  auto other = vault().CreatePerson(Actor::Platform("auth"));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(vault().Read(Actor::Usager(*other), camille_, {}, kJourney).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(vault().Read(Actor{ActorKind::kAgent, "sophie", {}}, camille_, {}, kJourney).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(vault().Export(Actor::Service("caf.paje"), camille_).status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(vault().Write(Camille(), camille_, {W("individu . nom", "Martin")}, kJourney).ok());
  auto at_counter = vault().Read(Actor::Agent("sophie", camille_), camille_, {}, {"accueil", "Accueil France services", "counter"});
  ASSERT_TRUE(at_counter.ok());
  EXPECT_EQ(at_counter->size(), 1u);
  auto log = vault().AccessLog(Camille(), camille_, 10);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].actor.id, "sophie");
  EXPECT_EQ((*log)[0].purpose, "Accueil France services");
}

TEST_P(VaultSuite, SituationIncludesTheHousehold) {
  ASSERT_TRUE(vault().Write(Camille(), camille_,
                            {W("individu . date de naissance", "1995-03-05"), W("revenus . salaire net mensuel", "2400"),
                             W("activité . statut", "salarié")},
                            kJourney)
                  .ok());
  ASSERT_TRUE(vault().CreateHousehold(Camille(), camille_, "Foyer Martin", MemberRole::kDemandeur).ok());
  ASSERT_TRUE(vault().AddMember(Camille(), camille_, {std::nullopt, MemberRole::kConjoint, "Alex", "1993-06-01"}).ok());
  auto child = vault().AddMember(Camille(), camille_, {std::nullopt, MemberRole::kEnfant, "Lou", "2026-11-01"});
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  auto future = vault().AddMember(Camille(), camille_, {std::nullopt, MemberRole::kEnfant, "X", "2027-01-01"});
  EXPECT_EQ(future.status().field_errors().at(0).field, "birth_date");
  auto situation = vault().SituationFor(Actor::Platform("journeys"), camille_, kJourney);
  ASSERT_TRUE(situation.ok()) << situation.status().ToString();
  EXPECT_EQ(situation->at("individu . date de naissance"), "05/03/1995");
  EXPECT_EQ(situation->at("revenus . salaire net mensuel"), "2400 €/mois");
  EXPECT_EQ(situation->at("activité . statut"), "'salarié'");
  EXPECT_EQ(situation->at("ménage . nombre de personnes"), "3");
  EXPECT_EQ(situation->at("ménage . enfants à charge"), "1");
  EXPECT_EQ(situation->at("ménage . en couple"), "oui");
  auto household = vault().GetHousehold(Camille(), camille_, kJourney);
  ASSERT_TRUE(household.ok() && household->has_value());
  EXPECT_EQ((*household)->members.size(), 3u);
  ASSERT_TRUE(vault().RemoveMember(Camille(), camille_, *child).ok());
  EXPECT_EQ(vault().SituationFor(Camille(), camille_, kJourney)->at("ménage . enfants à charge"), "0");
}

TEST_P(VaultSuite, ExportThenEraseKeepsTheLog) {
  ASSERT_TRUE(vault().Write(Camille(), camille_, {W("individu . nom", "Martin"), W("individu . NIR", kNir)}, kJourney).ok());
  ASSERT_TRUE(vault().Read(Actor::Agent("sophie", camille_), camille_, {}, kJourney).ok());
  auto exported = vault().Export(Camille(), camille_);
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  EXPECT_EQ((*exported)["attributes"].size(), 2u);
  EXPECT_EQ((*exported)["access_log"].size(), 1u);
  EXPECT_EQ(vault().Erase(Actor::Agent("sophie", camille_), camille_).status().code(), StatusCode::kPermissionDenied);
  auto report = vault().Erase(Camille(), camille_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->erased.size(), 2u);
  EXPECT_FALSE(report->kept.empty());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM vault_attributes"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM vault_access_log"), 1);
  EXPECT_EQ(vault().Read(Camille(), camille_, {}, kJourney).status().reason(), "vault.person_erased");
  EXPECT_EQ(vault().AccessLog(Camille(), camille_, 10)->size(), 1u);
}

TEST_P(VaultSuite, FranceConnectClaimsBecomeVerifiedAttributes) {
  nlohmann::json claims = {{"family_name", "MARTIN"}, {"given_name", "Camille"}, {"birthdate", "1995-03-05"},
                           {"gender", "female"}, {"email", "pas une adresse"}, {"sub", "abc"}};
  std::string person;
  ASSERT_TRUE(db().InTransaction([&](store::Transaction& tx) -> Status {
                    ASSIGN_OR_RETURN(person, vault().ImportIdentity(tx, "", claims));
                    return Status::Ok();
                  }).ok());
  auto read = vault().Read(Actor::Usager(person), person, {}, kJourney);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 4u);  // the malformed e-mail is skipped, not the login
  for (const auto& r : *read) {
    EXPECT_EQ(r.provenance.kind, ProvenanceKind::kFranceConnect);
    EXPECT_EQ(r.verification, Verification::kVerified);
  }
  EXPECT_EQ(vault().SituationFor(Actor::Usager(person), person, kJourney)->at("individu . sexe"), "'femme'");
}

TEST_P(VaultSuite, RotationResealsEveryValue) {
  ASSERT_TRUE(vault().Write(Camille(), camille_, {W("individu . NIR", kNir), W("banque . IBAN", kIban)}, kJourney).ok());
  ASSERT_TRUE(vault().Write(Camille(), camille_, {W("banque . IBAN", "DE89 3704 0044 0532 0130 00")}, kJourney).ok());
  const std::string new_line = KeyRing::GenerateKeyLine();
  // A ring without the key in use refuses to rotate rather than lose values.
  EXPECT_EQ(RotateKeys(db(), *KeyRing::Parse(new_line)).status().reason(), "vault.unknown_key");
  auto both = *KeyRing::Parse(key_line_ + "\n" + new_line);
  auto rotated = RotateKeys(db(), both);
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  EXPECT_EQ(*rotated, 3);  // NIR and IBAN, and the previous IBAN in the history
  EXPECT_EQ(*RotateKeys(db(), both), 0);
  // The old key can now be dropped.
  vault_ = NewVault(db(), clock_, *KeyRing::Parse(new_line),
                    std::make_shared<const AttributeRegistry>(AttributeRegistry::Default()));
  auto read = vault().Read(Camille(), camille_, {"individu . NIR", "banque . IBAN"}, kJourney);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ((*read)[0].value, "294037512000591");
  EXPECT_EQ((*read)[1].value, "DE89370400440532013000");
  auto history = vault().History(Camille(), camille_, "banque . IBAN");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_EQ((*history)[0].value, "FR7630006000011234567890189");
}

}  // namespace
}  // namespace parcours::vault
