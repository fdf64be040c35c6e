// libFuzzer target (built with PARCOURS_FUZZ): hostile targets, headers and bodies through
// the request helpers and the router. Any crash, hang or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "parcours/http/router.h"

namespace {

const parcours::http::Router& FuzzRouter() {
  static const parcours::http::Router* router = [] {
    auto* r = new parcours::http::Router();
    auto echo = [](parcours::http::Request& req) {
      auto body = req.JsonBody();
      if (!body.ok()) return parcours::http::Problem(body.status(), req.request_id);
      return parcours::http::Response::Text(req.Language());
    };
    r->Add("GET", "/", echo);
    r->Add("POST", "/items/{id}", echo);
    r->Add("GET", "/items/new", echo);
    r->Add("GET", "/static/{path...}", echo);
    return r;
  }();
  return *router;
}

}  // namespace

// Input: "method\ntarget\nheader-value\nbody".
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto next = [&in]() {
    std::size_t nl = in.find('\n');
    std::string_view part = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    return std::string(part);
  };
  parcours::http::Request request;
  request.method = next();
  std::string target = next();
  std::string header = next();
  request.body = std::string(in);
  request.headers.emplace("Content-Type", header);
  request.headers.emplace("Cookie", header);
  request.headers.emplace("Accept-Language", header);
  (void)request.SetTarget(target);
  (void)request.FormFields();
  (void)request.Cookie("sid");
  (void)request.Language();
  request.path.clear();
  request.target = target;
  (void)FuzzRouter().Dispatch(request);
  std::string decoded;
  (void)parcours::http::UrlDecode(target, &decoded, true);
  (void)parcours::http::HtmlEscape(target);
  return 0;
}
