// The access policy: the ONE place that decides which attributes of a person an actor may
// read or write, and whether the access is logged. Every Vault method that touches personal
// data calls Authorize before reading or writing anything (see vault.h for the rules).
// Thread-safety: stateless; runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/store/store.h"
#include "parcours/vault/actor.h"

namespace parcours::vault::detail {

// The pseudo-attribute naming the household composition in declarations and consents.
inline constexpr const char* kHouseholdAttribute = "ménage";

enum class Operation { kRead, kWrite, kManage };  // kManage: consents, export, erasure, log

struct Decision {
  std::vector<std::string> allowed;  // in the order requested
  std::vector<std::string> denied;   // requested but not allowed (services only)
  bool log = false;                  // append an access-log entry
  std::string legal_basis;
  std::string service_id;            // for services
};

// Decides for `requested` attribute names. PermissionDenied when the actor may not act on
// this person at all (another usager, an agent not serving the person, a service managing
// consents...); a service without declaration or consent gets a Decision with nothing allowed.
Result<Decision> Authorize(store::Transaction& tx, int64_t now_ms, const Actor& actor,
                           const std::string& person_id, const std::string& purpose,
                           const std::vector<std::string>& requested, Operation op);

}  // namespace parcours::vault::detail
