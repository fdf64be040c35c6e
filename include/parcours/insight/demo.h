// Synthetic activity for demonstrations and benchmarks: a population living journeys over
// months (steps started and finished or abandoned, forms with prefilled and re-asked fields,
// deliveries to agencies and their decisions, proactive offers, complaints, feedback), written
// as the very events the modules emit (same types, same data fields), so the indicators read
// them unchanged. Deterministic for a given seed and end time.
// Thread-safety: one call at a time per database.
#pragma once

#include <cstdint>
#include <string>

#include "parcours/base/status.h"
#include "parcours/store/store.h"

namespace parcours::insight {

struct DemoOptions {
  int64_t persons = 5000;      // people, one journey each (1..10 000 000)
  int months = 6;              // history length (1..36)
  uint64_t seed = 42;
  int64_t end_ms = 0;          // nothing happens after this instant (required)
  int rows_per_insert = 400;   // events per INSERT statement (1..2000)
  int64_t rows_per_commit = 50000;
};

struct DemoReport {
  int64_t persons = 0;
  int64_t events = 0;
};

// A UUIDv7 for an event that happened at `ms` (past or present): the 48-bit time, then
// `salt` (3 hex digits) and `seq`, so that ids taken at one instant stay distinct and ordered.
std::string EventIdAt(int64_t ms, const std::string& salt, uint64_t seq);

// Whether a demo population was already generated in this database.
Result<bool> HasDemoData(store::Database& db);

// Appends the events (ids are UUIDv7 taken from each event's time). kInvalidArgument
// "insight.bad_demo" for options out of range.
Result<DemoReport> GenerateDemo(store::Database& db, const DemoOptions& options);

}  // namespace parcours::insight
