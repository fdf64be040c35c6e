#include "exchange_format.h"

#include <map>

#include "parcours/exchange/inbound.h"
#include "parcours/exchange/registry.h"
#include "parcours/store/store.h"
#include "parcours/vault/vault.h"
#include "vault_format.h"

namespace parcours::web::detail {

using nlohmann::json;

std::string AttributeLabels(const vault::Vault& v, const std::vector<std::string>& names, const std::string& lang) {
  std::string out;
  for (const auto& n : names) {
    const vault::AttributeDef* def = v.registry().Find(n);
    out += (out.empty() ? "" : ", ") + (def ? (lang == "en" ? def->label_en : def->label_fr) : n);
  }
  return out;
}

// The status tag of a recipient: the agency's status, or the transport's trouble.
json DeliveryTag(const exchange::DeliveryView& d, const std::string& lang) {
  if (d.state == "dead") {
    return {{"label", lang == "en" ? "Not delivered yet: we will retry" : "Pas encore remise : nous réessaierons"},
            {"kind", "error"}};
  }
  static const std::map<std::string, std::string> kKinds = {
      {"envoyee", "sent"},     {"recue", "in_progress"}, {"en_instruction", "in_progress"},
      {"informations_demandees", "todo"}, {"acceptee", "done"}, {"payee", "done"},
      {"refusee", "error"},    {"non_transmise", "not_concerned"}};
  auto it = kKinds.find(d.agency_status);
  return {{"label", exchange::AgencyStatusLabel(d.agency_status, lang)},
          {"kind", it == kKinds.end() ? "todo" : it->second}};
}

json DeclarationView(const api::Services& s, const exchange::Declaration& d, const std::string& lang) {
  std::string title = d.bundle_id;
  if (auto tx = s.db->BeginRead(); tx.ok()) {
    if (auto b = exchange::GetBundle(**tx, d.bundle_id); b.ok()) title = lang == "en" ? b->title_en : b->title_fr;
  }
  json rows = json::array();
  for (const auto& v : d.deliveries) {
    rows.push_back({{"agency", v.ServiceName(lang)},
                    {"sent", v.attributes.empty() ? (lang == "en" ? "Nothing was sent" : "Rien n'a été transmis")
                                                  : AttributeLabels(*s.vault, v.attributes, lang)},
                    {"tag", DeliveryTag(v, lang)},
                    {"message", v.agency_message.value_or("")},
                    {"delay", v.expected_delay_days > 0 ? std::to_string(v.expected_delay_days) +
                                                              (lang == "en" ? " days" : " jours")
                                                        : ""},
                    {"updated", detail::VaultDate(v.updated_ms)}});
  }
  return {{"id", d.id}, {"title", title}, {"created", detail::VaultDate(d.created_ms)}, {"rows", rows}};
}

}  // namespace parcours::web::detail
