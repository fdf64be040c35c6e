#include "parcours/web/static_files.h"

#include <cstdint>
#include <filesystem>

#include "parcours/base/file.h"

namespace parcours::web {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxFileBytes = 8 * 1024 * 1024;

std::string ContentTypeFor(const fs::path& path) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
  };
  auto it = kTypes.find(path.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// 64-bit FNV-1a: a cache validator, not a security measure.
uint64_t Fnv1a(std::string_view bytes, uint64_t hash = 1469598103934665603ULL) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string Hex(uint64_t value) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[i] = kDigits[value & 0xf];
  return out;
}

Status LoadDir(const fs::path& dir, std::map<std::string, StaticFile, std::less<>>* files) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::Ok();
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    if (it->file_size() > kMaxFileBytes) {
      return InvalidArgument("web.static_too_large",
                             "Fichier statique trop gros (8 Mio au plus) : " + it->path().string());
    }
    std::optional<std::string> body = ReadWholeFile(it->path());
    if (!body) return InvalidArgument("web.file_unreadable", "Fichier illisible : " + it->path().string());
    StaticFile file;
    file.content_type = ContentTypeFor(it->path());
    file.body = std::move(*body);
    file.etag = "\"" + Hex(Fnv1a(file.body)) + "\"";
    (*files)[fs::relative(it->path(), dir).generic_string()] = std::move(file);
  }
  if (ec) return InvalidArgument("web.file_unreadable", "Dossier illisible : " + dir.string());
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<StaticFiles>> StaticFiles::Load(const std::string& web_dir,
                                                       const std::string& theme_dir) {
  auto assets = std::unique_ptr<StaticFiles>(new StaticFiles());
  RETURN_IF_ERROR(LoadDir(fs::path(web_dir) / "static", &assets->files_));
  if (!theme_dir.empty()) RETURN_IF_ERROR(LoadDir(fs::path(theme_dir) / "static", &assets->files_));
  uint64_t hash = Fnv1a("");
  for (const auto& [path, file] : assets->files_) hash = Fnv1a(path + file.etag, hash);
  assets->version_ = Hex(hash).substr(0, 10);
  return assets;
}

const StaticFile* StaticFiles::Find(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace parcours::web
