// The vault IS the journeys' situation, through the real binary and its HTML forms: a person
// completes a first journey (déménager), then starts a second (prendre les transports) and is
// asked nothing already known; the known answers are shown apart, prefilled, with where they
// came from; the vault pages and API show the values with their provenance; the access log
// shows the journeys' reads; feedback links point at /avis with the journey and the step.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>

#include "harness.h"

namespace parcours::harness {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Csrf(const std::string& html) {
  static const std::regex re("name=\"csrf_token\" value=\"([^\"]+)\"");
  std::smatch m;
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

std::string InDays(int days) {
  const std::time_t t = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The value of the radio or text input named `name` that the page shows checked or filled, and
// whether the field sits in the "already known" section.
struct Shown {
  bool present = false;
  bool in_known = false;
  std::string value;
};
Shown FieldOf(const std::string& html, const std::string& name) {
  Shown out;
  const std::size_t known = html.find("id=\"deja-connu\"");
  const std::regex input("<input[^>]*name=\"" + name + "\"[^>]*>");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), input); it != std::sregex_iterator(); ++it) {
    out.present = true;
    out.in_known = known != std::string::npos && static_cast<std::size_t>(it->position()) > known;
    const std::string tag = it->str();
    std::smatch v;
    const bool radio = tag.find("type=\"radio\"") != std::string::npos;
    if (std::regex_search(tag, v, std::regex("value=\"([^\"]*)\"")) && (!radio || tag.find(" checked") != std::string::npos)) {
      out.value = v[1].str();
    }
  }
  return out;
}

const std::string kEpci = "localisation . epci";
const std::string kIncome = "revenu fiscal de référence par part . revenu de référence";
const std::string kTenant = "logement . locataire";
const std::string kBike = "transport . projet vélo";

class JourneysVault : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.env = {{"PARCOURS_DEMO", "1"}};
    server_ = std::make_unique<ServerProcess>(o);
    ASSERT_TRUE(server_->Start().ok()) << server_->Stderr();
    client_ = std::make_unique<HttpClient>(server_->Client());
    auto page = client_->Get("/connexion");
    auto login = client_->PostForm("/connexion/demo", {{"csrf_token", Csrf(page.body)}, {"role", "usager"}, {"retour", "/compte"}});
    ASSERT_EQ(login.status, 303) << login.body;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(JourneysVault, SecondJourneyAsksNothingAlreadyKnown) {
  // First journey: everything is asked, nothing is known.
  auto first = client_->Get("/evenements/demenager");
  ASSERT_EQ(first.status, 200);
  EXPECT_THAT(first.body, Not(HasSubstr("id=\"deja-connu\"")));
  EXPECT_TRUE(FieldOf(first.body, kEpci).present);
  EXPECT_FALSE(FieldOf(first.body, kEpci).in_known);
  auto started = client_->PostForm("/evenements/demenager", {{"csrf_token", Csrf(first.body)},
                                                             {"event_date", InDays(20)},
                                                             {kEpci, "c1"},  // Bordeaux Métropole
                                                             {kIncome, "18 000"},
                                                             {kTenant, "oui"}});
  ASSERT_EQ(started.status, 303) << started.body;
  const std::string journey = started.Header("Location");
  ASSERT_THAT(journey, HasSubstr("/mes-parcours/"));

  // Second journey: what the first one learnt is shown apart, prefilled; only the rest is asked.
  auto second = client_->Get("/evenements/prendre-les-transports");
  ASSERT_EQ(second.status, 200);
  ASSERT_THAT(second.body, HasSubstr("id=\"deja-connu\""));
  const Shown epci = FieldOf(second.body, kEpci);
  EXPECT_TRUE(epci.in_known);
  EXPECT_FALSE(epci.value.empty());  // the Bordeaux choice is checked
  const Shown income = FieldOf(second.body, kIncome);
  EXPECT_TRUE(income.in_known);
  EXPECT_EQ(income.value, "18000");
  EXPECT_THAT(second.body, HasSubstr("Déjà connu : Déclaré par vous"));
  const Shown bike = FieldOf(second.body, kBike);
  EXPECT_TRUE(bike.present);
  EXPECT_FALSE(bike.in_known);  // not known: asked
  // The person confirms what is known, corrects the income, and answers a new question.
  auto again = client_->PostForm("/evenements/prendre-les-transports", {{"csrf_token", Csrf(second.body)},
                                                                         {"event_date", InDays(25)},
                                                                         {kEpci, epci.value},
                                                                         {kIncome, "19000"},
                                                                         {kBike, "oui"}});
  ASSERT_EQ(again.status, 303) << again.body;

  // A third look: nothing of these is asked any more.
  auto third = client_->Get("/evenements/prendre-les-transports");
  EXPECT_TRUE(FieldOf(third.body, kBike).in_known);
  EXPECT_EQ(FieldOf(third.body, kIncome).value, "19000");

  // The vault holds the answers, with their provenance; the correction kept its history.
  auto vault = client_->Get("/api/v1/me/vault");
  ASSERT_EQ(vault.status, 200);
  std::map<std::string, json> by_name;
  const json held = vault.Json();
  for (const json& a : held["attributes"]) by_name[a["name"].get<std::string>()] = a;
  ASSERT_TRUE(by_name.contains(kIncome)) << vault.body;
  EXPECT_EQ(by_name[kIncome]["value"], "19000");
  EXPECT_EQ(by_name[kIncome]["sensitive"], true);
  EXPECT_EQ(by_name[kIncome]["provenance"]["kind"], "declared");
  EXPECT_EQ(by_name[kIncome]["version"], 2);
  EXPECT_EQ(by_name[kTenant]["value"], "oui");
  EXPECT_EQ(by_name[kBike]["value"], "oui");
  auto page = client_->Get("/mes-informations");
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("Intercommunalité de votre nouvelle adresse"));
  EXPECT_THAT(page.body, HasSubstr("Déclaré par vous"));

  // The plans' reads are in the access log, with the journey as purpose.
  auto log = client_->Get("/api/v1/me/vault/access-log");
  ASSERT_EQ(log.status, 200);
  bool moving = false, transports = false;
  const json entries = log.Json()["entries"];
  for (const json& e : entries) {
    if (e["actor"]["kind"] != "platform" || e["action"] != "read") continue;
    const std::string purpose = e["purpose"];
    moving = moving || purpose == "Calcul de votre parcours « Déménager »";
    transports = transports || purpose.find("Prendre les transports") != std::string::npos;
  }
  EXPECT_TRUE(moving) << log.body;
  EXPECT_TRUE(transports) << log.body;
  auto consulted = client_->Get("/qui-a-consulte");
  EXPECT_THAT(consulted.body, HasSubstr("Calcul de votre parcours « Déménager »"));

  // Feedback links at the end of the journey and of each step.
  auto plan = client_->Get(journey);
  EXPECT_THAT(plan.body, HasSubstr("href=\"/avis?parcours=demenager\""));
  // The staff spaces are not offered to a usager (the anonymous home page offers them: SiteTest).
  EXPECT_THAT(plan.body, Not(HasSubstr("href=\"/agent\"")));
  EXPECT_THAT(plan.body, Not(HasSubstr("href=\"/pilote\"")));
  auto step = client_->Get(journey + "/etapes/adresse-impots");
  EXPECT_THAT(step.body, HasSubstr("/avis?parcours=demenager&amp;etape=adresse-impots&amp;service=dgfip"));

  // What the step needs: each item says whether the vault holds it or it is still to provide.
  EXPECT_THAT(step.body, HasSubstr("À fournir : pas encore dans votre coffre."));
  auto named = client_->PutJson("/api/v1/me/vault/attributes", {{"attributes", {{"individu . nom", "Martin"}}}},
                                {{"X-CSRF-Token", Csrf(step.body)}});
  ASSERT_EQ(named.status, 200) << named.body;
  step = client_->Get(journey + "/etapes/adresse-impots");
  static const std::regex name_item("<li>Nom[^<]*<span class=\"pc-tag pc-tag--done\">Déjà connu : Déclaré par vous");
  EXPECT_TRUE(std::regex_search(step.body, name_item)) << step.body;
  // Information that is no vault attribute reads as words: the new address, to provide.
  static const std::regex new_address("<li>Votre nouvelle adresse[^<]*<span class=\"pc-tag[^\"]*\">À fournir");
  EXPECT_TRUE(std::regex_search(step.body, new_address)) << step.body;
  EXPECT_THAT(step.body, Not(HasSubstr("adresse . nouvelle")));
  // A step done through Parcours's own declaration links to it; an agency's step, to its follow-up.
  EXPECT_THAT(step.body, HasSubstr("href=\"/mes-declarations\">Suivre mes déclarations"));
  // The current address is known once the vault holds its street, postcode and commune.
  auto declaration = client_->Get(journey + "/etapes/declaration-adresse");
  EXPECT_THAT(declaration.body,
              HasSubstr("href=\"/mes-declarations/nouvelle?demarche=changement-adresse\">Déclarer avec Parcours"));
  static const std::regex current_unknown("<li>Votre adresse actuelle[^<]*<span class=\"pc-tag[^\"]*\">À fournir");
  EXPECT_TRUE(std::regex_search(declaration.body, current_unknown)) << declaration.body;
  auto address = client_->PutJson(
      "/api/v1/me/vault/attributes",
      {{"attributes", {{"adresse . voie", "12 rue Sainte-Catherine"}, {"adresse . code postal", "33000"},
                       {"adresse . commune", "33063"}}}},
      {{"X-CSRF-Token", Csrf(step.body)}});
  ASSERT_EQ(address.status, 200) << address.body;
  declaration = client_->Get(journey + "/etapes/declaration-adresse");
  static const std::regex current_known("<li>Votre adresse actuelle[^<]*<span class=\"pc-tag pc-tag--done\">Déjà connu");
  EXPECT_TRUE(std::regex_search(declaration.body, current_known)) << declaration.body;
  EXPECT_THAT(client_->Get(journey + "/etapes/declaration-adresse?lang=en").body, HasSubstr("Your current address"));
  // The new address is the vault's once recorded with its moving-in date since the journey began:
  // the address alone may still be the one being left (back to French: ?lang=en was remembered).
  step = client_->Get(journey + "/etapes/adresse-impots?lang=fr");
  EXPECT_TRUE(std::regex_search(step.body, new_address)) << step.body;
  auto moved = client_->PutJson("/api/v1/me/vault/attributes",
                                {{"attributes", {{"adresse . date d'emménagement", InDays(-1)}}}},
                                {{"X-CSRF-Token", Csrf(step.body)}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  step = client_->Get(journey + "/etapes/adresse-impots");
  static const std::regex new_known("<li>Votre nouvelle adresse[^<]*<span class=\"pc-tag pc-tag--done\">Déjà connu");
  EXPECT_TRUE(std::regex_search(step.body, new_known)) << step.body;
  // A later move: what the vault holds is now the address being left.
  auto form = client_->Get("/evenements/demenager");
  auto later = client_->PostForm("/evenements/demenager", {{"csrf_token", Csrf(form.body)},
                                                           {"event_date", InDays(200)},
                                                           {kEpci, "c1"},
                                                           {kIncome, "18 000"},
                                                           {kTenant, "oui"}});
  ASSERT_EQ(later.status, 303) << later.body;
  step = client_->Get(later.Header("Location") + "/etapes/adresse-impots");
  EXPECT_TRUE(std::regex_search(step.body, new_address)) << step.body;
}

TEST_F(JourneysVault, RejectedAnswerChangesNothing) {
  auto form = client_->Get("/evenements/demenager");
  auto bad = client_->PostForm("/evenements/demenager", {{"csrf_token", Csrf(form.body)},
                                                         {"event_date", InDays(20)},
                                                         {kTenant, "oui"},
                                                         {kIncome, "beaucoup"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("saisissez un nombre"));
  EXPECT_EQ(client_->Get("/api/v1/me/vault").Json()["attributes"].size(), 0u);
  EXPECT_EQ(client_->Get("/api/v1/me/journeys").Json()["journeys"].size(), 0u);
}

}  // namespace
}  // namespace parcours::harness
