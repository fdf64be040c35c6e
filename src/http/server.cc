// The HTTP/1.1 server: N threads, each running its own Asio io_context; a connection lives
// on one of them (round robin), so its handlers never run concurrently and never hop between
// threads. Beast's parser for requests; our own serialisation of responses (wire.h: one
// reused buffer per connection, the body sent as a second buffer without copy).
//
// Timeouts, per connection: the first request must arrive completely within read_timeout
// of the accept; a later request must start within idle_timeout of the previous response
// and then arrive completely within read_timeout; a response must be written within
// write_timeout. Protocol errors answer 400/413/431 problem+json and close.
#include "parcours/http/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_map>

#include "parcours/base/log.h"
#include "wire.h"

namespace parcours::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;

constexpr std::size_t kDrainLimitBytes = 4 * 1024 * 1024;
constexpr std::chrono::milliseconds kDrainTimeout{2000};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string_view View(beast::string_view s) { return std::string_view(s.data(), s.size()); }

class ServerImpl;

// One TCP connection. Every member runs on the thread of the connection's io_context.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerImpl& server);
  ~Session();

  void Start();
  // On Stop(): closes the connection now if it waits for a request; a request being read,
  // handled or answered finishes first (its response says Connection: close).
  void Shutdown();
  void ForceClose();
  beast::tcp_stream::executor_type Executor() { return stream_.get_executor(); }

 private:
  enum class Phase { kIdle, kReading, kBusy };

  void WaitRequest();
  void ReadHeader();
  void OnHeader(ErrorCode ec);
  void ReadBody();
  void OnBody(ErrorCode ec);
  void Handle();
  void FailRequest(ErrorCode ec);
  void Send(Response response, const std::string& request_id, bool keep_alive, bool head_only);
  void OnWrite(ErrorCode ec, bool keep_alive);
  void Linger();
  void Drain();
  void Close();

  ServerImpl& server_;
  const ServerOptions& options_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_address_;
  std::string head_;          // serialised status line and headers, reused
  std::string body_;          // body being written
  std::array<char, 4096> drain_{};
  std::size_t drained_ = 0;
  Phase phase_ = Phase::kIdle;
  bool first_request_ = true;
};

class ServerImpl final : public Server {
 public:
  ServerImpl(ServerOptions options, const Router& router)
      : options_(WithThreadCount(std::move(options))), router_(router),
        contexts_(MakeContexts(options_.threads)), control_(contexts_[0]->get_executor()),
        acceptor_(control_), retry_timer_(control_), grace_timer_(control_) {}

  Status Listen() override;
  uint16_t BoundPort() const override { return bound_port_; }
  void Run() override;
  void Stop() override;
  std::size_t OpenConnections() const override { return open_.load(); }

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  void Register(const std::shared_ptr<Session>& session) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_.emplace(session.get(), session);
  }
  void Unregister(Session* session) {
    {
      std::lock_guard<std::mutex> lock(sessions_mu_);
      sessions_.erase(session);
    }
    if (open_.fetch_sub(1) == 1 && stopping()) {
      asio::post(control_, [this] {
        if (open_.load() == 0) grace_timer_.cancel();
      });
    }
  }

 private:
  void Accept();
  void OnAccept(ErrorCode ec, tcp::socket socket);
  void Reject(tcp::socket& socket);
  void DoStop();
  template <typename Fn>
  void ForEachSession(Fn fn);

  static ServerOptions WithThreadCount(ServerOptions o) {
    if (o.threads <= 0) o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return o;
  }
  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int n) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (int i = 0; i < n; ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }

  ServerOptions options_;
  const Router& router_;
  // One io_context per thread: a connection lives on one context, run by one thread, so its
  // handlers never run concurrently (no strand) and no work hops between threads.
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::size_t next_context_ = 0;  // round robin for new connections; on control_ only
  // contexts_[0]'s executor: the acceptor, the timers, the signals and DoStop() run there.
  asio::io_context::executor_type control_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  asio::steady_timer grace_timer_;
  std::optional<asio::signal_set> signals_;
  uint16_t bound_port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> open_{0};
  std::mutex sessions_mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;  // GUARDED_BY(sessions_mu_)
};

// --- Session -------------------------------------------------------------------------------

Session::Session(tcp::socket&& socket, ServerImpl& server)
    : server_(server), options_(server.options()), stream_(std::move(socket)) {
  ErrorCode ec;
  tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = peer.address().to_string();
  stream_.socket().set_option(tcp::no_delay(true), ec);
  head_.reserve(1024);
}

Session::~Session() { server_.Unregister(this); }

void Session::Start() {
  server_.Register(shared_from_this());
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->stream_.expires_after(self->options_.read_timeout);
    self->WaitRequest();
  });
}

void Session::Shutdown() {
  if (phase_ == Phase::kIdle) Close();
}

void Session::ForceClose() { Close(); }

void Session::WaitRequest() {
  if (server_.stopping()) return Close();
  phase_ = Phase::kIdle;
  if (buffer_.size() > 0) return ReadHeader();  // a pipelined request is already here
  if (!first_request_) stream_.expires_after(options_.idle_timeout);
  stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](ErrorCode ec,
                                                                             std::size_t n) {
    if (ec) return self->Close();  // closed, idle timeout or shutdown
    self->buffer_.commit(n);
    if (!self->first_request_) self->stream_.expires_after(self->options_.read_timeout);
    self->ReadHeader();
  });
}

void Session::ReadHeader() {
  phase_ = Phase::kReading;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
  parser_->body_limit(options_.max_body_bytes);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = shared_from_this()](ErrorCode ec, std::size_t) {
                             self->OnHeader(ec);
                           });
}

void Session::OnHeader(ErrorCode ec) {
  if (ec) return FailRequest(ec);
  if (parser_->is_done()) return Handle();
  const auto& header = parser_->get();
  auto expect = header.find(bhttp::field::expect);
  if (expect != header.end() && beast::iequals(expect->value(), "100-continue")) {
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](ErrorCode wec, std::size_t) {
                        if (wec) return self->Close();
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

void Session::ReadBody() {
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](ErrorCode ec, std::size_t) { self->OnBody(ec); });
}

void Session::OnBody(ErrorCode ec) {
  if (ec) return FailRequest(ec);
  Handle();
}

void Session::FailRequest(ErrorCode ec) {
  // Connection-level ends: nothing to answer.
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == beast::error::timeout ||
      ec.category() != ErrorCode(bhttp::error::end_of_stream).category() ||
      ec == asio::error::operation_aborted) {
    if (ec == beast::error::timeout) {
      log::Info("http connection timed out", {{"remote", remote_address_}});
    }
    return Close();
  }
  Status status;
  if (ec == bhttp::error::header_limit) {
    status = ResourceExhausted("http.header_too_large",
                               "Les en-têtes de la requête dépassent la taille autorisée.");
  } else if (ec == bhttp::error::body_limit) {
    status = ResourceExhausted("http.body_too_large",
                               "Le corps de la requête dépasse la taille autorisée (" +
                                   std::to_string(options_.max_body_bytes) + " octets).");
  } else {
    status = InvalidArgument("http.malformed_request", "La requête HTTP est mal formée.");
  }
  std::string request_id = detail::NewRequestId();
  log::Info("http protocol error", {{"request_id", request_id},
                                    {"remote", remote_address_},
                                    {"code", status.reason()},
                                    {"error", ec.message()}});
  phase_ = Phase::kBusy;
  Send(Problem(status, request_id), request_id, /*keep_alive=*/false, /*head_only=*/false);
}

void Session::Handle() {
  phase_ = Phase::kBusy;
  bhttp::request<bhttp::string_body> message = parser_->release();
  parser_.reset();
  const bool keep_alive = message.keep_alive() && !server_.stopping();

  Request request;
  request.method = std::string(View(message.method_string()));
  std::string_view incoming_id = View(message["X-Request-Id"]);
  request.request_id = detail::IsSaneRequestId(incoming_id) ? std::string(incoming_id)
                                                         : detail::NewRequestId();
  log::ScopedRequestId scoped_id(request.request_id);
  const bool head_only = message.method() == bhttp::verb::head;

  Status target = request.SetTarget(detail::OriginForm(View(message.target())));
  if (!target.ok()) {
    request.target = std::string(View(message.target()));
    Send(Problem(target, request.request_id), request.request_id, keep_alive, head_only);
    return;
  }
  for (const auto& field : message) {
    request.headers.emplace(View(field.name_string()), View(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_address = remote_address_;
  Response response = server_.router().Dispatch(request);
  Send(std::move(response), request.request_id, keep_alive, head_only);
}

void Session::Send(Response response, const std::string& request_id, bool keep_alive,
                   bool head_only) {
  const int status = (response.status >= 100 && response.status <= 999) ? response.status : 500;
  keep_alive = keep_alive && !server_.stopping();
  detail::SerializeHead(status, response.headers, request_id, response.body.size(), keep_alive,
                        &head_);
  body_ = (head_only || detail::NoBodyStatus(status)) ? std::string() : std::move(response.body);
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
  stream_.expires_after(options_.write_timeout);
  asio::async_write(stream_, buffers,
                    [self = shared_from_this(), keep_alive](ErrorCode ec, std::size_t) {
                      self->OnWrite(ec, keep_alive);
                    });
}

void Session::OnWrite(ErrorCode ec, bool keep_alive) {
  if (ec) return Close();
  body_.clear();
  if (!keep_alive || server_.stopping()) return Linger();
  first_request_ = false;
  WaitRequest();
}

// Half-closes, then reads and discards what the client still sends (a body we refused)
// for a short while, so that it reads our answer rather than a reset.
void Session::Linger() {
  ErrorCode ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::min<std::chrono::milliseconds>(options_.read_timeout, kDrainTimeout));
  drained_ = 0;
  Drain();
}

void Session::Drain() {
  stream_.async_read_some(asio::buffer(drain_),
                          [self = shared_from_this()](ErrorCode ec, std::size_t n) {
                            self->drained_ += n;
                            if (ec || self->drained_ > kDrainLimitBytes) return self->Close();
                            self->Drain();
                          });
}

void Session::Close() {
  ErrorCode ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

// --- Server --------------------------------------------------------------------------------

Status ServerImpl::Listen() {
  ErrorCode ec;
  asio::ip::address address = asio::ip::make_address(options_.address, ec);
  if (ec) {
    return InvalidArgument("http.bad_address",
                           "Adresse d'écoute invalide : « " + options_.address + " ».");
  }
  tcp::endpoint endpoint(address, options_.port);
  auto fail = [&](const char* step) {
    return Unavailable("http.listen_failed", "Impossible d'écouter sur " + options_.address +
                                                 ":" + std::to_string(options_.port) + " (" +
                                                 step + " : " + ec.message() + ").");
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("socket");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  acceptor_.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  bound_port_ = acceptor_.local_endpoint(ec).port();
  log::Info("http listening", {{"address", options_.address}, {"port", bound_port_},
                               {"threads", options_.threads}});
  return Status::Ok();
}

void ServerImpl::Run() {
  if (!acceptor_.is_open()) {
    log::Error("http server run without a successful Listen()");
    return;
  }
  // Contexts without connections must keep running until Stop().
  for (auto& context : contexts_) guards_.emplace_back(context->get_executor());
  if (options_.handle_signals) {
    signals_.emplace(control_, SIGINT, SIGTERM);
    signals_->async_wait([this](ErrorCode ec, int signal) {
      if (ec) return;
      log::Info("http stopping on signal", {{"signal", signal}});
      Stop();
    });
  }
  Accept();
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(options_.threads - 1));
  for (int i = 1; i < options_.threads; ++i) {
    threads.emplace_back([this, i] { contexts_[static_cast<std::size_t>(i)]->run(); });
  }
  contexts_[0]->run();
  for (std::thread& t : threads) t.join();
  log::Info("http stopped");
}

void ServerImpl::Stop() {
  if (stopping_.exchange(true, std::memory_order_acq_rel)) return;
  asio::post(control_, [this] { DoStop(); });
}

template <typename Fn>
void ServerImpl::ForEachSession(Fn fn) {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    live.reserve(sessions_.size());
    for (auto& [raw, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) fn(std::move(s));
}

void ServerImpl::DoStop() {
  ErrorCode ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
  if (signals_) signals_->cancel(ignored);
  log::Info("http draining", {{"open_connections", open_.load()}});
  ForEachSession([](std::shared_ptr<Session> s) {
    asio::post(s->Executor(), [s] { s->Shutdown(); });
  });
  // Each context's run() now returns once its connections (and, here, the grace timer) end.
  for (auto& guard : guards_) guard.reset();
  if (open_.load() == 0) return;
  grace_timer_.expires_after(options_.shutdown_grace);
  grace_timer_.async_wait([this](ErrorCode ec) {
    if (ec) return;  // every connection finished in time
    log::Warn("http shutdown grace elapsed; closing connections",
              {{"open_connections", open_.load()}});
    ForEachSession([](std::shared_ptr<Session> s) {
      asio::post(s->Executor(), [s] { s->ForceClose(); });
    });
  });
}

void ServerImpl::Accept() {
  asio::io_context& target = *contexts_[next_context_++ % contexts_.size()];
  acceptor_.async_accept(target, [this](ErrorCode ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void ServerImpl::OnAccept(ErrorCode ec, tcp::socket socket) {
  if (stopping() || ec == asio::error::operation_aborted) return;
  if (ec) {
    // Typically EMFILE: back off briefly instead of spinning on the error.
    log::Warn("http accept failed", {{"error", ec.message()}});
    retry_timer_.expires_after(std::chrono::milliseconds(50));
    retry_timer_.async_wait([this](ErrorCode tec) {
      if (!tec && !stopping()) Accept();
    });
    return;
  }
  if (open_.load() >= options_.max_connections) {
    Reject(socket);
  } else {
    open_.fetch_add(1);
    std::make_shared<Session>(std::move(socket), *this)->Start();
  }
  Accept();
}

// Over the connection cap: a 503 problem written without waiting, then close.
void ServerImpl::Reject(tcp::socket& socket) {
  static const std::string kAnswer = [] {
    Response r = Problem(Unavailable("http.overloaded",
                                     "Le serveur est momentanément saturé ; réessayez."));
    std::string out = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n";
    for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
    out += "Retry-After: 1\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n\r\n";
    return out + r.body;
  }();
  ErrorCode ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(kAnswer), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  log::Warn("http connection refused: too many open connections",
            {{"open_connections", open_.load()}});
}

}  // namespace

std::unique_ptr<Server> Server::Create(ServerOptions options, const Router& router) {
  return std::make_unique<ServerImpl>(std::move(options), router);
}

}  // namespace parcours::http
