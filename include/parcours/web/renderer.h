// HTML rendering for the server-rendered pages: logic-less mustache templates (kainjow) built
// from component partials, and the message catalogues of each language (French first).
//
// Files (all read once at start-up; a theme overrides any template or static file by path):
//   <web_dir>/templates/layout.mustache          the page frame (header, main, footer)
//   <web_dir>/templates/pages/<name>.mustache    one per page, rendered inside the layout
//   <web_dir>/templates/components/<c>.mustache  partials: {{> button}}, {{> field}}...
//   <web_dir>/i18n/<lang>.yaml, <lang>/*.yaml    messages, nested maps, reached as {{t.a.b}}
//   <theme_dir>/templates/...                    same paths: replace the neutral partials
// Thread-safety: immutable after Load(); every method is safe to call concurrently.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"

namespace parcours::web {

// The languages of the interface, the default first.
inline constexpr std::string_view kLanguages[] = {"fr", "en"};
inline constexpr std::string_view kDefaultLanguage = "fr";

struct RendererOptions {
  std::string web_dir = "web";
  std::string theme_dir;  // "" = the neutral theme only
};

class Renderer {
 public:
  virtual ~Renderer() = default;

  // Reads every template and catalogue. InvalidArgument("web.template_invalid" /
  // "web.i18n_invalid" / "web.layout_missing") naming the file on a malformed file.
  static Result<std::unique_ptr<Renderer>> Load(const RendererOptions& options);

  // Renders the template `name` ("pages/home", "components/button"...) with `data`; the
  // messages of `lang` are visible as `t` and the language as `lang`. NotFound
  // ("web.unknown_template") for an unknown name, Internal("web.render_failed") when the
  // template refers to a missing partial.
  virtual Result<std::string> Render(std::string_view name, const nlohmann::json& data,
                                     std::string_view lang) const = 0;

  // Renders "pages/<page>" and puts the result as `content` into the layout, with the same data.
  virtual Result<std::string> RenderPage(std::string_view page, const nlohmann::json& data,
                                         std::string_view lang) const = 0;

  // The message at dotted `key` ("home.title") in `lang`, else in French, else the key itself.
  // `{name}` placeholders are replaced by `params[name]` (not escaped: the caller escapes).
  virtual std::string Message(std::string_view lang, std::string_view key,
                              const std::map<std::string, std::string>& params = {}) const = 0;

  // Every message key of `lang`, flattened ("home.title"), sorted (for completeness tests).
  virtual std::vector<std::string> MessageKeys(std::string_view lang) const = 0;

  // Every template name, sorted.
  virtual std::vector<std::string> TemplateNames() const = 0;
};

// True for a language the interface speaks.
bool IsSupportedLanguage(std::string_view lang);

}  // namespace parcours::web
