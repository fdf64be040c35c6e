// The indicators as JSON and CSV (the pilote export and the API), and the public open-data
// subset with small counts withheld.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "parcours/insight/indicators.h"

namespace parcours::insight {

// `as_of_ms` in the exports below is up to when the aggregates are complete (insight::AsOf,
// the dashboards' "Données à jour au …"); nullopt before the first fold.

// Every indicator of `current`, and `previous` under "previous" when given, and "as_of" (RFC
// 3339 UTC, or null). Absent rates are null. Field names are documented in docs/INDICATORS.md
// and api/openapi/insight.yaml.
nlohmann::json ToJson(const Indicators& current, const Indicators* previous = nullptr,
                      std::optional<int64_t> as_of_ms = std::nullopt);

// One line per indicator: "indicateur,dimension,valeur,periode_precedente" (RFC 4180, UTF-8,
// dot decimal separator), the first one "donnees_a_jour_au" (RFC 3339 UTC, empty before the
// first fold), then one line per step and per agency.
std::string ToCsv(const Indicators& current, const Indicators& previous, std::optional<int64_t> as_of_ms = std::nullopt);

// Headline figures for the public page: volumes, completion, satisfaction, NPS, DLNUF, time
// to complete, and "as_of" as in ToJson. A count below kSmallCount is null with
// "suppressed": true, and so is every value derived from it.
nlohmann::json OpenData(const Indicators& current, std::optional<int64_t> as_of_ms = std::nullopt);

}  // namespace parcours::insight
