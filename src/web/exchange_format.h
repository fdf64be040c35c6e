// Display helpers of declarations and dossiers, shared by the citizen's declaration pages and
// the agent console. Internal to the web module.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "parcours/api/services.h"
#include "parcours/exchange/outbox.h"

namespace parcours::vault {
class Vault;
}

namespace parcours::web::detail {

// "Nom de naissance, Code postal" for attribute names, in `lang`.
std::string AttributeLabels(const vault::Vault& vault, const std::vector<std::string>& names, const std::string& lang);
// The status tag {label, kind} of a delivery: the agency's status, or the transport's trouble.
nlohmann::json DeliveryTag(const exchange::DeliveryView& delivery, const std::string& lang);
// A declaration for the declaration_table partial: {id, title, created, rows}.
nlohmann::json DeclarationView(const api::Services& services, const exchange::Declaration& declaration,
                               const std::string& lang);

}  // namespace parcours::web::detail
