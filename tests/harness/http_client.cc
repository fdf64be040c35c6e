// HttpClient on libcurl's easy interface, and a raw TCP exchange for protocol tests.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "harness.h"

namespace parcours::harness {
namespace {

CURL* Handle(void* p) { return static_cast<CURL*>(p); }

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t CollectHeader(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();  // a new response (e.g. after 100 Continue)
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return size * count;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string value = line.substr(colon + 1);
  auto first = value.find_first_not_of(" \t");
  auto last = value.find_last_not_of(" \t\r\n");
  value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
  response->headers.emplace(std::move(name), std::move(value));
  return size * count;
}

}  // namespace

std::string HttpResponse::Header(const std::string& name) const {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  auto it = headers.find(lower);
  return it == headers.end() ? "" : it->second;
}

nlohmann::json HttpResponse::Json() const {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

HttpClient::HttpClient(std::string base_url) : base_url_(std::move(base_url)) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
  curl_easy_setopt(Handle(curl_), CURLOPT_COOKIEFILE, "");  // in-memory cookie engine
  curl_easy_setopt(Handle(curl_), CURLOPT_NOSIGNAL, 1L);
}

HttpClient::~HttpClient() {
  if (curl_ != nullptr) curl_easy_cleanup(Handle(curl_));
}

HttpClient::HttpClient(HttpClient&& other) noexcept
    : base_url_(std::move(other.base_url_)),
      curl_(std::exchange(other.curl_, nullptr)),
      follow_redirects_(other.follow_redirects_) {}

HttpClient& HttpClient::operator=(HttpClient&& other) noexcept {
  if (this != &other) {
    if (curl_ != nullptr) curl_easy_cleanup(Handle(curl_));
    base_url_ = std::move(other.base_url_);
    curl_ = std::exchange(other.curl_, nullptr);
    follow_redirects_ = other.follow_redirects_;
  }
  return *this;
}

HttpResponse HttpClient::Send(const std::string& method, const std::string& path,
                              const std::string& body, const HeaderList& headers) {
  HttpResponse response;
  CURL* curl = Handle(curl_);
  std::string url = path.rfind("http", 0) == 0 ? path : base_url_ + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_NOBODY, method == "HEAD" ? 1L : 0L);
  if (method == "GET" || method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method == "GET" ? nullptr : method.c_str());
  } else {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, follow_redirects_ ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 60000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  curl_slist* list = curl_slist_append(nullptr, "Expect:");
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    list = curl_slist_append(list, (name + ": " + value).c_str());
    has_content_type = has_content_type || strcasecmp(name.c_str(), "Content-Type") == 0;
  }
  // libcurl would otherwise label every body as a form: send exactly what the test asked for.
  if (!has_content_type) list = curl_slist_append(list, "Content-Type:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(list);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  if (rc != CURLE_OK) {
    response.status = 0;
    response.error = curl_easy_strerror(rc);
    return response;
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

HttpResponse HttpClient::Get(const std::string& path, const HeaderList& headers) {
  return Send("GET", path, "", headers);
}
HttpResponse HttpClient::Delete(const std::string& path, const HeaderList& headers) {
  return Send("DELETE", path, "", headers);
}
HttpResponse HttpClient::Post(const std::string& path, const std::string& body,
                              const std::string& content_type, const HeaderList& headers) {
  HeaderList all = headers;
  all.emplace_back("Content-Type", content_type);
  return Send("POST", path, body, all);
}
HttpResponse HttpClient::Put(const std::string& path, const std::string& body,
                             const std::string& content_type, const HeaderList& headers) {
  HeaderList all = headers;
  all.emplace_back("Content-Type", content_type);
  return Send("PUT", path, body, all);
}
HttpResponse HttpClient::PostJson(const std::string& path, const nlohmann::json& body,
                                  const HeaderList& headers) {
  return Post(path, body.dump(), "application/json", headers);
}
HttpResponse HttpClient::PutJson(const std::string& path, const nlohmann::json& body,
                                 const HeaderList& headers) {
  return Put(path, body.dump(), "application/json", headers);
}
HttpResponse HttpClient::PostForm(const std::string& path, const HeaderList& fields,
                                  const HeaderList& headers) {
  return Post(path, FormEncode(fields), "application/x-www-form-urlencoded", headers);
}

std::string HttpClient::Cookie(const std::string& name) const {
  curl_slist* cookies = nullptr;
  curl_easy_getinfo(Handle(curl_), CURLINFO_COOKIELIST, &cookies);
  std::string value;
  for (curl_slist* c = cookies; c != nullptr; c = c->next) {
    // Netscape format: domain, flag, path, secure, expiry, name, value (tab-separated).
    std::string line = c->data;
    std::vector<std::string> fields;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      fields.push_back(line.substr(start, tab - start));
    }
    fields.push_back(line.substr(start));
    if (fields.size() >= 7 && fields[5] == name) value = fields[6];
  }
  curl_slist_free_all(cookies);
  return value;
}

void HttpClient::ClearCookies() {
  curl_easy_setopt(Handle(curl_), CURLOPT_COOKIELIST, "ALL");
}

std::string FormEncode(const HeaderList& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    char* n = curl_easy_escape(nullptr, name.c_str(), static_cast<int>(name.size()));
    char* v = curl_easy_escape(nullptr, value.c_str(), static_cast<int>(value.size()));
    out += std::string(n) + "=" + v;
    curl_free(n);
    curl_free(v);
  }
  return out;
}

std::string RawExchange(uint16_t port, const std::string& bytes,
                        std::chrono::milliseconds timeout) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string received;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[8192];
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      received.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fd);
  return received;
}

}  // namespace parcours::harness
