#include "parcours/vault/validate.h"

#include <gtest/gtest.h>

#include "parcours/vault/attributes.h"

namespace parcours::vault {
namespace {

TEST(ValidateNir, AcceptsAValidKeyWithSpaces) {
  auto nir = ValidateNir("2 94 03 75 120 005 91");
  ASSERT_TRUE(nir.ok()) << nir.status().ToString();
  EXPECT_EQ(*nir, "294037512000591");
}

TEST(ValidateNir, AcceptsCorsica) {
  EXPECT_TRUE(ValidateNir("1 85 02 2A 004 123 08").ok());
  EXPECT_FALSE(ValidateNir("1 85 02 2B 004 123 08").ok());
}

TEST(ValidateNir, RejectsWrongKeyWithoutEchoingIt) {
  auto nir = ValidateNir("2 94 03 75 120 005 92");
  ASSERT_FALSE(nir.ok());
  EXPECT_EQ(nir.status().reason(), "vault.invalid_nir");
  EXPECT_EQ(nir.status().message().find("294"), std::string::npos);
  EXPECT_FALSE(ValidateNir("12345").ok());
  EXPECT_FALSE(ValidateNir("5 94 03 75 120 005 91").ok());
  EXPECT_FALSE(ValidateNir("2 94 13 75 120 005 91").ok());
}

TEST(ValidateIban, ChecksCountryLengthAndMod97) {
  auto iban = ValidateIban("fr76 3000 6000 0112 3456 7890 189");
  ASSERT_TRUE(iban.ok()) << iban.status().ToString();
  EXPECT_EQ(*iban, "FR7630006000011234567890189");
  EXPECT_TRUE(ValidateIban("DE89 3704 0044 0532 0130 00").ok());
  EXPECT_EQ(ValidateIban("FR76 3000 6000 0112 3456 7890 188").status().reason(), "vault.invalid_iban");
  EXPECT_FALSE(ValidateIban("FR76 3000 6000 0112 3456 7890 18").ok());
  EXPECT_FALSE(ValidateIban("XX76 3000 6000 0112 3456 7890 189").ok());
  EXPECT_FALSE(ValidateIban("FR76-3000-6000-0112-3456-7890-18!").ok());
}

TEST(ValidateEmail, AcceptsPlainAddressesOnly) {
  auto email = ValidateEmail("  camille.martin@Exemple.FR ");
  ASSERT_TRUE(email.ok());
  EXPECT_EQ(*email, "camille.martin@exemple.fr");
  for (const char* bad : {"camille", "camille@", "@exemple.fr", "a@b", "a@@b.fr", "a b@c.fr", "a@-b.fr", "a@b.f",
                          ".a@b.fr"}) {
    EXPECT_FALSE(ValidateEmail(bad).ok()) << bad;
  }
}

TEST(ValidatePhone, NormalisesToE164) {
  EXPECT_EQ(*ValidatePhone("06 12 34 56 78"), "+33612345678");
  EXPECT_EQ(*ValidatePhone("+33 (0)6 12 34 56 78"), "+33612345678");
  EXPECT_EQ(*ValidatePhone("0033612345678"), "+33612345678");
  EXPECT_EQ(*ValidatePhone("+44 20 7946 0958"), "+442079460958");
  for (const char* bad : {"0612", "00 00 00 00 00", "+33 12", "téléphone", "+0 1234567"}) {
    EXPECT_FALSE(ValidatePhone(bad).ok()) << bad;
  }
}

TEST(ValidateDate, AcceptsBothFormsAndRealDatesOnly) {
  EXPECT_EQ(*ValidateDate("05/03/1994"), "1994-03-05");
  EXPECT_EQ(*ValidateDate("2024-02-29"), "2024-02-29");
  EXPECT_FALSE(ValidateDate("2023-02-29").ok());
  EXPECT_FALSE(ValidateDate("31/04/2020").ok());
  EXPECT_FALSE(ValidateDate("1994-3-5").ok());
  EXPECT_FALSE(ValidateDate("hier").ok());
}

TEST(Communes, OfficialListIsEmbedded) {
  EXPECT_GT(CommuneCount(), 34000u);
  auto bordeaux = FindCommune("33063");
  ASSERT_TRUE(bordeaux.has_value());
  EXPECT_EQ(bordeaux->name, "Bordeaux");
  EXPECT_TRUE(FindCommune("2A004").has_value());  // Ajaccio
  EXPECT_FALSE(CommunesForPostcode("69001").empty());
}

TEST(Communes, PostcodeMustServeTheCommune) {
  EXPECT_TRUE(CheckPostcodeCommune("33000", "33063").ok());
  EXPECT_TRUE(CheckPostcodeCommune("59000", "59350").ok());  // Lille
  Status mismatch = CheckPostcodeCommune("69001", "33063");
  EXPECT_EQ(mismatch.reason(), "vault.postcode_commune_mismatch");
  EXPECT_NE(mismatch.message().find("Bordeaux"), std::string::npos);
  EXPECT_EQ(ValidatePostcode("00000").status().reason(), "vault.unknown_postcode");
  EXPECT_EQ(ValidateCommune("99999").status().reason(), "vault.unknown_commune");
  EXPECT_EQ(ValidatePostcode("3300").status().reason(), "vault.invalid_postcode");
}

TEST(Values, CanonicalAndPublicodesForms) {
  AttributeRegistry r = AttributeRegistry::Default();
  const AttributeDef* salary = r.Find("revenus . salaire net mensuel");
  ASSERT_NE(salary, nullptr);
  EXPECT_TRUE(salary->sensitive);
  EXPECT_EQ(*CanonicalValue(*salary, "2 400,50 €/mois"), "2400.5");
  EXPECT_EQ(PublicodesLiteral(*salary, "2400.5"), "2400.5 €/mois");
  EXPECT_EQ(CanonicalValue(*salary, "-3").status().reason(), "vault.out_of_range");
  const AttributeDef* birth = r.Find("individu . date de naissance");
  EXPECT_EQ(PublicodesLiteral(*birth, "1994-03-05"), "05/03/1994");
  const AttributeDef* status = r.Find("activité . statut");
  EXPECT_EQ(PublicodesLiteral(*status, "salarié"), "'salarié'");
  auto bad = CanonicalValue(*status, "astronaute");
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.status().field_errors().size(), 1u);
  EXPECT_EQ(bad.status().field_errors()[0].field, "activité . statut");
  const AttributeDef* mdph = r.Find("handicap . reconnaissance MDPH");
  EXPECT_EQ(*CanonicalValue(*mdph, "Oui"), "oui");
  EXPECT_EQ(PublicodesLiteral(*r.Find("individu . nom"), "N'Diaye"), "\"N'Diaye\"");
  EXPECT_EQ(DisplayValue(*r.Find("banque . IBAN"), "FR7630006000011234567890189"), "FR76 3000 6000 0112 3456 7890 189");
}

// The reason of a refusal's one field error (the caller names the field).
std::string FieldReason(const Status& s) {
  EXPECT_EQ(s.field_errors().size(), 1u) << s.ToString();
  return s.field_errors().empty() ? "" : s.field_errors()[0].reason;
}

TEST(Reasons, EveryRefusalSaysWhyWithoutTheMessage) {
  EXPECT_EQ(FieldReason(ValidateNir("12345").status()), kNirFormat);
  EXPECT_EQ(FieldReason(ValidateNir("5 94 03 75 120 005 91").status()), kNirFirstDigit);
  EXPECT_EQ(FieldReason(ValidateNir("2 94 13 75 120 005 91").status()), kNirMonth);
  EXPECT_EQ(FieldReason(ValidateNir("2 94 03 75 120 005 92").status()), kNirKey);
  EXPECT_EQ(FieldReason(ValidateIban("FR76 3000").status()), kIbanFormat);
  EXPECT_EQ(FieldReason(ValidateIban("US76 3000 6000 0112 3456 7890 189").status()), kIbanCountry);
  EXPECT_EQ(FieldReason(ValidateIban("FR76 3000 6000 0112 3456 7890 188").status()), kIbanChecksum);
  EXPECT_EQ(FieldReason(ValidateDate("5 mars").status()), kBadDate);
  EXPECT_EQ(FieldReason(ValidateDate("30/02/2001").status()), kNonexistentDate);
  EXPECT_EQ(FieldReason(ValidateDate("1800-01-01").status()), kDateOutOfRange);  // real, out of bounds
  EXPECT_EQ(FieldReason(ValidateEmail("nom.domaine.fr").status()), kBadEmail);
  EXPECT_EQ(FieldReason(ValidatePhone("12").status()), kBadPhone);
  EXPECT_EQ(FieldReason(ValidatePostcode("3300").status()), kPostcodeFormat);
  EXPECT_EQ(FieldReason(ValidatePostcode("00000").status()), kUnknownPostcode);
  EXPECT_EQ(FieldReason(ValidateCommune("330").status()), kCommuneFormat);
  EXPECT_EQ(FieldReason(ValidateCommune("99999").status()), kUnknownCommune);
  Status mismatch = CheckPostcodeCommune("69001", "33063");
  EXPECT_EQ(FieldReason(mismatch), kPostcodeCommuneMismatch);
  EXPECT_EQ(mismatch.field_errors()[0].params.at("commune"), "Bordeaux");
  // The field error repeats the refusal's French message; OnField names the field.
  Status named = OnField(ValidateNir("12345").status(), "individu . NIR");
  ASSERT_EQ(named.field_errors().size(), 1u);
  EXPECT_EQ(named.field_errors()[0].field, "individu . NIR");
  EXPECT_EQ(named.field_errors()[0].message, named.message());
  EXPECT_EQ(named.reason(), "vault.invalid_nir");
}

TEST(Reasons, ValuesGiveTheirBoundsAndChoices) {
  AttributeRegistry r = AttributeRegistry::Default();
  const AttributeDef* salary = r.Find("revenus . salaire net mensuel");
  ASSERT_NE(salary, nullptr);
  ASSERT_TRUE(salary->min.has_value());
  auto negative = CanonicalValue(*salary, "-3");
  ASSERT_EQ(negative.status().field_errors().size(), 1u);
  const FieldError& below = negative.status().field_errors()[0];
  EXPECT_EQ(below.field, "revenus . salaire net mensuel");
  EXPECT_EQ(below.reason, kOutOfRange);
  EXPECT_EQ(below.params, (std::map<std::string, std::string>{{"min", "0"}}));
  EXPECT_EQ(FieldReason(CanonicalValue(*salary, "beaucoup").status()), kNotANumber);
  EXPECT_EQ(FieldReason(CanonicalValue(*r.Find("handicap . reconnaissance MDPH"), "bof").status()), kNotBoolean);
  const AttributeDef* name = r.Find("individu . nom");
  EXPECT_EQ(FieldReason(CanonicalValue(*name, "  ").status()), kEmptyValue);
  auto too_long = CanonicalValue(*name, std::string(501, 'a'));
  EXPECT_EQ(FieldReason(too_long.status()), kTooLong);
  EXPECT_EQ(too_long.status().field_errors()[0].params.at("max"), "500");
  EXPECT_EQ(FieldReason(CanonicalValue(*name, "a\tb").status()), kForbiddenCharacters);
  auto astronaut = CanonicalValue(*r.Find("activité . statut"), "astronaute");
  EXPECT_EQ(FieldReason(astronaut.status()), kUnknownChoice);
  EXPECT_NE(astronaut.status().field_errors()[0].params.at("choices").find("salarié"), std::string::npos);
}

}  // namespace
}  // namespace parcours::vault
