// Private helpers shared by the outbox, the delivery worker and the inbound API: reading
// delivery rows into DeliveryView and the sealing context of payloads.
#pragma once

#include <string>
#include <vector>

#include "parcours/exchange/outbox.h"
#include "parcours/store/store.h"

namespace parcours::exchange {

// The KeyRing context a delivery's payload is sealed under (binds it to its row).
inline std::string PayloadContext(const std::string& delivery_id) { return "exchange.delivery:" + delivery_id; }

// Deliveries joined with their service, filtered by `where_and_order` (using `d.` and `s.`).
Result<std::vector<DeliveryView>> QueryDeliveries(store::Transaction& tx, const std::string& where_and_order,
                                                  std::initializer_list<store::Value> params);

}  // namespace parcours::exchange
