// Units of Publicodes values: (numerators, denominators) lists of base-unit symbols.
//
// Units are interned: a `UnitId` names one distinct (numerators, denominators) pair in a
// process-wide table, so that evaluation copies integers and memoises unit algebra
// (products, simplification, conversion factors). kNoUnit is the reference engine's
// `undefined` unit; kEmptyUnit is the explicit unit-less unit (`parseUnit('')`).
// Thread-safety: all functions are safe to call concurrently (internal mutex).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"

namespace parcours::rules {

using UnitId = int;
inline constexpr UnitId kNoUnit = -1;
inline constexpr UnitId kEmptyUnit = 0;

struct UnitParts {
  std::vector<std::string> numerators;
  std::vector<std::string> denominators;
};

// Parses "€/mois", "kgCO2e/km", "m/s2" (powers expand), "" (empty unit).
// Error on a space after '/' ("rules.unit_malformed").
Result<UnitId> ParseUnit(std::string_view text);
const UnitParts& GetUnitParts(UnitId id);  // id != kNoUnit
UnitId InternUnit(UnitParts parts);

// Reference `serializeUnit`: simplified, powers combined ("m2"), "" for empty;
// returns "" for kNoUnit too (callers check kNoUnit when the difference matters).
std::string SerializeUnit(UnitId id);

// inferUnit('*', [a, b]) / inferUnit('/', [a, b]): kNoUnit when both are kNoUnit.
UnitId MultiplyUnits(UnitId a, UnitId b);
UnitId DivideUnits(UnitId a, UnitId b);
// Removes one '%' numerator (inferUnit('*', [u, {denominators: ['%']}])).
UnitId DropPercent(UnitId id);
// True when `id` serializes as "%" / has "%" among its numerators (false for kNoUnit).
bool IsPercentUnit(UnitId id);
bool HasPercentNumerator(UnitId id);
// Reference `simplifyUnit`: cancels convertible units, drops '%' unless only '%'.
UnitId SimplifyUnit(UnitId id);

// Reference `convertUnit(from, to, value)`; nullopt when the units are incompatible
// (the reference throws; callers turn that into a warning or keep the value).
std::optional<double> ConvertUnit(UnitId from, UnitId to, double value);
bool AreUnitsConvertible(UnitId from, UnitId to);

// Rounds like JavaScript `+value.toFixed(16)`.
double RoundTo16(double value);

}  // namespace parcours::rules
