#include "errors.h"

#include <nlohmann/json.hpp>
#include <string>

#include "parcours/base/log.h"

namespace parcours::store::detail {

Status ConflictError() {
  return Conflict("store.conflict",
                  "Cette donnée existe déjà ou dépend d'une autre donnée : l'opération est refusée.");
}

Status UnavailableError() {
  return Unavailable("store.unavailable",
                     "La base de données est momentanément indisponible. Veuillez réessayer.");
}

Status InternalError() {
  return Internal("store.internal", "Erreur interne de la base de données.");
}

Status BadParametersError() {
  return Internal("store.bad_parameters",
                  "Les paramètres de la requête ne correspondent pas à ses emplacements $N.");
}

Status FinishedTransactionError() {
  return Internal("store.transaction_finished", "La transaction est déjà terminée.");
}

void LogDriverError(std::string_view backend, std::string_view code, std::string_view message) {
  log::Warn("store.driver_error", {{"backend", std::string(backend)},
                                   {"code", std::string(code)},
                                   {"driver_message", std::string(message)}});
}

}  // namespace parcours::store::detail
