// Request and Response helpers: headers, cookies, forms, JSON bodies, language, escaping.
#include "parcours/http/message.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "parcours/base/json.h"

namespace parcours::http {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Calls fn(piece) for each piece of `s` between `sep` characters.
template <typename Fn>
void Split(std::string_view s, char sep, Fn&& fn) {
  while (true) {
    std::size_t pos = s.find(sep);
    fn(s.substr(0, pos));
    if (pos == std::string_view::npos) return;
    s.remove_prefix(pos + 1);
  }
}

// Parses "a=1&b=2" (form or query encoding); malformed escapes drop the pair.
std::multimap<std::string, std::string> ParseUrlEncoded(std::string_view text) {
  std::multimap<std::string, std::string> out;
  Split(text, '&', [&](std::string_view pair) {
    if (pair.empty()) return;
    std::size_t eq = pair.find('=');
    std::string key;
    std::string value;
    if (!UrlDecode(pair.substr(0, eq), &key, true)) return;
    if (eq != std::string_view::npos && !UrlDecode(pair.substr(eq + 1), &value, true)) return;
    if (key.empty()) return;
    out.emplace(std::move(key), std::move(value));
  });
  return out;
}

// "fr", "fr-FR", "FR" -> "fr"; anything else -> "".
std::string_view SupportedLanguage(std::string_view tag) {
  tag = Trim(tag);
  std::string_view primary = tag.substr(0, tag.find('-'));
  if (EqualsIgnoreCase(primary, "fr")) return "fr";
  if (EqualsIgnoreCase(primary, "en")) return "en";
  return "";
}

Status BadTarget() {
  return InvalidArgument("http.bad_target", "La cible de la requête est invalide.");
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    char x = Lower(a[i]);
    char y = Lower(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  }
  return a.size() < b.size();
}

std::string_view Request::Header(std::string_view name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string_view() : std::string_view(it->second);
}

const std::string& Request::Param(std::string_view name) const {
  auto it = path_params.find(name);
  assert(it != path_params.end() && "Param() of a name absent from the route pattern");
  static const std::string kEmpty;
  return it == path_params.end() ? kEmpty : it->second;
}

std::optional<std::string> Request::Query(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
  auto [begin, end] = headers.equal_range("Cookie");
  for (auto it = begin; it != end; ++it) {
    std::optional<std::string> found;
    Split(it->second, ';', [&](std::string_view pair) {
      if (found) return;
      pair = Trim(pair);
      std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos || Trim(pair.substr(0, eq)) != name) return;
      std::string_view value = Trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      found = std::string(value);
    });
    if (found) return found;
  }
  return std::nullopt;
}

std::multimap<std::string, std::string> Request::FormFields() const {
  return ParseUrlEncoded(body);
}

Result<nlohmann::json> Request::JsonBody() const {
  std::string_view type = Trim(Header("Content-Type"));
  type = Trim(type.substr(0, type.find(';')));
  bool is_json = EqualsIgnoreCase(type, "application/json") ||
                 (type.size() > 5 && EqualsIgnoreCase(type.substr(type.size() - 5), "+json"));
  if (!is_json) {
    return InvalidArgument("http.unsupported_media_type",
                           "Le corps de la requête doit être du JSON (Content-Type: "
                           "application/json).");
  }
  if (Trim(body).empty()) {
    return InvalidArgument("http.empty_body", "Le corps de la requête est vide.");
  }
  return ParseJson(body);
}

std::string Request::Language() const {
  if (auto lang = Query("lang")) {
    std::string_view supported = SupportedLanguage(*lang);
    if (!supported.empty()) return std::string(supported);
  }
  // Accept-Language: the supported tag with the highest q; the earliest on ties.
  std::string_view best;
  double best_q = 0.0;
  Split(Header("Accept-Language"), ',', [&](std::string_view item) {
    std::size_t semi = item.find(';');
    std::string_view supported = SupportedLanguage(item.substr(0, semi));
    if (supported.empty()) return;
    double q = 1.0;
    if (semi != std::string_view::npos) {
      std::string_view param = Trim(item.substr(semi + 1));
      if (param.size() > 2 && Lower(param[0]) == 'q' && param[1] == '=') {
        std::string digits(param.substr(2, 5));
        char* end = nullptr;
        q = std::strtod(digits.c_str(), &end);
        if (end == digits.c_str() || q < 0.0 || q > 1.0) q = 0.0;
      }
    }
    if (q > best_q) {
      best_q = q;
      best = supported;
    }
  });
  return best.empty() ? "fr" : std::string(best);
}

Status Request::SetTarget(std::string_view raw_target) {
  if (raw_target.empty() || raw_target.front() != '/') return BadTarget();
  std::size_t qpos = raw_target.find('?');
  std::string_view raw_path = raw_target.substr(0, qpos);
  std::string decoded;
  if (!UrlDecode(raw_path, &decoded, false)) return BadTarget();
  if (decoded.find('\0') != std::string::npos) return BadTarget();
  bool dot_segment = false;
  Split(std::string_view(decoded).substr(1), '/', [&](std::string_view seg) {
    if (seg == "." || seg == "..") dot_segment = true;
  });
  if (dot_segment) return BadTarget();
  // Everything is computed before assigning: `raw_target` may view `target` itself.
  std::string_view fragmentless = raw_target.substr(0, raw_target.find('#'));
  std::multimap<std::string, std::string> parsed_query;
  if (qpos != std::string_view::npos && qpos < fragmentless.size()) {
    parsed_query = ParseUrlEncoded(fragmentless.substr(qpos + 1));
  }
  std::string new_target(fragmentless);
  target = std::move(new_target);
  path = std::move(decoded);
  query = std::move(parsed_query);
  return Status::Ok();
}

void Response::SetHeader(std::string name, std::string value) {
  headers.erase(name);
  headers.emplace(std::move(name), std::move(value));
}

void Response::AddCookie(std::string_view cookie_line) {
  headers.emplace("Set-Cookie", std::string(cookie_line));
}

Response Response::Json(const nlohmann::json& body, int status) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers.emplace("Content-Type", "application/json");
  return r;
}

Response Response::Html(std::string body, int status) {
  return Text(std::move(body), status, "text/html; charset=utf-8");
}

Response Response::Text(std::string body, int status, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace("Content-Type", std::move(content_type));
  return r;
}

Response Response::Redirect(std::string location, int status) {
  Response r;
  r.status = status;
  r.headers.emplace("Location", std::move(location));
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  return r;
}

bool UrlDecode(std::string_view in, std::string* out, bool plus_as_space) {
  out->clear();
  out->reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      int hi = i + 1 < in.size() ? HexValue(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

std::string UrlEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    auto u = static_cast<unsigned char>(c);
    bool unreserved = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                      (u >= '0' && u <= '9') || u == '-' || u == '.' || u == '_' || u == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0x0f]);
    }
  }
  return out;
}

std::string HtmlEscape(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 8);
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace parcours::http
