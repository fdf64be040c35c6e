// The OpenAPI source files embedded at build time (see src/api/CMakeLists.txt).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"

namespace parcours::api::detail {

struct EmbeddedFile {
  std::string_view path;     // relative to the repository root, e.g. "api/openapi.yaml"
  std::string_view content;  // YAML text
};

// The root document first, then the fragments in file-name order.
const std::vector<EmbeddedFile>& OpenApiFiles();

// Merges `files` (root first) into one JSON document; see api::OpenApiDocument.
Result<std::string> BuildOpenApi(const std::vector<EmbeddedFile>& files);

}  // namespace parcours::api::detail
