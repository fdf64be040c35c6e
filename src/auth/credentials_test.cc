#include "parcours/auth/credentials.h"

#include <gtest/gtest.h>

namespace parcours::auth {
namespace {

// RFC 6238 Appendix B: the seeds are the ASCII digits repeated to the hash's key length.
struct Vector {
  int64_t time;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};
constexpr Vector kVectors[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
};

TEST(Totp, MatchesRfc6238Vectors) {
  const std::string seed20 = "12345678901234567890";
  const std::string seed32 = seed20 + "123456789012";
  const std::string seed64 = seed20 + seed20 + seed20 + "1234";
  for (const auto& v : kVectors) {
    EXPECT_EQ(TotpCode(seed20, v.time, {TotpAlgorithm::kSha1, 8, 30}), v.sha1) << v.time;
    EXPECT_EQ(TotpCode(seed32, v.time, {TotpAlgorithm::kSha256, 8, 30}), v.sha256) << v.time;
    EXPECT_EQ(TotpCode(seed64, v.time, {TotpAlgorithm::kSha512, 8, 30}), v.sha512) << v.time;
  }
}

TEST(Totp, VerifyAcceptsDriftWithinWindowOnly) {
  const std::string secret = "12345678901234567890";
  const std::string code = TotpCode(secret, 1111111109);  // 6 digits: "081804"
  EXPECT_EQ(code, "081804");
  EXPECT_EQ(VerifyTotp(secret, code, 1111111109), 1111111109 / 30);
  EXPECT_TRUE(VerifyTotp(secret, code, 1111111109 + 30).has_value());
  EXPECT_FALSE(VerifyTotp(secret, code, 1111111109 + 90).has_value());
  EXPECT_FALSE(VerifyTotp(secret, "000000", 1111111109).has_value());
  EXPECT_FALSE(VerifyTotp(secret, "08180", 1111111109).has_value());
}

TEST(Totp, Base32RoundTripAndRfc4648Vectors) {
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32Decode("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(Base32Decode("mzxw6ytboi"), "foobar");
  EXPECT_FALSE(Base32Decode("MZ1W").has_value());
  std::string secret = NewTotpSecret();
  EXPECT_EQ(secret.size(), 20u);
  EXPECT_EQ(Base32Decode(Base32Encode(secret)), secret);
  EXPECT_EQ(TotpUri("12345", "sophie", "Parcours"),
            "otpauth://totp/Parcours%3Asophie?secret=GEZDGNBV&issuer=Parcours&algorithm=SHA1&"
            "digits=6&period=30");
}

TEST(Password, Argon2idHashVerifies) {
  PasswordCost cheap{1, 8u << 20};
  auto hash = HashPassword("correct horse battery", cheap);
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse batterz"));
  EXPECT_FALSE(VerifyPassword("$argon2i$v=19$garbage", "correct horse battery"));
  EXPECT_FALSE(VerifyPassword("", "x"));
  auto again = HashPassword("correct horse battery", cheap);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*hash, *again);  // salted
}

TEST(Password, TooShortIsRefusedWithFieldError) {
  auto r = HashPassword("short");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "auth.password_weak");
  ASSERT_EQ(r.status().field_errors().size(), 1u);
  EXPECT_EQ(r.status().field_errors()[0].field, "password");
}

}  // namespace
}  // namespace parcours::auth
