#include "parcours/vault/crypto.h"

#include <gtest/gtest.h>

namespace parcours::vault {
namespace {

TEST(KeyRing, SealsAndOpensUnderTheActiveKey) {
  auto ring = KeyRing::Parse(KeyRing::GenerateKeyLine() + "\n" + KeyRing::GenerateKeyLine());
  ASSERT_TRUE(ring.ok()) << ring.status().ToString();
  EXPECT_EQ(ring->size(), 2u);
  Sealed s = ring->Seal("p1\x1fnir", "294037512000591");
  EXPECT_EQ(s.key_id, ring->active_key_id());
  EXPECT_EQ(s.bytes.find("294037512000591"), std::string::npos);
  auto plain = ring->Open("p1\x1fnir", s);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, "294037512000591");
}

TEST(KeyRing, RefusesAnotherContextOrTamperedBytes) {
  auto ring = *KeyRing::Parse(KeyRing::GenerateKeyLine());
  Sealed s = ring.Seal("p1\x1fnir", "secret");
  EXPECT_EQ(ring.Open("p2\x1fnir", s).status().reason(), "vault.decrypt_failed");
  Sealed tampered = s;
  tampered.bytes.back() ^= 1;
  EXPECT_EQ(ring.Open("p1\x1fnir", tampered).status().reason(), "vault.decrypt_failed");
  Sealed unknown = s;
  unknown.key_id = "nope";
  EXPECT_EQ(ring.Open("p1\x1fnir", unknown).status().reason(), "vault.unknown_key");
}

TEST(KeyRing, OlderKeysStillOpenAfterANewOneIsAppended) {
  std::string first = KeyRing::GenerateKeyLine();
  auto old_ring = *KeyRing::Parse(first);
  Sealed s = old_ring.Seal("c", "v");
  auto new_ring = *KeyRing::Parse(first + "\n# rotated\n" + KeyRing::GenerateKeyLine());
  EXPECT_NE(new_ring.active_key_id(), s.key_id);
  EXPECT_EQ(*new_ring.Open("c", s), "v");
}

TEST(KeyRing, RejectsMalformedFilesWithoutEchoingKeys) {
  EXPECT_EQ(KeyRing::Parse("").status().reason(), "vault.no_key");
  auto short_key = KeyRing::Parse("k1 c2hvcnQ=");
  EXPECT_EQ(short_key.status().reason(), "vault.bad_key_file");
  EXPECT_EQ(short_key.status().message().find("c2hvcnQ"), std::string::npos);
  EXPECT_EQ(KeyRing::Parse("k1").status().reason(), "vault.bad_key_file");
  std::string line = KeyRing::GenerateKeyLine();
  EXPECT_EQ(KeyRing::Parse(line + "\n" + line).status().reason(), "vault.bad_key_file");
}

}  // namespace
}  // namespace parcours::vault
