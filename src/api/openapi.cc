// Builds the OpenAPI document from the embedded root file and its fragments.
#include <nlohmann/json.hpp>
#include <string>

#include "openapi_embedded.h"
#include "parcours/api/system.h"
#include "yaml_json.h"

namespace parcours::api {
namespace {

using nlohmann::json;

Status Invalid(std::string message) {
  return Internal("api.openapi_invalid", std::move(message));
}

// Adds every key of `from[section]` to `into[section]`; a key already present is an error.
Status MergeSection(json& into, const json& from, const std::string& section,
                    std::string_view origin) {
  if (!from.contains(section)) return Status::Ok();
  if (!from[section].is_object()) {
    return Invalid("Section « " + section + " » mal formée dans " + std::string(origin) + ".");
  }
  json& target = into[section];
  if (target.is_null()) target = json::object();
  for (const auto& [key, value] : from[section].items()) {
    if (target.contains(key)) {
      return Invalid("« " + section + "/" + key + " » est défini deux fois (" +
                     std::string(origin) + ").");
    }
    target[key] = value;
  }
  return Status::Ok();
}

}  // namespace

namespace detail {

Result<std::string> BuildOpenApi(const std::vector<EmbeddedFile>& files) {
  if (files.empty()) return Invalid("Aucun fichier OpenAPI embarqué.");
  ASSIGN_OR_RETURN(json root, YamlToJson(files[0].content, files[0].path));
  if (!root.is_object() || root.value("openapi", "") != "3.1.0") {
    return Invalid("api/openapi.yaml doit déclarer « openapi: 3.1.0 ».");
  }
  if (!root.contains("paths")) root["paths"] = json::object();
  for (std::size_t i = 1; i < files.size(); ++i) {
    ASSIGN_OR_RETURN(json fragment, YamlToJson(files[i].content, files[i].path));
    if (fragment.is_null()) continue;  // an empty fragment
    if (!fragment.is_object()) {
      return Invalid(std::string(files[i].path) + " doit être un objet YAML.");
    }
    for (const auto& [key, value] : fragment.items()) {
      if (key != "paths" && key != "components" && key != "tags") {
        return Invalid("Clé « " + key + " » inattendue dans " + std::string(files[i].path) +
                       " (seules paths, components et tags sont permises).");
      }
    }
    RETURN_IF_ERROR(MergeSection(root, fragment, "paths", files[i].path));
    if (fragment.contains("components")) {
      if (!fragment["components"].is_object()) {
        return Invalid("Section « components » mal formée dans " + std::string(files[i].path));
      }
      if (!root.contains("components")) root["components"] = json::object();
      for (const auto& [kind, entries] : fragment["components"].items()) {
        json wrapper = {{kind, entries}};
        RETURN_IF_ERROR(MergeSection(root["components"], wrapper, kind, files[i].path));
      }
    }
    if (fragment.contains("tags")) {
      if (!fragment["tags"].is_array()) {
        return Invalid("Section « tags » mal formée dans " + std::string(files[i].path));
      }
      for (const auto& tag : fragment["tags"]) root["tags"].push_back(tag);
    }
  }
  return root.dump();
}

}  // namespace detail

Result<std::string> OpenApiDocument() {
  static const Result<std::string> kDocument = detail::BuildOpenApi(detail::OpenApiFiles());
  return kDocument;
}

}  // namespace parcours::api
