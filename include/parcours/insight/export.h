// The indicators as JSON and CSV (the pilote export and the API), and the public open-data
// subset with small counts withheld.
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "parcours/insight/indicators.h"

namespace parcours::insight {

// Every indicator of `current`, and `previous` under "previous" when given. Absent rates are
// null. Field names are documented in docs/INDICATORS.md and api/openapi/insight.yaml.
nlohmann::json ToJson(const Indicators& current, const Indicators* previous = nullptr);

// One line per indicator: "indicateur,dimension,valeur,periode_precedente" (RFC 4180, UTF-8,
// dot decimal separator), then one line per step and per agency.
std::string ToCsv(const Indicators& current, const Indicators& previous);

// Headline figures for the public page: volumes, completion, satisfaction, NPS, DLNUF, time
// to complete. A count below kSmallCount is null with "suppressed": true, and so is every
// value derived from it.
nlohmann::json OpenData(const Indicators& current);

}  // namespace parcours::insight
