#include "parcours/auth/jwt.h"

#include <gtest/gtest.h>

#include "encoding.h"
#include "test_keys.h"

namespace parcours::auth {
namespace {

using testing::TestKey;

constexpr int64_t kNow = 1'800'000'000;

nlohmann::json Claims() {
  return {{"iss", "https://idp.example"}, {"aud", "parcours"}, {"sub", "abc"},
          {"exp", kNow + 60},           {"iat", kNow - 5},     {"nonce", "n-1"},
          {"acr", "eidas1"}};
}

IdTokenExpectations Expect() {
  IdTokenExpectations e;
  e.issuer = "https://idp.example";
  e.client_id = "parcours";
  e.nonce = "n-1";
  e.accepted_acr = {"eidas1"};
  e.now_s = kNow;
  return e;
}

class JwtTest : public ::testing::TestWithParam<const char*> {};

TEST_P(JwtTest, VerifiesGenuineTokenAndRefusesTampering) {
  TestKey key(GetParam(), "k1");
  auto jwks = Jwks::Parse({{"keys", {key.Jwk()}}});
  ASSERT_TRUE(jwks.ok()) << jwks.status().ToString();
  std::string token = key.Sign(Claims());
  auto verified = jwks->Verify(token);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->payload["sub"], "abc");
  EXPECT_TRUE(CheckIdTokenClaims(verified->payload, Expect()).ok());

  // Payload swapped for another one: signature no longer matches.
  auto forged_claims = Claims();
  forged_claims["sub"] = "someone-else";
  std::string forged = token.substr(0, token.find('.') + 1) +
                       detail::Base64UrlEncode(forged_claims.dump()) +
                       token.substr(token.rfind('.'));
  EXPECT_EQ(jwks->Verify(forged).status().reason(), "auth.token_signature");
}

INSTANTIATE_TEST_SUITE_P(Algorithms, JwtTest, ::testing::Values("RS256", "ES256"));

TEST(Jwt, RefusesTokensSignedByAnotherKey) {
  TestKey genuine("RS256", "k1");
  TestKey attacker("RS256", "k1");
  auto jwks = Jwks::Parse({{"keys", {genuine.Jwk()}}});
  ASSERT_TRUE(jwks.ok());
  EXPECT_EQ(jwks->Verify(attacker.Sign(Claims())).status().reason(), "auth.token_signature");
  TestKey other_kid("RS256", "k2");
  EXPECT_EQ(jwks->Verify(other_kid.Sign(Claims())).status().reason(), "auth.token_unknown_key");
}

TEST(Jwt, RefusesNoneAndHmacAlgorithms) {
  TestKey key("RS256", "k1");
  auto jwks = Jwks::Parse({{"keys", {key.Jwk()}}});
  ASSERT_TRUE(jwks.ok());
  std::string none = detail::Base64UrlEncode(R"({"alg":"none"})") + "." +
                     detail::Base64UrlEncode(Claims().dump()) + ".";
  EXPECT_EQ(jwks->Verify(none).status().reason(), "auth.token_algorithm");
  EXPECT_EQ(jwks->Verify(key.Sign(Claims(), "HS256")).status().reason(), "auth.token_algorithm");
  // An RS256 signature presented as ES256 finds no ES256 key.
  EXPECT_EQ(jwks->Verify(key.Sign(Claims(), "ES256")).status().code(),
            StatusCode::kUnauthenticated);
}

TEST(Jwt, MalformedTokensAreValuesNotCrashes) {
  TestKey key("ES256", "k1");
  auto jwks = Jwks::Parse({{"keys", {key.Jwk()}}});
  ASSERT_TRUE(jwks.ok());
  for (const char* bad : {"", ".", "..", "a.b.c", "a.b.c.d", "eyJ.eyJ.!!", "e30.e30.e30"}) {
    auto r = jwks->Verify(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << bad;
  }
}

TEST(Jwt, JwksWithoutUsableKeysIsRefused) {
  EXPECT_EQ(Jwks::Parse(nlohmann::json::object()).status().reason(), "auth.jwks_invalid");
  EXPECT_EQ(Jwks::Parse({{"keys", {{{"kty", "oct"}, {"k", "AAAA"}}}}}).status().reason(),
            "auth.jwks_invalid");
  EXPECT_EQ(Jwks::Parse({{"keys", {{{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}}}}})
                .status()
                .reason(),
            "auth.jwks_invalid");
}

TEST(IdTokenClaims, EachWrongClaimHasItsReason) {
  auto check = [](const char* field, nlohmann::json value) {
    auto c = Claims();
    if (value.is_null()) {
      c.erase(field);
    } else {
      c[field] = std::move(value);
    }
    return CheckIdTokenClaims(c, Expect()).reason();
  };
  EXPECT_EQ(check("iss", "https://evil.example"), "auth.token_issuer");
  EXPECT_EQ(check("aud", "other-client"), "auth.token_audience");
  EXPECT_EQ(check("aud", nlohmann::json::array({"parcours", "x"})), "auth.token_audience");
  EXPECT_EQ(check("exp", kNow - 120), "auth.token_expired");
  EXPECT_EQ(check("exp", nullptr), "auth.token_expired");
  EXPECT_EQ(check("iat", kNow + 3600), "auth.token_issued_at");
  EXPECT_EQ(check("iat", kNow - 7200), "auth.token_issued_at");
  EXPECT_EQ(check("nonce", "replayed"), "auth.token_nonce");
  EXPECT_EQ(check("nonce", nullptr), "auth.token_nonce");
  EXPECT_EQ(check("acr", "eidas0"), "auth.token_acr");
  EXPECT_EQ(check("sub", ""), "auth.token_subject");
  auto c = Claims();
  c["aud"] = {"parcours", "x"};
  c["azp"] = "parcours";
  EXPECT_TRUE(CheckIdTokenClaims(c, Expect()).ok());
}

}  // namespace
}  // namespace parcours::auth
