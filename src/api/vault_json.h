// JSON forms of vault values for the API (and the web export).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "parcours/vault/vault.h"

namespace parcours::api::detail {

nlohmann::json VaultRecordJson(const vault::AttributeRegistry& registry, const vault::AttributeRecord& r,
                               const std::string& lang);
nlohmann::json VaultConsentJson(const vault::Consent& c);
nlohmann::json VaultAccessJson(const vault::AccessEntry& e);
nlohmann::json VaultServiceJson(const vault::ServicePurpose& s);

}  // namespace parcours::api::detail
