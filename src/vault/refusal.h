// How the vault's validators refuse a value: InvalidArgument with a stable reason and a French
// message, plus one field error without a field name that carries the per-field reason and its
// parameters (see FieldErrorOf / OnField in parcours/vault/validate.h).
// Thread-safety: pure function.
#pragma once

#include <map>
#include <string>

#include "parcours/base/status.h"

namespace parcours::vault::detail {

Status Refusal(std::string reason, std::string field_reason, std::string message,
               std::map<std::string, std::string> params = {});

}  // namespace parcours::vault::detail
