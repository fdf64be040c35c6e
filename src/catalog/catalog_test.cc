#include "parcours/catalog/catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <yaml-cpp/yaml.h>

#include "parcours/base/id.h"

namespace parcours::catalog {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kCatalog = fs::path(PARCOURS_SOURCE_DIR) / "catalog";

TEST(Catalog, ShippedCatalogueLoadsWithTheFiveEvents) {
  std::vector<Diagnostic> diags;
  Result<CatalogPtr> loaded = LoadCatalog(kCatalog, &diags);
  for (const Diagnostic& d : diags) ADD_FAILURE() << d.ToString();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Catalog& c = **loaded;
  const std::set<std::string> expected = {"devenir-parent", "demenager", "chercher-un-emploi",
                                          "faire-valoir-ses-droits", "prendre-les-transports"};
  std::set<std::string> ids;
  for (const Event& e : c.events()) {
    ids.insert(e.id);
    EXPECT_GE(e.steps.size(), 8u) << e.id;
    for (const Step& s : e.steps) {
      EXPECT_FALSE(s.references.empty()) << e.id << "/" << s.id;
      EXPECT_NE(c.FindAdministration(s.administration), nullptr) << s.administration;
      EXPECT_TRUE(c.plan_model()->HasRule(s.rule)) << s.rule;
      for (const Amount& a : s.amounts) {
        EXPECT_FALSE(a.source.empty()) << s.id;
        EXPECT_FALSE(a.date.empty()) << s.id;
      }
    }
  }
  EXPECT_EQ(ids, expected);
  // The published bike-aid model runs from npm, unchanged.
  const ExternalModel* velo = c.FindModel("aides-velo");
  ASSERT_NE(velo, nullptr);
  ASSERT_NE(velo->model, nullptr);
  EXPECT_TRUE(velo->model->HasRule("aides . lyon"));
}

TEST(Catalog, LegalDeadlinesOfTheMission) {
  Result<CatalogPtr> loaded = LoadCatalog(kCatalog);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Step* naissance = (*loaded)->FindEvent("devenir-parent")->FindStep("declaration-naissance");
  ASSERT_NE(naissance, nullptr);
  ASSERT_TRUE(naissance->deadline);
  EXPECT_EQ(naissance->deadline->days, 5);
  EXPECT_THAT(naissance->deadline->law, HasSubstr("Code civil, art. 55"));
  const Step* carte_grise = (*loaded)->FindEvent("demenager")->FindStep("carte-grise");
  ASSERT_NE(carte_grise, nullptr);
  ASSERT_TRUE(carte_grise->deadline);
  EXPECT_EQ(carte_grise->deadline->months, 1);
  EXPECT_THAT(carte_grise->deadline->law, HasSubstr("R322-7"));
}

// A scratch catalogue: a copy of the shipped rules and administrations plus one event file.
class BrokenCatalog : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parcours-catalog-" + RandomHex(6));
    fs::create_directories(dir_ / "events");
    fs::copy(kCatalog / "rules", dir_ / "rules");
    fs::copy_file(kCatalog / "administrations.yaml", dir_ / "administrations.yaml");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WriteEvent(const std::string& body) {
    std::ofstream(dir_ / "events" / "test.yaml") << body;
  }
  std::vector<Diagnostic> Load() {
    std::vector<Diagnostic> diags;
    Result<CatalogPtr> loaded = LoadCatalog(dir_, &diags);
    EXPECT_FALSE(loaded.ok());
    if (!loaded.ok()) {
      EXPECT_EQ(loaded.status().reason(), "catalog.invalid");
      EXPECT_EQ(loaded.status().field_errors().size(), diags.size());
    }
    return diags;
  }
  static std::string Step(const std::string& id, const std::string& extra = "") {
    return "  - id: " + id + "\n"
           "    kind: information\n"
           "    title: {fr: \"Titre\", en: \"Title\"}\n"
           "    summary: {fr: \"Résumé\", en: \"Summary\"}\n"
           "    administration: mairie\n"
           "    why: {fr: \"Parce que\", en: \"Because\"}\n"
           "    channels: [counter]\n"
           "    references:\n"
           "      - label: {fr: \"Source\", en: \"Source\"}\n"
           "        url: https://www.service-public.fr\n"
           "        date: 2026-11-28\n" +
           extra;
  }
  static std::string Event(const std::string& steps) {
    return "id: test\n"
           "title: {fr: \"Test\", en: \"Test\"}\n"
           "description: {fr: \"Test\", en: \"Test\"}\n"
           "date_label: {fr: \"Date\", en: \"Date\"}\n"
           "steps:\n" +
           steps;
  }

  fs::path dir_;
};

TEST_F(BrokenCatalog, ValidEventLoads) {
  WriteEvent(Event(Step("a") + Step("b", "    depends_on: [a]\n    applicable_if: personne . salarié\n")));
  Result<CatalogPtr> loaded = LoadCatalog(dir_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->FindEvent("test")->steps.size(), 2u);
}

TEST_F(BrokenCatalog, UnknownAttributeKeyNamesFileAndLine) {
  WriteEvent(Event(Step("a", "    colour: blue\n")));
  std::vector<Diagnostic> diags = Load();
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].file, "events/test.yaml");
  EXPECT_EQ(diags[0].line, 17);
  EXPECT_THAT(diags[0].message, HasSubstr("colour"));
}

TEST_F(BrokenCatalog, BadExpressionIsReportedOnItsLine) {
  WriteEvent(Event(Step("a", "    applicable_if: personne . salarié = = oui\n")));
  std::vector<Diagnostic> diags = Load();
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].line, 17);
  EXPECT_THAT(diags[0].message, HasSubstr("applicable_if"));
}

TEST_F(BrokenCatalog, ReferenceToAnUnknownRuleIsReported) {
  WriteEvent(Event(Step("a", "    applicable_if: personne . licorne\n")));
  std::vector<Diagnostic> diags = Load();
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].line, 17);
}

TEST_F(BrokenCatalog, NumericConditionIsRefused) {
  WriteEvent(Event(Step("a", "    applicable_if: 3 + 4\n")));
  std::vector<Diagnostic> diags = Load();
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_THAT(diags[0].message, HasSubstr("condition"));
}

TEST_F(BrokenCatalog, UnknownStepReferenceAndCycleAreReported) {
  WriteEvent(Event(Step("a", "    depends_on: [b]\n") + Step("b", "    depends_on: [a]\n") +
                   Step("c", "    depends_on: [zzz]\n")));
  std::vector<Diagnostic> diags = Load();
  ASSERT_EQ(diags.size(), 2u);
  std::string all;
  for (const Diagnostic& d : diags) all += d.ToString() + "\n";
  EXPECT_THAT(all, HasSubstr("zzz"));
  EXPECT_THAT(all, HasSubstr("circulaires"));
}

TEST_F(BrokenCatalog, UnknownAdministrationAttributeAndChannel) {
  WriteEvent(Event(Step("a", "    needs: [personne . licorne]\n")) +
             "  - id: b\n    kind: teleportation\n    title: {fr: \"T\", en: \"T\"}\n"
             "    summary: {fr: \"S\", en: \"S\"}\n    administration: ministere-de-la-magie\n"
             "    why: {fr: \"W\", en: \"W\"}\n    channels: [pigeon]\n    references: []\n");
  std::vector<Diagnostic> diags = Load();
  std::string all;
  for (const Diagnostic& d : diags) all += d.ToString() + "\n";
  EXPECT_THAT(all, HasSubstr("personne . licorne"));
  EXPECT_THAT(all, HasSubstr("teleportation"));
  EXPECT_THAT(all, HasSubstr("ministere-de-la-magie"));
  EXPECT_THAT(all, HasSubstr("pigeon"));
  EXPECT_THAT(all, HasSubstr("source officielle"));
}

TEST_F(BrokenCatalog, AStepIsFulfilledByOneKnownDeclarationServiceOrSignal) {
  std::ofstream(dir_ / "exchange.yaml") << "services:\n  caf.adresse:\n    organisation: caf\n"
                                           "bundles:\n  changement-adresse:\n    services: [caf.adresse]\n";
  WriteEvent(Event(Step("a", "    fulfilled_by: {declaration: changement-adresse}\n") +
                   Step("b", "    fulfilled_by: {service: caf.adresse}\n") +
                   Step("c", "    fulfilled_by: {signal: fr.gouv.etat-civil.naissance.enregistree}\n")));
  Result<CatalogPtr> loaded = LoadCatalog(dir_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const auto& steps = (*loaded)->FindEvent("test")->steps;
  EXPECT_EQ(steps[0].fulfilled_by->declaration, "changement-adresse");
  EXPECT_EQ(steps[1].fulfilled_by->service, "caf.adresse");
  EXPECT_EQ(steps[2].fulfilled_by->signal, "fr.gouv.etat-civil.naissance.enregistree");

  WriteEvent(Event(Step("a", "    fulfilled_by: {declaration: demenagement}\n") +
                   Step("b", "    fulfilled_by: {service: cpam.adresse}\n") +
                   Step("c", "    fulfilled_by: {service: caf.adresse, signal: x}\n")));
  std::vector<Diagnostic> diags = Load();
  ASSERT_EQ(diags.size(), 3u);
  EXPECT_THAT(diags[0].message, HasSubstr("« demenagement »"));
  EXPECT_THAT(diags[1].message, HasSubstr("« cpam.adresse »"));
  EXPECT_THAT(diags[2].message, HasSubstr("exactement une"));
}

TEST_F(BrokenCatalog, ExchangeServicesNameAKnownOrganisation) {
  WriteEvent(Event(Step("a")));
  std::ofstream(dir_ / "exchange.yaml") << "services:\n"
                                           "  caf.adresse:\n"
                                           "    organisation: caf\n"
                                           "  retraite.adresse:\n"
                                           "    name: {fr: \"Retraite\", en: \"Pension\"}\n"
                                           "    organisation: carsat\n";
  std::vector<Diagnostic> diags = Load();
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].file, "exchange.yaml");
  EXPECT_EQ(diags[0].line, 6);
  EXPECT_THAT(diags[0].message, HasSubstr("« retraite.adresse »"));
  EXPECT_THAT(diags[0].message, HasSubstr("« carsat »"));
  EXPECT_THAT(diags[0].message, HasSubstr("caisse-retraite"));  // the known ids are listed
  std::ofstream(dir_ / "exchange.yaml") << "services:\n  retraite.adresse:\n    organisation: caisse-retraite\n";
  Result<CatalogPtr> loaded = LoadCatalog(dir_);
  EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
}

TEST(Catalog, EveryShippedExchangeServiceNamesAnAdministration) {
  Result<CatalogPtr> loaded = LoadCatalog(kCatalog);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const YAML::Node services = YAML::LoadFile((kCatalog / "exchange.yaml").string())["services"];
  ASSERT_TRUE(services.IsMap());
  std::set<std::string> organisations;
  for (const auto& entry : services) {
    const std::string id = entry.second["organisation"].as<std::string>();
    EXPECT_NE((*loaded)->FindAdministration(id), nullptr) << entry.first.as<std::string>() << ": " << id;
    organisations.insert(id);
  }
  // The pension fund's route and the moving-home step name it alike.
  EXPECT_TRUE(organisations.contains("caisse-retraite"));
}

TEST_F(BrokenCatalog, MissingEnglishAndMalformedYaml) {
  WriteEvent("id: test\ntitle: {fr: \"Test\"}\n");
  std::vector<Diagnostic> diags = Load();
  std::string all;
  for (const Diagnostic& d : diags) all += d.ToString() + "\n";
  EXPECT_THAT(all, HasSubstr("anglais"));
  WriteEvent("id: [unclosed\n");
  diags = Load();
  ASSERT_FALSE(diags.empty());
  EXPECT_THAT(diags[0].message, HasSubstr("YAML"));
}

TEST(Catalog, MissingFolderIsNotFound) {
  Result<CatalogPtr> loaded = LoadCatalog("/nonexistent/catalog");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kNotFound);
}

TEST_F(BrokenCatalog, InformationNamesKnownAttributesInBothLanguages) {
  WriteEvent(Event(Step("a", "    needs: [adresse . actuelle]\n")));
  std::ofstream(dir_ / "information.yaml") << "information:\n"
                                               "  adresse . actuelle:\n"
                                               "    label: {fr: \"Votre adresse\"}\n"
                                               "    vault: [adresse . voie]\n"
                                               "    recorded_since: hier\n"
                                               "  personne . licorne:\n"
                                               "    label: {fr: \"Licorne\", en: \"Unicorn\"}\n"
                                               "    couleur: rose\n";
  std::vector<Diagnostic> diags = Load();
  std::string all;
  for (const Diagnostic& d : diags) all += d.ToString() + "\n";
  EXPECT_THAT(all, HasSubstr("information.yaml:3"));  // no English label
  EXPECT_THAT(all, HasSubstr("personne . licorne"));
  EXPECT_THAT(all, HasSubstr("couleur"));
  EXPECT_THAT(all, HasSubstr("information.yaml:5"));  // recorded_since: only journey_start
  EXPECT_THAT(all, HasSubstr("journey_start"));
}

TEST(Catalog, InformationOfTheShippedCatalogue) {
  Result<CatalogPtr> loaded = LoadCatalog(kCatalog);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Information* address = (*loaded)->FindInformation("adresse . actuelle");
  ASSERT_NE(address, nullptr);
  EXPECT_EQ(address->label.en, "Your current address");
  EXPECT_EQ(address->vault.size(), 3u);
  EXPECT_FALSE(address->since_journey_start);
  const Information* next = (*loaded)->FindInformation("adresse . nouvelle");
  ASSERT_NE(next, nullptr);
  EXPECT_TRUE(next->since_journey_start);
  EXPECT_EQ((*loaded)->FindInformation("individu . nom"), nullptr);  // a vault attribute: its own label
}

}  // namespace
}  // namespace parcours::catalog
