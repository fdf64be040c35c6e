// One delivery ("dossier") and its owners: the person, the receiving organisation and service.
// Read by the complaints module (a complaint about a dossier goes to its organisation).
// Thread-safety: a free function over a caller-owned Transaction.
#pragma once

#include <string>

#include "parcours/base/status.h"

namespace parcours::store {
class Transaction;
}

namespace parcours::exchange {

struct DossierRef {
  std::string id;
  std::string person_id;
  std::string organisation;
  std::string service_id;
  std::string service_name_fr;
  std::string service_name_en;
};

// NotFound exchange.unknown_delivery when absent.
Result<DossierRef> FindDossier(store::Transaction& tx, const std::string& delivery_id);

}  // namespace parcours::exchange
