// The HTTP/1.1 server (Boost.Beast + Asio on N threads): keep-alive, header and body size
// limits, read/write timeouts, graceful shutdown (in-flight requests finish), request ids,
// access log. Handlers run on the server's threads and may block briefly (database).
// Thread-safety: Run() blocks the caller; Stop() may be called from any thread or a signal
// watcher.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "parcours/base/status.h"
#include "parcours/http/router.h"

namespace parcours::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;             // 0 = pick a free port (see BoundPort)
  int threads = 4;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  std::chrono::milliseconds read_timeout{15000};   // whole request, guards slow clients
  std::chrono::milliseconds write_timeout{15000};
  std::chrono::milliseconds idle_timeout{60000};   // keep-alive idle
  std::chrono::milliseconds shutdown_grace{10000};
  std::size_t max_connections = 10000;  // beyond it, new connections get a 503 and are closed
  bool handle_signals = true;           // Run() stops on SIGTERM/SIGINT
  bool behind_tls = false;              // sets HSTS and Secure cookies (SecurityHeaders)
};

class Server {
 public:
  virtual ~Server() = default;
  static std::unique_ptr<Server> Create(ServerOptions options, const Router& router);

  // Binds and listens; after OK, BoundPort() is valid.
  virtual Status Listen() = 0;
  virtual uint16_t BoundPort() const = 0;
  // Serves until Stop() or SIGTERM/SIGINT; returns after in-flight requests finished.
  virtual void Run() = 0;
  // Stops accepting, closes idle connections, lets in-flight requests finish (bounded by
  // shutdown_grace), then makes Run() return. Idempotent.
  virtual void Stop() = 0;
  // Connections currently open (for the /metrics gauge and leak tests).
  virtual std::size_t OpenConnections() const = 0;
};

}  // namespace parcours::http
