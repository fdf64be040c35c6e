// Helpers every web page handler uses: the language of a request and the rendering of a page
// template inside the common layout, with the data the layout needs (language switch,
// navigation, asset version, title).
//
// A page handler in another module looks like:
//   router.Add("GET", "/evenements", [&s](http::Request& r) {
//     nlohmann::json data = {{"title", web::Msg(s, r, "events.title")}, {"events", ...}};
//     return web::RenderPage(s, r, "events", std::move(data));
//   }, "web.events");
// and its template is web/templates/pages/events.mustache.
// Thread-safety: stateless functions.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "parcours/api/services.h"
#include "parcours/http/message.h"

namespace parcours::web {

// The page language: ?lang= when supported, then the "lang" cookie, then Accept-Language,
// then French.
std::string PageLanguage(const http::Request& request);

// The message `key` in the request's language (see Renderer::Message).
std::string Msg(const api::Services& services, const http::Request& request, std::string_view key,
                const std::map<std::string, std::string>& params = {});

// Renders web/templates/pages/<page>.mustache in the layout and returns the HTML response.
// `data` should hold "title" (the page's own title, already translated); the function adds
// "lang", "path", "lang_switch", "nav", "static_version" and "has_errors" (from a non-empty
// "errors" list: the title then starts with "Erreur : "). A ?lang= parameter also sets the
// "lang" cookie. A rendering failure is logged and answered by a plain 500 page.
http::Response RenderPage(const api::Services& services, const http::Request& request,
                          std::string_view page, nlohmann::json data, int status = 200);

}  // namespace parcours::web
