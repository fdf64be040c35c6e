// Hostile and broken clients against a real Server: every case gets the right 4xx
// problem+json or a closed connection, the server keeps answering, and no connection leaks.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "parcours/base/id.h"
#include "parcours/http/middleware.h"
#include "parcours/http/server.h"
#include "raw_client.h"

namespace parcours::http {
namespace {

using namespace std::chrono_literals;
using testing::OpenFdCount;
using testing::RawConnection;
using testing::RawResponse;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Use(SecurityHeaders());
    router_.Add("GET", "/healthz", HealthHandler());
    router_.Add("POST", "/echo", [](Request& r) {
      auto body = r.JsonBody();
      if (!body.ok()) return Problem(body.status(), r.request_id);
      return Response::Json({{"echo", *body}});
    });
    router_.Add("POST", "/upload", [](Request& r) {
      return Response::Json({{"bytes", r.body.size()}});
    });
    router_.Add("GET", "/big", [](Request&) {
      return Response::Text(std::string(16 * 1024 * 1024, 'b'));
    });
    router_.Add("GET", "/slow", [this](Request&) {
      slow_started_.set_value();
      std::this_thread::sleep_for(400ms);
      return Response::Text("done");
    });
  }

  void Start(ServerOptions options = {}, bool handle_signals = false) {
    options.address = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.handle_signals = handle_signals;
    if (options.max_header_bytes == ServerOptions{}.max_header_bytes) options.max_header_bytes = 4096;
    if (options.max_body_bytes == ServerOptions{}.max_body_bytes) options.max_body_bytes = 1024;
    if (options.read_timeout == ServerOptions{}.read_timeout) options.read_timeout = 1000ms;
    server_ = Server::Create(options, router_);
    ASSERT_TRUE(server_->Listen().ok());
    port_ = server_->BoundPort();
    ASSERT_NE(port_, 0);
    runner_ = std::thread([this] { server_->Run(); });
    // Baseline: the server's own descriptors exist, no client connection yet.
    ASSERT_TRUE(Get("/healthz").has_value());
    ASSERT_TRUE(WaitNoConnections());
    baseline_fds_ = OpenFdCount();
  }

  void TearDown() override {
    if (server_ && runner_.joinable()) {
      server_->Stop();
      runner_.join();
    }
  }

  bool WaitNoConnections() {
    for (int i = 0; i < 300 && server_->OpenConnections() != 0; ++i) {
      std::this_thread::sleep_for(10ms);
    }
    return server_->OpenConnections() == 0;
  }

  std::optional<RawResponse> Get(const std::string& target) {
    RawConnection c(port_);
    if (!c.Send("GET " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")) {
      return std::nullopt;
    }
    return c.Read();
  }

  // After a hostile case: the server still answers and holds no connection or descriptor.
  void ExpectHealthyAndNoLeak() {
    auto r = Get("/healthz");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(WaitNoConnections());
    EXPECT_EQ(OpenFdCount(), baseline_fds_);
  }

  static nlohmann::json Json(const RawResponse& r) { return nlohmann::json::parse(r.body); }

  static void ExpectProblem(const RawResponse& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.Header("content-type"), "application/problem+json");
    auto body = Json(r);
    EXPECT_EQ(body["status"], status);
    EXPECT_EQ(body["code"], code);
    EXPECT_FALSE(body["title"].get<std::string>().empty());
    EXPECT_FALSE(body["request_id"].get<std::string>().empty());
  }

  Router router_;
  std::unique_ptr<Server> server_;
  std::thread runner_;
  int port_ = 0;
  int baseline_fds_ = 0;
  std::promise<void> slow_started_;
};

TEST_F(ServerTest, MalformedRequestLinesGet400ThenClose) {
  Start();
  for (const char* bad : {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET  HTTP/1.1\r\n\r\n",
                          "G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n",
                          "GET / HTTP/1.1\r\nBad Header\r\n\r\n"}) {
    RawConnection c(port_);
    ASSERT_TRUE(c.Send(bad));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value()) << bad;
    ExpectProblem(*r, 400, "http.malformed_request");
    EXPECT_EQ(r->Header("connection"), "close");
    EXPECT_TRUE(c.WaitClosed(2s)) << bad;
  }
  ExpectHealthyAndNoLeak();
}

TEST_F(ServerTest, BadTargetGets400) {
  Start();
  RawConnection c(port_);
  ASSERT_TRUE(c.Send("GET /a/../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  ExpectProblem(*r, 400, "http.bad_target");
  // Absolute-form targets are accepted (RFC 9112 3.2.2).
  ASSERT_TRUE(c.Send("GET http://example.org/healthz HTTP/1.1\r\nHost: example.org\r\n\r\n"));
  auto absolute = c.Read();
  ASSERT_TRUE(absolute.has_value());
  EXPECT_EQ(absolute->status, 200);
  c.Close();
  ExpectHealthyAndNoLeak();
}

TEST_F(ServerTest, OversizedHeaderGets431ThenClose) {
  Start();
  RawConnection c(port_);
  c.Send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n");
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  ExpectProblem(*r, 431, "http.header_too_large");
  EXPECT_TRUE(c.WaitClosed(3s));
  c.Close();
  ExpectHealthyAndNoLeak();
}

TEST_F(ServerTest, OversizedContentLengthGets413BeforeTheBody) {
  Start();
  RawConnection c(port_);
  ASSERT_TRUE(c.Send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                     "Content-Length: 100000\r\n\r\n"));
  auto r = c.Read();  // no body byte was sent
  ASSERT_TRUE(r.has_value());
  ExpectProblem(*r, 413, "http.body_too_large");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed(5s));
  c.Close();
  ExpectHealthyAndNoLeak();
}

TEST_F(ServerTest, OversizedChunkedBodyGets413) {
  Start();
  RawConnection c(port_);
  std::string chunk(512, 'x');
  std::string request = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) request += "200\r\n" + chunk + "\r\n";
  request += "0\r\n\r\n";
  c.Send(request);
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  ExpectProblem(*r, 413, "http.body_too_large");
  EXPECT_TRUE(c.WaitClosed(5s));
  c.Close();
  ExpectHealthyAndNoLeak();
}

TEST_F(ServerTest, BodyWithinTheLimitIsAccepted) {
  Start();
  RawConnection c(port_);
  std::string body(1000, 'y');
  ASSERT_TRUE(c.Send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + body));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Json(*r)["bytes"], 1000);
  // Chunked, within the limit, with Expect: 100-continue.
  ASSERT_TRUE(c.Send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                     "Expect: 100-continue\r\n\r\n"));
  auto cont = c.Read();
  ASSERT_TRUE(cont.has_value());
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(c.Send("5\r\nhello\r\n0\r\n\r\n"));
  auto r2 = c.Read();
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(Json(*r2)["bytes"], 5);
}

TEST_F(ServerTest, InvalidJsonAndWrongContentType) {
  Start();
  RawConnection c(port_);
  std::string bad = "{\"a\": ";
  ASSERT_TRUE(c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: " + std::to_string(bad.size()) + "\r\n\r\n" + bad));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  ExpectProblem(*r, 400, "json.malformed");

  ASSERT_TRUE(c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                     "Content-Length: 2\r\n\r\n{}"));
  auto r2 = c.Read();
  ASSERT_TRUE(r2.has_value());
  ExpectProblem(*r2, 415, "http.unsupported_media_type");

  ASSERT_TRUE(c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: 8\r\n\r\n{\"a\":1}\n"));
  auto ok = c.Read();
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(Json(*ok)["echo"]["a"], 1);
}

TEST_F(ServerTest, UnknownRouteAndWrongMethod) {
  Start();
  RawConnection c(port_);
  ASSERT_TRUE(c.Send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  ExpectProblem(*r, 404, "http.not_found");
  EXPECT_EQ(r->Header("x-content-type-options"), "nosniff");

  ASSERT_TRUE(c.Send("DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r2 = c.Read();
  ASSERT_TRUE(r2.has_value());
  ExpectProblem(*r2, 405, "http.method_not_allowed");
  EXPECT_EQ(r2->Header("allow"), "GET, HEAD");

  ASSERT_TRUE(c.Send("BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r3 = c.Read();
  ASSERT_TRUE(r3.has_value());
  EXPECT_EQ(r3->status, 405);
}

TEST_F(ServerTest, HeadAnswersHeadersOnly) {
  Start();
  RawConnection c(port_);
  ASSERT_TRUE(c.Send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.Read(5s, /*head_only=*/true);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("content-length"), "15");
  // The next response on the connection parses cleanly: no stray body was sent.
  ASSERT_TRUE(c.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r2 = c.Read();
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->body, R"({"status":"ok"})");
}

TEST_F(ServerTest, RequestIdIsEchoedWhenSaneAndReplacedOtherwise) {
  Start();
  RawConnection c(port_);
  ASSERT_TRUE(c.Send("GET /nowhere HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->Header("x-request-id"), "abc-123");
  EXPECT_EQ(Json(*r)["request_id"], "abc-123");
  ASSERT_TRUE(c.Send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: <script>\r\n\r\n"));
  auto r2 = c.Read();
  ASSERT_TRUE(r2.has_value());
  std::string fresh = r2->Header("x-request-id");
  EXPECT_TRUE(IsValidId(fresh)) << fresh;  // a new UUIDv7
  EXPECT_EQ(fresh[14], '7');
  ASSERT_TRUE(c.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r3 = c.Read();
  ASSERT_TRUE(r3.has_value());
  EXPECT_NE(r3->Header("x-request-id"), fresh);
}

TEST_F(ServerTest, SlowClientIsClosedAfterTheReadTimeout) {
  Start();
  RawConnection silent(port_);
  ASSERT_TRUE(silent.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));  // never finishes
  EXPECT_TRUE(silent.WaitClosed(10s));

  // Slow loris: a byte every 100 ms keeps each read short, but not the whole request.
  RawConnection loris(port_);
  std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " +
                        std::string(200, 'p') + "\r\n\r\n";
  bool closed = false;
  for (char ch : request) {
    if (!loris.Send(std::string(1, ch))) {
      closed = true;
      break;
    }
    std::this_thread::sleep_for(100ms);
    if (server_->OpenConnections() == 0) {
      closed = true;
      break;
    }
  }
  EXPECT_TRUE(closed);
  EXPECT_TRUE(loris.WaitClosed(5s));
  silent.Close();
  loris.Close();
  ExpectHealthyAndNoLeak();
}

TEST_F(ServerTest, ClientThatDoesNotReadIsClosedAfterTheWriteTimeout) {
  ServerOptions options;
  options.write_timeout = 300ms;
  Start(options);
  RawConnection c(port_);
  ASSERT_TRUE(c.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"));  // and never read
  EXPECT_TRUE(WaitNoConnections());
  c.Close();
  ExpectHealthyAndNoLeak();
}

TEST_F(ServerTest, ManyKeepAliveRequestsOnOneConnection) {
  Start();
  RawConnection c(port_);
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(c.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value()) << i;
    ASSERT_EQ(r->status, 200);
    ASSERT_EQ(r->Header("connection"), "");
  }
  // Pipelined: three requests in one write, three answers in order.
  ASSERT_TRUE(c.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                     "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
                     "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(c.Read()->status, 200);
  EXPECT_EQ(c.Read()->status, 404);
  auto last = c.Read();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed(2s));
  c.Close();
  ExpectHealthyAndNoLeak();
}

TEST_F(ServerTest, ConnectionsOverTheCapGet503) {
  ServerOptions options;
  options.max_connections = 2;
  Start(options);
  RawConnection a(port_), b(port_);
  ASSERT_TRUE(a.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(b.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(a.Read()->status, 200);
  ASSERT_EQ(b.Read()->status, 200);
  RawConnection c(port_);
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(Json(*r)["code"], "http.overloaded");
  EXPECT_TRUE(c.WaitClosed(2s));
  a.Close();
  b.Close();
  c.Close();
  ASSERT_TRUE(WaitNoConnections());  // the cap frees up as soon as clients leave
  ExpectHealthyAndNoLeak();
}

TEST_F(ServerTest, GracefulStopLetsTheInFlightRequestFinish) {
  ServerOptions options;
  options.idle_timeout = 60s;
  Start(options);
  RawConnection idle(port_);
  ASSERT_TRUE(idle.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(idle.Read()->status, 200);  // now idle on keep-alive

  RawConnection busy(port_);
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(slow_started_.get_future().wait_for(5s), std::future_status::ready);
  server_->Stop();

  auto r = busy.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "done");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(busy.WaitClosed(2s));
  EXPECT_TRUE(idle.WaitClosed(2s));
  runner_.join();  // Run() returns once everything finished
  EXPECT_EQ(server_->OpenConnections(), 0u);
  RawConnection late(port_);
  EXPECT_FALSE(late.connected() && late.Send("GET /healthz HTTP/1.1\r\n\r\n") &&
               late.Read(1s).has_value());
}

TEST_F(ServerTest, SigtermStopsTheServer) {
  Start(ServerOptions{}, /*handle_signals=*/true);
  RawConnection idle(port_);
  ASSERT_TRUE(idle.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(idle.Read()->status, 200);
  ASSERT_EQ(::raise(SIGTERM), 0);  // handled by the server's signal set, not fatal
  runner_.join();
  EXPECT_TRUE(idle.WaitClosed(2s));
  EXPECT_EQ(server_->OpenConnections(), 0u);
}

}  // namespace
}  // namespace parcours::http
