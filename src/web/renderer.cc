#include "parcours/web/renderer.h"

#include <kainjow/mustache.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "parcours/base/file.h"
#include "parcours/http/message.h"

namespace parcours::web {
namespace {

namespace fs = std::filesystem;
namespace mustache = kainjow::mustache;
using nlohmann::json;

Result<std::string> ReadFile(const fs::path& path) {
  std::optional<std::string> text = ReadWholeFile(path);
  if (!text) return InvalidArgument("web.file_unreadable", "Fichier illisible : " + path.string());
  return std::move(*text);
}

// JSON -> mustache data. Numbers print as JSON does; null is falsy.
mustache::data ToData(const json& value) {
  switch (value.type()) {
    case json::value_t::object: {
      mustache::data out{mustache::data::type::object};
      for (const auto& [key, item] : value.items()) out.set(key, ToData(item));
      return out;
    }
    case json::value_t::array: {
      mustache::data out{mustache::data::type::list};
      for (const auto& item : value) out.push_back(ToData(item));
      return out;
    }
    case json::value_t::string:
      return mustache::data{value.get<std::string>()};
    case json::value_t::boolean:
      return mustache::data{value.get<bool>()};
    case json::value_t::null:
    case json::value_t::discarded:
      return mustache::data{false};
    default:
      return mustache::data{value.dump()};
  }
}

// Converts a YAML catalogue into nested JSON, flattening keys into `flat`.
Status CollectMessages(const YAML::Node& node, const std::string& prefix, const std::string& file,
                       json* nested, std::map<std::string, std::string, std::less<>>* flat) {
  if (!node.IsMap()) {
    return InvalidArgument("web.i18n_invalid",
                           "Catalogue " + file + " : table clé: valeur attendue sous « " + prefix + " ».");
  }
  for (const auto& entry : node) {
    std::string key = entry.first.as<std::string>();
    std::string full = prefix.empty() ? key : prefix + "." + key;
    if (entry.second.IsMap()) {
      json& child = (*nested)[key];
      if (child.is_null()) child = json::object();
      if (!child.is_object()) {
        return InvalidArgument("web.i18n_invalid", "Catalogue " + file + " : clé « " + full +
                                                       " » à la fois texte et groupe.");
      }
      RETURN_IF_ERROR(CollectMessages(entry.second, full, file, &child, flat));
    } else if (entry.second.IsScalar()) {
      if (flat->count(full) || nested->contains(key)) {
        return InvalidArgument("web.i18n_invalid",
                               "Catalogue " + file + " : clé « " + full + " » définie deux fois.");
      }
      (*nested)[key] = entry.second.Scalar();
      (*flat)[full] = entry.second.Scalar();
    } else {
      return InvalidArgument("web.i18n_invalid", "Catalogue " + file + " : la clé « " + full +
                                                     " » doit être un texte ou un groupe.");
    }
  }
  return Status::Ok();
}

struct Catalogue {
  std::map<std::string, std::string, std::less<>> flat;
  mustache::data globals;  // {lang, t}
};

// A mustache context that resolves {{> name}} from the renderer's templates: "name" is
// tried as "components/name" first, then as a full template name.
class TemplateContext : public mustache::context<std::string> {
 public:
  TemplateContext(const mustache::data* globals,
                  const std::map<std::string, mustache::data, std::less<>>* partials)
      : mustache::context<std::string>(globals), partials_(partials) {}

  const mustache::data* get_partial(const std::string& name) const override {
    auto it = partials_->find("components/" + name);
    if (it == partials_->end()) it = partials_->find(name);
    return it == partials_->end() ? nullptr : &it->second;
  }

 private:
  const std::map<std::string, mustache::data, std::less<>>* partials_;
};

class RendererImpl final : public Renderer {
 public:
  Status LoadTemplates(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return Status::Ok();
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file() || it->path().extension() != ".mustache") continue;
      std::string name = fs::relative(it->path(), dir).replace_extension().generic_string();
      ASSIGN_OR_RETURN(std::string text, ReadFile(it->path()));
      mustache::mustache parsed{text};
      if (!parsed.is_valid()) {
        return InvalidArgument("web.template_invalid",
                               "Gabarit " + it->path().string() + " : " + parsed.error_message());
      }
      templates_[name] = text;
      partials_[name] = mustache::data{text};
    }
    if (ec) return InvalidArgument("web.template_invalid", "Dossier illisible : " + dir.string());
    return Status::Ok();
  }

  Status LoadCatalogue(const fs::path& i18n_dir, std::string_view lang) {
    json nested = json::object();
    Catalogue catalogue;
    std::vector<fs::path> files;
    std::error_code ec;
    if (fs::is_regular_file(i18n_dir / (std::string(lang) + ".yaml"), ec)) {
      files.push_back(i18n_dir / (std::string(lang) + ".yaml"));
    }
    fs::path domain_dir = i18n_dir / std::string(lang);
    if (fs::is_directory(domain_dir, ec)) {
      std::vector<fs::path> domain_files;
      for (const auto& entry : fs::directory_iterator(domain_dir, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
          domain_files.push_back(entry.path());
        }
      }
      std::sort(domain_files.begin(), domain_files.end());
      files.insert(files.end(), domain_files.begin(), domain_files.end());
    }
    if (files.empty()) {
      return InvalidArgument("web.i18n_invalid", "Aucun catalogue de messages pour « " +
                                                     std::string(lang) + " » dans " +
                                                     i18n_dir.string() + ".");
    }
    for (const fs::path& file : files) {
      YAML::Node root;
      try {
        root = YAML::LoadFile(file.string());
      } catch (const YAML::Exception& e) {
        return InvalidArgument("web.i18n_invalid", "Catalogue " + file.string() + ", ligne " +
                                                       std::to_string(e.mark.line + 1) + " : " + e.msg);
      }
      if (root.IsNull()) continue;
      RETURN_IF_ERROR(CollectMessages(root, "", file.string(), &nested, &catalogue.flat));
    }
    catalogue.globals = mustache::data{mustache::data::type::object};
    catalogue.globals.set("lang", std::string(lang));
    catalogue.globals.set("t", ToData(nested));
    catalogues_.emplace(std::string(lang), std::move(catalogue));
    return Status::Ok();
  }

  Result<std::string> Render(std::string_view name, const json& data,
                             std::string_view lang) const override {
    auto tmpl = templates_.find(name);
    if (tmpl == templates_.end()) {
      return NotFound("web.unknown_template", "Gabarit inconnu : " + std::string(name));
    }
    mustache::data page = ToData(data);
    return RenderText(tmpl->second, page, lang, name);
  }

  Result<std::string> RenderPage(std::string_view page, const json& data,
                                 std::string_view lang) const override {
    std::string name = "pages/" + std::string(page);
    auto tmpl = templates_.find(name);
    if (tmpl == templates_.end()) {
      return NotFound("web.unknown_template", "Gabarit inconnu : " + name);
    }
    mustache::data page_data = ToData(data);
    ASSIGN_OR_RETURN(std::string content, RenderText(tmpl->second, page_data, lang, name));
    page_data.set("content", content);
    return RenderText(templates_.at("layout"), page_data, lang, "layout");
  }

  std::string Message(std::string_view lang, std::string_view key,
                      const std::map<std::string, std::string>& params) const override {
    std::string text(key);
    for (std::string_view l : {lang, kDefaultLanguage}) {
      auto cat = catalogues_.find(l);
      if (cat == catalogues_.end()) continue;
      auto it = cat->second.flat.find(key);
      if (it != cat->second.flat.end()) {
        text = it->second;
        break;
      }
    }
    for (const auto& [name, value] : params) {
      std::string placeholder = "{" + name + "}";
      for (auto pos = text.find(placeholder); pos != std::string::npos;
           pos = text.find(placeholder, pos + value.size())) {
        text.replace(pos, placeholder.size(), value);
      }
    }
    return text;
  }

  std::vector<std::string> MessageKeys(std::string_view lang) const override {
    std::vector<std::string> keys;
    auto cat = catalogues_.find(lang);
    if (cat == catalogues_.end()) return keys;
    for (const auto& entry : cat->second.flat) keys.push_back(entry.first);
    return keys;
  }

  std::vector<std::string> TemplateNames() const override {
    std::vector<std::string> names;
    for (const auto& entry : templates_) names.push_back(entry.first);
    return names;
  }

  bool HasLayout() const { return templates_.count("layout") > 0; }

 private:
  Result<std::string> RenderText(const std::string& text, const mustache::data& data,
                                 std::string_view lang, std::string_view name) const {
    auto cat = catalogues_.find(lang);
    if (cat == catalogues_.end()) cat = catalogues_.find(kDefaultLanguage);
    TemplateContext context(&cat->second.globals, &partials_);
    context.push(&data);
    mustache::mustache tmpl{text};
    tmpl.set_custom_escape([](const std::string& s) { return http::HtmlEscape(s); });
    std::string out = tmpl.render(context);
    if (!tmpl.is_valid()) {
      return Internal("web.render_failed",
                      "Rendu impossible du gabarit " + std::string(name) + " : " + tmpl.error_message());
    }
    return out;
  }

  std::map<std::string, std::string, std::less<>> templates_;
  std::map<std::string, mustache::data, std::less<>> partials_;
  std::map<std::string, Catalogue, std::less<>> catalogues_;
};

}  // namespace

bool IsSupportedLanguage(std::string_view lang) {
  return std::find(std::begin(kLanguages), std::end(kLanguages), lang) != std::end(kLanguages);
}

Result<std::unique_ptr<Renderer>> Renderer::Load(const RendererOptions& options) {
  auto renderer = std::make_unique<RendererImpl>();
  fs::path web(options.web_dir);
  RETURN_IF_ERROR(renderer->LoadTemplates(web / "templates"));
  if (!options.theme_dir.empty()) {
    RETURN_IF_ERROR(renderer->LoadTemplates(fs::path(options.theme_dir) / "templates"));
  }
  if (!renderer->HasLayout()) {
    return InvalidArgument("web.layout_missing",
                           "Gabarit de mise en page introuvable : " +
                               (web / "templates" / "layout.mustache").string() +
                               " (vérifiez web_dir / check web_dir).");
  }
  for (std::string_view lang : kLanguages) {
    RETURN_IF_ERROR(renderer->LoadCatalogue(web / "i18n", lang));
  }
  return std::unique_ptr<Renderer>(std::move(renderer));
}

}  // namespace parcours::web
