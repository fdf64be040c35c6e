// The HTTP/1.1 server (Boost.Beast + Asio on N threads): keep-alive, header and body size
// limits, read/write timeouts, graceful shutdown (in-flight requests finish), request ids,
// access log. Handlers run on the server's threads and may block briefly (database): each
// thread serves its own share of the connections, so a blocked handler delays those; give
// more threads than cores when handlers wait on I/O.
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
  int threads = 4;                  // <= 0: one per hardware thread
  std::size_t max_header_bytes = 16 * 1024;   // request line + headers; beyond: 431, close
  std::size_t max_body_bytes = 1024 * 1024;   // beyond: 413 (before reading it), close
  // From the first byte of a request (from the accept for the first one) to its last byte;
  // a slower client is disconnected without an answer.
  std::chrono::milliseconds read_timeout{15000};
  std::chrono::milliseconds write_timeout{15000};  // to write a whole response
  std::chrono::milliseconds idle_timeout{60000};   // keep-alive wait for the next request
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
