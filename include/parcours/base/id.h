// Sortable unique identifiers (UUIDv7: 48-bit Unix milliseconds, then randomness).
// Ids created later sort after ids created earlier (within one process, strictly).
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace parcours {

class Clock;

// Returns a new UUIDv7 in canonical lower-case form ("0190f1e2-...").
// Uses `clock` for the timestamp when given (tests), the system clock otherwise.
std::string NewId(const Clock* clock = nullptr);

// True when `id` is a canonical lower-case UUID (any version).
bool IsValidId(std::string_view id);

// Returns `n` random bytes as lower-case hex (cryptographically secure).
std::string RandomHex(std::size_t n);

}  // namespace parcours
