#include "parcours/base/file.h"

#include <fstream>
#include <sstream>
#include <system_error>

namespace parcours {

std::optional<std::string> ReadWholeFile(const std::filesystem::path& path) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (error || std::filesystem::is_directory(status)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  if (!std::filesystem::is_regular_file(status)) {  // a pipe, a device: no size known
    std::ostringstream text;
    text << in.rdbuf();  // fails only when it inserts nothing: an empty stream is an empty text
    if (in.bad()) return std::nullopt;
    return std::move(text).str();
  }
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error) return std::nullopt;
  std::string text(static_cast<size_t>(size), '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(text.size()))) return std::nullopt;
  return text;
}

}  // namespace parcours
