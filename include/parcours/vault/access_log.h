// The access log: every read or write of personal data by an agent, a service or the platform
// (and every refused attempt) is one entry of an append-only, hash-chained log.
//
// entry.hash = BLAKE2b-256(prev_hash || CanonicalEntry(entry)); the first entry chains from the
// empty string, and a head row (last seq and hash) is updated in the same transaction, so that
// `VerifyAccessLog` detects an altered, removed (also at the end) or reordered entry. The
// database also refuses UPDATE and DELETE on the log (triggers); the chain catches whoever
// bypasses them.
// Thread-safety: free functions over a caller-owned Transaction / Database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/store/store.h"
#include "parcours/vault/actor.h"

namespace parcours::vault {

enum class AccessAction { kRead, kWrite, kExport, kErase, kDenied };
std::string_view AccessActionName(AccessAction a);  // "read", "write", "export", "erase", "denied"

struct AccessEntry {
  int64_t seq = 0;           // position in the chain, from 1
  std::string id;            // UUIDv7
  int64_t time_ms = 0;
  std::string person_id;     // whose data
  Actor actor;               // who
  AccessAction action = AccessAction::kRead;
  std::vector<std::string> attributes;  // names only, never values
  std::string purpose;       // why ("instruction PAJE")
  std::string legal_basis;   // "consentement", "mandat", "mission de service public"...
  std::string service_id;    // the service concerned, "" when none
  std::string prev_hash;     // raw 32 bytes ("" for the first entry)
  std::string hash;          // raw 32 bytes
};

// The canonical bytes hashed for an entry (every field but the hashes, fixed order, JSON).
std::string CanonicalEntry(const AccessEntry& entry);

// Appends `entry` (seq, id, hashes filled here; time_ms from `now_ms` when 0) inside `tx`.
Result<AccessEntry> AppendAccess(store::Transaction& tx, AccessEntry entry, int64_t now_ms);

// The person's entries, newest first, at most `limit`.
Result<std::vector<AccessEntry>> ReadAccessLog(store::Transaction& tx, const std::string& person_id,
                                               int limit);

struct VerifyReport {
  int64_t entries = 0;     // rows read
  bool ok = true;
  int64_t first_bad_seq = 0;  // 0 when ok
  std::string problem;     // French description of the first problem found
  std::string head_hash_hex;  // hash of the last entry (to keep outside the database)
};
// Walks the whole chain. `expected_head_hex` (optional): a head hash saved earlier outside the
// database; the chain must still contain it. A broken chain is a report with ok=false, not an
// error Status (errors are reserved for the database being unreadable).
Result<VerifyReport> VerifyAccessLog(store::Database& db,
                                     const std::optional<std::string>& expected_head_hex = {});

}  // namespace parcours::vault
