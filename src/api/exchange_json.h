// JSON forms of the exchange's objects, shared by the exchange and console routes. Internal to
// the api module.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "parcours/exchange/outbox.h"

namespace parcours::api::detail {

// One delivery (a dossier for the receiving organisation), with the agency status label in `lang`.
nlohmann::json DeliveryJson(const exchange::DeliveryView& delivery, const std::string& lang);

}  // namespace parcours::api::detail
