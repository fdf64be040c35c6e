#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "openapi_embedded.h"
#include "parcours/api/system.h"
#include "yaml_json.h"

namespace parcours::api {
namespace {

using nlohmann::json;

TEST(YamlToJsonTest, FollowsTheCoreSchemaForPlainScalarsOnly) {
  auto doc = detail::YamlToJson(
      "a: 3\nb: '3'\nc: 3.5\nd: true\ne: ~\nf: 3.1.0\ng: \"true\"\nh: [1, x]\ni: -2e3\n", "t");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ((*doc)["a"], 3);
  EXPECT_EQ((*doc)["b"], "3");
  EXPECT_EQ((*doc)["c"], 3.5);
  EXPECT_EQ((*doc)["d"], true);
  EXPECT_TRUE((*doc)["e"].is_null());
  EXPECT_EQ((*doc)["f"], "3.1.0");
  EXPECT_EQ((*doc)["g"], "true");
  EXPECT_EQ((*doc)["h"], json::array({1, "x"}));
  EXPECT_EQ((*doc)["i"], -2000.0);
}

TEST(YamlToJsonTest, MalformedYamlNamesTheFileAndLine) {
  auto doc = detail::YamlToJson("a: 1\nb: [unclosed\n", "api/openapi/x.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().reason(), "api.openapi_invalid");
  EXPECT_NE(doc.status().message().find("api/openapi/x.yaml"), std::string::npos);
}

TEST(OpenApiTest, EmbeddedDocumentIsOpenApi310WithSystemPaths) {
  auto text = OpenApiDocument();
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  json doc = json::parse(*text);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_TRUE(doc["paths"].contains("/healthz"));
  EXPECT_TRUE(doc["paths"].contains("/openapi.json"));
  EXPECT_TRUE(doc["components"]["schemas"].contains("Problem"));
}

constexpr std::string_view kRoot =
    "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a: {get: {responses: {}}}\n"
    "components:\n  schemas:\n    A: {type: object}\ntags: [{name: a}]\n";

TEST(OpenApiTest, FragmentsAreMerged) {
  auto text = detail::BuildOpenApi(
      {{"root", kRoot},
       {"f1", "paths:\n  /b: {get: {responses: {}}}\ncomponents:\n  schemas:\n    B: {type: string}\n"
              "  responses:\n    R: {description: r}\ntags: [{name: b}]\n"},
       {"f2", ""}});
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  json doc = json::parse(*text);
  EXPECT_TRUE(doc["paths"].contains("/a"));
  EXPECT_TRUE(doc["paths"].contains("/b"));
  EXPECT_TRUE(doc["components"]["schemas"].contains("A"));
  EXPECT_TRUE(doc["components"]["schemas"].contains("B"));
  EXPECT_TRUE(doc["components"]["responses"].contains("R"));
  EXPECT_EQ(doc["tags"].size(), 2u);
}

TEST(OpenApiTest, DuplicatesAndStrayKeysAreRejected) {
  auto dup_path = detail::BuildOpenApi({{"root", kRoot}, {"f", "paths:\n  /a: {}\n"}});
  ASSERT_FALSE(dup_path.ok());
  EXPECT_NE(dup_path.status().message().find("paths//a"), std::string::npos);
  auto dup_schema =
      detail::BuildOpenApi({{"root", kRoot}, {"f", "components:\n  schemas:\n    A: {}\n"}});
  EXPECT_FALSE(dup_schema.ok());
  auto stray = detail::BuildOpenApi({{"root", kRoot}, {"f", "info: {title: x}\n"}});
  ASSERT_FALSE(stray.ok());
  EXPECT_NE(stray.status().message().find("info"), std::string::npos);
  auto wrong_version = detail::BuildOpenApi({{"root", "openapi: 3.0.3\n"}});
  EXPECT_FALSE(wrong_version.ok());
}

}  // namespace
}  // namespace parcours::api
