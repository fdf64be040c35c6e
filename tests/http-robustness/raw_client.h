// A deliberately small HTTP/1.1 client over POSIX sockets, able to send anything (broken
// request lines, partial headers, trickled bytes) and to tell when the server closed.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace parcours::http::testing {

struct RawResponse {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string Header(const std::string& lower_name) const;
};

class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends every byte; false when the peer closed or reset the connection.
  bool Send(const std::string& bytes);
  // Reads one response (Content-Length framed); nullopt on close or timeout.
  // `head_only` for answers to HEAD (no body despite Content-Length).
  std::optional<RawResponse> Read(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                  bool head_only = false);
  // Waits until the server closes the connection (EOF or reset): true if it did in time.
  // Any bytes received meanwhile are discarded.
  bool WaitClosed(std::chrono::milliseconds timeout);
  void Close();

 private:
  // Appends what arrives to buffer_; false on close, error or timeout.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
};

// Number of open file descriptors of this process.
int OpenFdCount();

}  // namespace parcours::http::testing
