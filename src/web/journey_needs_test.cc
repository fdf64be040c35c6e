// What a step page says each step needs, over the shipped catalogue: every piece of
// information reads as words in both languages, and what the vault may hold of it is a
// vault attribute (journey_forms.h DescribeNeed).
#include <gtest/gtest.h>

#include "journey_forms.h"
#include "parcours/catalog/catalog.h"
#include "parcours/vault/attributes.h"

namespace parcours::web::detail {
namespace {

TEST(StepNeeds, EveryNeedOfTheCatalogueReadsAsWordsAndMapsToTheVault) {
  auto loaded = catalog::LoadCatalog(std::string(PARCOURS_SOURCE_DIR) + "/catalog");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const catalog::Catalog& cat = **loaded;
  const vault::AttributeRegistry registry = vault::AttributeRegistry::Default();
  int needs = 0;
  for (const catalog::Event& event : cat.events()) {
    for (const catalog::Step& step : event.steps) {
      for (const std::string& need : step.needs) {
        ++needs;
        const std::string where = event.id + "/" + step.id + ": " + need;
        const NeedView fr = DescribeNeed(cat, event, &registry, need, "fr");
        const NeedView en = DescribeNeed(cat, event, &registry, need, "en");
        EXPECT_NE(fr.label, need) << where << " has no label (a question, a vault attribute or information.yaml)";
        EXPECT_NE(en.label, need) << where;
        EXPECT_FALSE(fr.label.empty() || en.label.empty()) << where;
        for (const std::string& part : fr.vault) {
          EXPECT_TRUE(registry.Find(part) != nullptr || journeys::FindQuestion(cat, event, part) != nullptr)
              << where << ": " << part << " is no vault attribute";
        }
      }
    }
  }
  EXPECT_GT(needs, 100);
}

TEST(StepNeeds, AnAddressIsKnownFromItsPartsANewOneOnceRecordedDuringTheJourney) {
  auto loaded = catalog::LoadCatalog(std::string(PARCOURS_SOURCE_DIR) + "/catalog");
  ASSERT_TRUE(loaded.ok());
  const catalog::Event& moving = *(*loaded)->FindEvent("demenager");
  const vault::AttributeRegistry registry = vault::AttributeRegistry::Default();
  const NeedView current = DescribeNeed(**loaded, moving, &registry, "adresse . actuelle", "en");
  EXPECT_EQ(current.label, "Your current address");
  EXPECT_EQ(current.vault, (std::vector<std::string>{"adresse . voie", "adresse . code postal", "adresse . commune"}));
  EXPECT_FALSE(current.since_journey_start);
  // The new address: the vault's, with its moving-in date, once recorded since the journey began.
  const NeedView next = DescribeNeed(**loaded, moving, &registry, "adresse . nouvelle", "fr");
  EXPECT_EQ(next.vault, (std::vector<std::string>{"adresse . voie", "adresse . code postal", "adresse . commune",
                                                  "adresse . date d'emménagement"}));
  EXPECT_TRUE(next.since_journey_start);
  // A vault attribute is itself.
  const NeedView nir = DescribeNeed(**loaded, moving, &registry, "individu . NIR", "fr");
  EXPECT_EQ(nir.label, "Numéro de sécurité sociale");
  EXPECT_EQ(nir.vault, std::vector<std::string>{"individu . NIR"});
}

}  // namespace
}  // namespace parcours::web::detail
