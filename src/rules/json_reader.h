// A JSON reader for published models, faster than nlohmann::json::parse and building the very same
// DOM (RawNode is nlohmann::json): it scans strings in bulk and builds objects and arrays in place,
// where nlohmann's lexer copies every character through its token buffer. Stateless: safe to call
// from several threads at once on different outputs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "expression.h"

namespace parcours::rules::detail {

// Containers nested deeper than this are refused (ReadJson returns false) rather than risking the
// stack; nlohmann has no limit, but models nest a dozen levels at most.
inline constexpr int kMaxJsonDepth = 512;

// Parses `text` (RFC 8259, as strict as nlohmann::json::parse: no comments, no trailing commas,
// strings of well-formed UTF-8) into *out. On success *out equals nlohmann::json::parse(text) with
// the same value types: non-negative integers are number_unsigned, negative ones number_integer,
// numbers with a fraction or an exponent, and integers beyond 64 bits, number_float; a duplicate
// key keeps its last value. nlohmann's quirks are kept too: a UTF-8 BOM may open the text, and a
// NUL byte after the value ends the input (what follows it is ignored).
// When the value is an object and `top_level_keys` is not null, appends its keys to it in the
// order of the text, duplicates included.
// Returns false on malformed JSON, on a number beyond the double range (nlohmann refuses those
// too) and past kMaxJsonDepth; *out and the keys appended are then unspecified.
bool ReadJson(std::string_view text, RawNode* out, std::vector<std::string>* top_level_keys);

}  // namespace parcours::rules::detail
