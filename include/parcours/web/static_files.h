// Static assets (CSS, images, fonts) read into memory at start-up from <web_dir>/static and
// overlaid by <theme_dir>/static, served under /static/ with strong ETags. Only files found at
// load time can be served, so no request path can reach outside the folders.
// Thread-safety: immutable after Load().
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "parcours/base/status.h"

namespace parcours::web {

struct StaticFile {
  std::string content_type;
  std::string body;
  std::string etag;  // quoted strong validator, e.g. "\"3f2a...\""
};

class StaticFiles {
 public:
  // Reads every regular file under `web_dir`/static, then `theme_dir`/static (when non-empty)
  // replacing files of the same relative path. Files larger than 8 MiB are refused.
  static Result<std::unique_ptr<StaticFiles>> Load(const std::string& web_dir,
                                                   const std::string& theme_dir);

  // The file at relative path `path` ("parcours.css", "img/logo.svg"), or nullptr.
  const StaticFile* Find(std::string_view path) const;

  // A short hash of every file: appended as ?v= to asset URLs so they can be cached forever.
  const std::string& Version() const { return version_; }

  std::size_t size() const { return files_.size(); }

 private:
  std::map<std::string, StaticFile, std::less<>> files_;
  std::string version_;
};

}  // namespace parcours::web
