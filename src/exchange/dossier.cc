#include "parcours/exchange/dossier.h"

#include "parcours/store/store.h"

namespace parcours::exchange {

Result<DossierRef> FindDossier(store::Transaction& tx, const std::string& delivery_id) {
  ASSIGN_OR_RETURN(store::Row row,
                   tx.QueryOne("SELECT d.person_id, s.organisation, d.service_id, s.name_fr, s.name_en "
                               "FROM exchange_deliveries d JOIN exchange_services s ON s.id = d.service_id "
                               "WHERE d.id = $1",
                               {delivery_id}, "exchange.unknown_delivery", "Envoi introuvable."));
  return DossierRef{delivery_id, row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4)};
}

}  // namespace parcours::exchange
