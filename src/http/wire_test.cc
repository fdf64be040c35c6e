#include "wire.h"

#include <gtest/gtest.h>

#include <set>

#include "parcours/base/id.h"

namespace parcours::http::detail {
namespace {

std::string Head(int status, const Headers& headers, bool keep_alive = true,
                 std::size_t body_size = 5) {
  std::string out = "stale content";
  SerializeHead(status, headers, "rid-1", body_size, keep_alive, &out);
  return out;
}

TEST(SerializeHead, WritesStatusHeadersAndFraming) {
  Headers h{{"Content-Type", "text/plain"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}};
  std::string head = Head(200, h);
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(head.find("\r\nContent-Type: text/plain\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nX-Request-Id: rid-1\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nContent-Length: 5\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nDate: "), std::string::npos);
  EXPECT_EQ(head.find("Connection"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
  EXPECT_EQ(head.find("stale"), std::string::npos);
}

TEST(SerializeHead, ServerManagedAndUnsafeHeadersAreDropped) {
  Headers h{{"Content-Length", "999"},          {"Connection", "keep-alive"},
            {"Transfer-Encoding", "chunked"},   {"X-Evil", "a\r\nSet-Cookie: pwned=1"},
            {"Bad Name", "x"},                  {"X-Nul", std::string("a\0b", 3)},
            {"x-request-id", "from-handler"}};
  std::string head = Head(404, h, /*keep_alive=*/false);
  EXPECT_EQ(head.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  EXPECT_EQ(head.find("999"), std::string::npos);
  EXPECT_EQ(head.find("chunked"), std::string::npos);
  EXPECT_EQ(head.find("pwned"), std::string::npos);
  EXPECT_EQ(head.find("Bad Name"), std::string::npos);
  EXPECT_EQ(head.find("X-Nul"), std::string::npos);
  EXPECT_NE(head.find("x-request-id: from-handler\r\n"), std::string::npos);
  EXPECT_EQ(head.find("rid-1"), std::string::npos);
  EXPECT_NE(head.find("\r\nConnection: close\r\n"), std::string::npos);
}

TEST(SerializeHead, NoContentLengthWithoutBody) {
  for (int status : {100, 204, 304}) {
    EXPECT_EQ(Head(status, {}).find("Content-Length"), std::string::npos) << status;
    EXPECT_TRUE(NoBodyStatus(status));
  }
  EXPECT_FALSE(NoBodyStatus(200));
  EXPECT_EQ(Head(799, {}).rfind("HTTP/1.1 799 Unknown\r\n", 0), 0u);
  EXPECT_EQ(ReasonPhrase(413), "Content Too Large");
}

TEST(RequestIds, NewIdsAreDistinctUuidV7) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewRequestId();
    ASSERT_TRUE(IsValidId(id)) << id;
    ASSERT_EQ(id[14], '7');
    ASSERT_TRUE(seen.insert(id).second);
  }
}

TEST(RequestIds, OnlySaneClientIdsAreKept) {
  EXPECT_TRUE(IsSaneRequestId("abc-123_x.y:z"));
  EXPECT_FALSE(IsSaneRequestId(""));
  EXPECT_FALSE(IsSaneRequestId(std::string(129, 'a')));
  EXPECT_FALSE(IsSaneRequestId("a b"));
  EXPECT_FALSE(IsSaneRequestId("<script>"));
  EXPECT_FALSE(IsSaneRequestId("a\"b"));
}

TEST(OriginForm, StripsSchemeAndAuthority) {
  EXPECT_EQ(OriginForm("/a?b"), "/a?b");
  EXPECT_EQ(OriginForm("http://example.org/a?b"), "/a?b");
  EXPECT_EQ(OriginForm("HTTPS://example.org"), "/");
  EXPECT_EQ(OriginForm("ftp://example.org/a"), "ftp://example.org/a");
}

}  // namespace
}  // namespace parcours::http::detail
