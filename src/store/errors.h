// Private: the Status values every backend maps its driver errors to. Messages are French
// and generic: the driver's own text may hold SQL values, so it is only logged, by the
// backend, without parameters.
#pragma once

#include <string_view>

#include "parcours/base/status.h"

namespace parcours::store::detail {

// A unique or foreign-key constraint refused the change.
Status ConflictError();
// Busy, locked, serialization failure, deadlock, connection loss: retry later.
Status UnavailableError();
// Anything else (syntax, type mismatch, misuse): a programming or environment error.
Status InternalError();
// The statement's parameters do not match its $N placeholders.
Status BadParametersError();
// A statement was run on a transaction already committed or rolled back.
Status FinishedTransactionError();

// Logs a driver error: backend ("sqlite"/"postgres"), driver code and driver message.
void LogDriverError(std::string_view backend, std::string_view code, std::string_view message);

}  // namespace parcours::store::detail
