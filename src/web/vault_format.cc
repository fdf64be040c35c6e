#include "vault_format.h"

#include <ctime>

#include "parcours/base/paris_time.h"

namespace parcours::web::detail {

std::string VaultDateTime(int64_t ms, const std::string& lang) {
  std::tm tm = ParisTime(ms);
  char buf[64];
  std::strftime(buf, sizeof buf, lang == "en" ? "%d/%m/%Y %H:%M" : "%d/%m/%Y à %H:%M", &tm);
  return buf;
}

std::string VaultDate(int64_t ms) { return ParisDate(ms); }

std::string MaskSensitive(const std::string& display) {
  std::string compact;
  for (char c : display) if (c != ' ') compact.push_back(c);
  if (compact.size() <= 6) return "••••";
  return "•••• " + compact.substr(compact.size() - 3);
}

}  // namespace parcours::web::detail
