// Small formatting helpers of the vault pages.
#pragma once

#include <cstdint>
#include <string>

namespace parcours::web::detail {

// "28/11/2026 à 14:03" in French legal time (Europe/Paris), "28/11/2026 14:03" in English.
std::string VaultDateTime(int64_t ms, const std::string& lang);
// "28/11/2026" (Europe/Paris).
std::string VaultDate(int64_t ms);
// A sensitive value for the screen: "•••• 189" (last three characters), or "••••" when short.
std::string MaskSensitive(const std::string& display);

}  // namespace parcours::web::detail
