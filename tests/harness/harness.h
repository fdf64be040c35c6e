// Integration test harness: runs the real `parcours` binary as a child process on a free
// loopback port with a temporary SQLite database, and talks HTTP to it.
//
//   parcours::harness::ServerProcess server;          // temp dir, database, config
//   ASSERT_TRUE(server.Start().ok()) << server.Stderr();
//   auto client = server.Client();
//   auto r = client.Get("/healthz");                  // r.status, r.Header("..."), r.body
//
// Every server gets: PARCOURS_DATABASE=sqlite:<tmp>/parcours.db, PARCOURS_WEB_DIR and
// PARCOURS_CATALOG_DIR pointing into the source tree, PARCOURS_SECRET_KEY_FILE=<tmp>/secret.key
// (64 hex characters), PARCOURS_THREADS=2, its working directory in <tmp>, and no other
// PARCOURS_* variable from the caller's environment. Options::env adds or overrides variables.
// The binary is $PARCOURS_BIN when set, else the one built beside the tests.
// Thread-safety: one ServerProcess and one HttpClient per test thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "parcours/base/status.h"

namespace parcours::harness {

// Paths of the build under test.
std::string ParcoursBinary();
std::string SourceDir();

struct HttpResponse {
  int status = 0;  // 0 when the request failed at the transport level (see `error`)
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string error;  // libcurl's message when status == 0

  // The first value of header `name` (any case), or "".
  std::string Header(const std::string& name) const;
  // The body parsed as JSON; a discarded value when it is not JSON.
  nlohmann::json Json() const;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A blocking HTTP/1.1 client on one libcurl easy handle (keep-alive, in-memory cookie jar).
// Redirects are not followed unless `set_follow_redirects(true)`.
class HttpClient {
 public:
  explicit HttpClient(std::string base_url);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse Get(const std::string& path, const HeaderList& headers = {});
  HttpResponse Delete(const std::string& path, const HeaderList& headers = {});
  HttpResponse Post(const std::string& path, const std::string& body,
                    const std::string& content_type, const HeaderList& headers = {});
  HttpResponse Put(const std::string& path, const std::string& body,
                   const std::string& content_type, const HeaderList& headers = {});
  HttpResponse PostJson(const std::string& path, const nlohmann::json& body,
                        const HeaderList& headers = {});
  HttpResponse PutJson(const std::string& path, const nlohmann::json& body,
                       const HeaderList& headers = {});
  // application/x-www-form-urlencoded, fields encoded in order.
  HttpResponse PostForm(const std::string& path, const HeaderList& fields,
                        const HeaderList& headers = {});
  // Any method, raw body (may be empty).
  HttpResponse Send(const std::string& method, const std::string& path, const std::string& body,
                    const HeaderList& headers);

  void set_follow_redirects(bool follow) { follow_redirects_ = follow; }
  // The value of cookie `name` in the jar, or "".
  std::string Cookie(const std::string& name) const;
  void ClearCookies();
  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  void* curl_ = nullptr;  // CURL*
  bool follow_redirects_ = false;
};

// Form encoding helper: "a=1&b=x%20y".
std::string FormEncode(const HeaderList& fields);

// Sends `bytes` on a fresh TCP connection to 127.0.0.1:`port`, half-closes nothing, and reads
// until the server closes or `timeout` passes. For protocol-level bad-input tests.
std::string RawExchange(uint16_t port, const std::string& bytes,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

struct ServerOptions {
  std::map<std::string, std::string> env;  // added to (and overriding) the defaults
  std::vector<std::string> extra_args;     // appended after `serve ...`
  std::string config_yaml;                 // when non-empty, written and passed with --config
  std::chrono::milliseconds ready_timeout{30000};
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerOptions options = {});
  // Stops the server (SIGTERM, then SIGKILL) and removes the temporary folder, unless
  // PARCOURS_KEEP_TEST_DIR is set.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts `parcours serve --port 0 --port-file ...` and waits for GET /readyz == 200.
  // Unavailable("harness.start_failed") with the server's stderr when it exits or the timeout
  // passes first.
  Status Start();
  // SIGTERM, waits up to `grace`, then SIGKILL. Returns the exit code (128 + signal when
  // killed by a signal), or -1 when it was not running.
  int Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(15000));
  // SIGKILL at once (durability tests); returns when the process is reaped.
  void Kill9();
  // Stops (when running) and starts again on the same database and folder.
  Status Restart();

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  std::string base_url() const;
  HttpClient Client() const;
  // Everything the server wrote on stderr (JSON log lines) since the harness was created.
  std::string Stderr() const;
  const std::string& dir() const { return dir_; }
  std::string database_url() const;
  // Environment the server runs with (defaults + options.env).
  std::map<std::string, std::string> Environment() const;

 private:
  ServerOptions options_;
  std::string dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

// Runs `parcours args...` to completion with `env` (the only PARCOURS_* variables it sees)
// in working directory `cwd` (the current one when empty); kills it after `timeout`.
CommandResult RunParcours(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env = {},
                          const std::string& cwd = "",
                          std::chrono::milliseconds timeout = std::chrono::milliseconds(60000));

}  // namespace parcours::harness
