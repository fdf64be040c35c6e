#include <gtest/gtest.h>

#include <limits>

#include "parcours/store/store.h"

namespace parcours::store {
namespace {

Row MakeRow(std::vector<Value> values) {
  auto names = std::make_shared<std::vector<std::string>>();
  for (std::size_t i = 0; i < values.size(); ++i) names->push_back("c" + std::to_string(i));
  return Row(std::move(names), std::move(values));
}

TEST(RowTest, GettersConvertBetweenNumericAndTextForms) {
  Row r = MakeRow({int64_t{42}, 2.9, std::string("17"), std::string("abc"), Blob{"\x01\x02"},
                   Value(), -2.9, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(r.Int("c0"), 42);
  EXPECT_EQ(r.Text("c0"), "42");
  EXPECT_DOUBLE_EQ(r.Double("c0"), 42.0);
  EXPECT_EQ(r.Int("c1"), 2);  // truncated
  EXPECT_EQ(r.Int("c6"), -2);
  EXPECT_EQ(r.Int("c7"), std::numeric_limits<int64_t>::max());  // saturated
  EXPECT_EQ(r.Text("c1"), "2.9");
  EXPECT_EQ(r.Int("c2"), 17);
  EXPECT_DOUBLE_EQ(r.Double("c2"), 17.0);
  EXPECT_EQ(r.Int("c3"), 0);  // not a number
  EXPECT_EQ(r.Bytes("c4"), "\x01\x02");
  EXPECT_EQ(r.Bytes("c2"), "17");
  EXPECT_TRUE(r.IsNull("c5"));
  EXPECT_EQ(r.OptInt("c5"), std::nullopt);
  EXPECT_EQ(r.OptText("c5"), std::nullopt);
  EXPECT_EQ(r.OptInt("c0"), 42);
  EXPECT_EQ(r.OptText("c3"), "abc");
  EXPECT_FALSE(r.Bool("c5"));
  EXPECT_TRUE(r.Bool("c0"));
  EXPECT_EQ(r.size(), 8u);
}

TEST(RowTest, NullableBindsNullForAnEmptyOptional) {
  EXPECT_EQ(Nullable(std::optional<int64_t>()), Value());
  EXPECT_EQ(Nullable(std::optional<int64_t>(5)), Value(int64_t{5}));
  EXPECT_EQ(Nullable(std::optional<std::string>("x")), Value(std::string("x")));
}

}  // namespace
}  // namespace parcours::store
