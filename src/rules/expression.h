// Parser of Publicodes expressions ("salaire * 10 % + 3 €/mois", "a . b >= 18 an").
//
// Hand-written recursive descent following the reference grammar:
//   comparison := add (op add)*     op in > < >= <= = != (surrounded by spaces)
//   add := mul ((+|-) mul)*; mul := pow ((*|/|//) pow)*; pow := primary (** pow)*
//   primary := ( expr ) | - primary | date | number [unit] | 'str' | "str" | name | oui | non
// The output is the reference's raw mechanism form, as ordered JSON:
//   {"+": [a, b]}, {"variable": "a . b"}, {"constant": {"type": "number", "nodeValue": 3,
//   "rawUnit": "€/mois"}} ... so that the rule compiler handles one shape only.
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "parcours/base/status.h"

namespace parcours::rules {

// Objects are key-sorted (std::map): parsing large models stays O(n log n).
using RawNode = nlohmann::json;

// Parses `text` (newlines are joined with single spaces). Errors carry reason
// "rules.parse_error" and a French message with the column of the problem.
Result<RawNode> ParseExpression(std::string_view text);

// Normalises "1/2/2020" or "02/2020" to "JJ/MM/AAAA"; false if not a valid date.
bool NormalizeDate(std::string_view text, std::string* out);

}  // namespace parcours::rules
