// Response heads, request ids and target forms for the server (see wire.h).
#include "wire.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

#include "parcours/base/id.h"
#include "parcours/base/log.h"

namespace parcours::http::detail {
namespace {

// "Sat, 28 Nov 2026 13:15:56 GMT", recomputed at most once per second per thread.
std::string_view HttpDate() {
  thread_local std::time_t cached_second = 0;
  thread_local char text[40] = {};
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return text;
}

bool IsToken(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127 || c == ':' || c == '(' || c == ')' || c == ',' || c == ';' ||
        c == '<' || c == '>' || c == '@' || c == '[' || c == ']' || c == '\\' || c == '"' ||
        c == '/' || c == '?' || c == '=' || c == '{' || c == '}') {
      return false;
    }
  }
  return true;
}

bool IsSafeValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool ServerManaged(std::string_view name) {
  static const CaseInsensitiveLess less;
  auto eq = [&](std::string_view n) { return !less(name, n) && !less(n, name); };
  return eq("Content-Length") || eq("Transfer-Encoding") || eq("Connection") || eq("Date");
}

}  // namespace

// A UUIDv7 for a request that brings no id. Request ids only correlate log lines, so the
// random part comes from a per-thread generator seeded once from the OS, not from a system
// call per request (base's NewId() reads the OS generator each time).
std::string NewRequestId() {
  thread_local uint64_t state = [] {
    std::string hex = RandomHex(8);
    return std::strtoull(hex.c_str(), nullptr, 16);
  }();
  auto next = [] {  // splitmix64
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  const uint64_t millis = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  const uint64_t a = next();
  const uint64_t b = next();
  uint8_t bytes[16];
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<uint8_t>(millis >> (8 * (5 - i)));
  bytes[6] = static_cast<uint8_t>(0x70 | (a & 0x0f));
  bytes[7] = static_cast<uint8_t>(a >> 8);
  for (int i = 8; i < 16; ++i) bytes[i] = static_cast<uint8_t>(b >> (8 * (i - 8)));
  bytes[8] = static_cast<uint8_t>(0x80 | (bytes[8] & 0x3f));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0f]);
  }
  return out;
}

// A client's X-Request-Id is kept when short and made of safe characters.
bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// "http://host/a?b" (absolute-form, RFC 9112 3.2.2) -> "/a?b"; other targets unchanged.
std::string_view OriginForm(std::string_view target) {
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    std::string_view prefix = target.substr(0, scheme.size());
    bool same = prefix.size() == scheme.size() &&
                std::equal(prefix.begin(), prefix.end(), scheme.begin(), [](char a, char b) {
                  return std::tolower(static_cast<unsigned char>(a)) == b;
                });
    if (same) {
      std::size_t slash = target.find('/', scheme.size());
      return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
  }
  return target;
}

bool NoBodyStatus(int status) { return status < 200 || status == 204 || status == 304; }

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

void SerializeHead(int status, const Headers& headers, std::string_view request_id,
                   std::size_t body_size, bool keep_alive, std::string* out) {
  std::string& head = *out;
  head.clear();
  head += "HTTP/1.1 ";
  head += std::to_string(status);
  head += ' ';
  head += ReasonPhrase(status);
  head += "\r\n";
  bool has_request_id = false;
  for (const auto& [name, value] : headers) {
    if (ServerManaged(name)) continue;
    if (!IsToken(name) || !IsSafeValue(value)) {
      log::Warn("response header dropped (unsafe name or value)", {{"header", name}});
      continue;
    }
    has_request_id = has_request_id || (!CaseInsensitiveLess()(name, "X-Request-Id") &&
                                        !CaseInsensitiveLess()("X-Request-Id", name));
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  if (!has_request_id) {
    head += "X-Request-Id: ";
    head += request_id;
    head += "\r\n";
  }
  head += "Date: ";
  head += HttpDate();
  head += "\r\n";
  if (!NoBodyStatus(status)) {
    head += "Content-Length: ";
    head += std::to_string(body_size);
    head += "\r\n";
  }
  if (!keep_alive) head += "Connection: close\r\n";
  head += "\r\n";
}

}  // namespace parcours::http::detail
