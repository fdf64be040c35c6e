#include "delivery_rows.h"

#include <nlohmann/json.hpp>

namespace parcours::exchange {

Result<std::vector<DeliveryView>> QueryDeliveries(store::Transaction& tx, const std::string& where_and_order,
                                                  std::initializer_list<store::Value> params) {
  ASSIGN_OR_RETURN(
      store::Rows rows,
      tx.Query("SELECT d.id, d.request_id, d.person_id, d.service_id, s.name_fr, s.name_en, s.organisation, "
               "s.expected_delay_days, d.state, "
               "d.attempts, d.last_error, d.next_attempt_ms, d.delivered_ms, d.agency_status, d.agency_message, "
               "d.agency_reference, d.attributes, d.created_ms, d.updated_ms "
               "FROM exchange_deliveries d JOIN exchange_services s ON s.id = d.service_id WHERE " +
                   where_and_order,
               params));
  std::vector<DeliveryView> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    DeliveryView v;
    v.id = r.Text("id");
    v.request_id = r.Text("request_id");
    v.person_id = r.Text("person_id");
    v.service_id = r.Text("service_id");
    v.service_name = r.Text("name_fr");
    v.service_name_en = r.Text("name_en");
    v.organisation = r.Text("organisation");
    v.expected_delay_days = static_cast<int>(r.Int("expected_delay_days"));
    v.state = r.Text("state");
    v.attempts = static_cast<int>(r.Int("attempts"));
    v.last_error = r.OptText("last_error");
    v.next_attempt_ms = r.Int("next_attempt_ms");
    v.delivered_ms = r.OptInt("delivered_ms");
    v.agency_status = r.Text("agency_status");
    v.agency_message = r.OptText("agency_message");
    v.agency_reference = r.OptText("agency_reference");
    v.attributes = nlohmann::json::parse(r.Text("attributes")).get<std::vector<std::string>>();
    v.created_ms = r.Int("created_ms");
    v.updated_ms = r.Int("updated_ms");
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace parcours::exchange
