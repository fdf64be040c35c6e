// The indicators a pilote reads (definitions in docs/INDICATORS.md), computed from the
// aggregates that insight/aggregates.h maintains. Every value is a plain count or a value
// derived from counts; rates and scores are absent (nullopt) when their denominator is 0.
// Thread-safety: free functions over a shared Database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/store/store.h"

namespace parcours::insight {

// What to aggregate. Exactly one of journey (a life event id, "demenager") and service (an
// administration or agency service id, "caf") is set. Days are UTC days since 1970-01-01,
// both ends included.
struct Filter {
  std::string journey;
  std::string service;
  std::string channel;      // "" = every channel
  std::string departement;  // "" = everywhere
  std::string commune;      // "" = everywhere (INSEE code)
  int64_t from_day = 0;
  int64_t to_day = 0;
};

// Parses a filter from query parameters: parcours|service, du (YYYY-MM-DD), au, canal,
// departement, commune. Missing dates: the 90 days up to `today_day` (journeys take weeks: a shorter default shows mostly unfinished ones). Errors are
// kInvalidArgument with a field error per bad parameter: "insight.bad_filter" (dates in the
// wrong order, before 2000, after today + 1, a period over 366 days, a malformed code...).
struct RawFilter {
  std::string journey{}, service{}, channel{}, departement{}, commune{}, from{}, to{};
};
Result<Filter> ParseFilter(const RawFilter& raw, int64_t today_day);

// The same length of time just before `f` (for the comparison with the previous period).
Filter PreviousPeriod(const Filter& f);

// "2026-03-01" from a day number, and back (nullopt when malformed).
std::string DayToIso(int64_t day);
std::optional<int64_t> IsoToDay(const std::string& iso);

struct Distribution {
  int64_t count = 0;
  std::optional<int64_t> median_hours;  // nearest-rank, on the histogram bucket bounds
  std::optional<int64_t> p90_hours;
};

struct StepFunnel {
  std::string step;
  std::string service;
  int64_t started = 0;   // journeys that began the step
  int64_t done = 0;      // journeys that finished it
  int64_t helped = 0;    // finished with an agent, at the counter or by phone
  std::optional<double> dropoff_rate;  // (started - done) / started
};

struct ServiceDelays {
  std::string service;
  int64_t delivered = 0;
  int64_t failed = 0;
  int64_t dead_lettered = 0;
  std::optional<int64_t> mean_transmission_ms;  // sum of latency / delivered
  Distribution decision;  // delivery -> acceptee|refusee, in hours
};

struct Indicators {
  Filter filter;
  int64_t journeys_started = 0;
  int64_t journeys_completed = 0;
  std::optional<double> completion_rate;
  int64_t journeys_autonomous = 0;
  std::optional<double> autonomy_rate;  // autonomous / completed
  Distribution time_to_complete;
  Distribution time_to_benefit;
  std::vector<StepFunnel> funnel;  // in order of the most started first
  // Dites-le nous une fois.
  int64_t forms = 0, fields_asked = 0, fields_prefilled = 0, fields_reasked = 0;
  std::optional<double> reasked_rate;    // reasked / (asked + prefilled)
  std::optional<double> prefilled_rate;  // prefilled / (asked + prefilled)
  // Feedback.
  int64_t feedback = 0;
  std::optional<double> satisfaction;  // out of 10
  std::optional<double> ease;          // out of 10
  std::optional<double> clarity;       // out of 10
  int64_t help_sought = 0, help_reached = 0;
  std::optional<double> help_reached_rate;
  int64_t nps_answers = 0, promoters = 0, detractors = 0;
  std::optional<double> nps;           // -100..100
  int64_t effort_answers = 0;
  std::optional<double> effort;        // mean, 1 (very easy) .. 7 (very hard)
  // Proactivity and complaints.
  int64_t proactive_offers = 0, proactive_accepted = 0;
  std::optional<double> proactive_take_up;
  int64_t complaints = 0, complaints_resolved = 0;
  Distribution complaint_delay;
  // Agencies.
  int64_t declarations = 0;
  std::vector<ServiceDelays> agencies;
};

// Computes the indicators for `filter` in one read transaction.
Result<Indicators> Compute(store::Database& db, const Filter& filter);

struct Comment {
  std::string day;  // ISO date
  std::string step;
  std::string service;
  std::string channel;
  std::string satisfaction;  // "bien" | "moyen" | "mal"
  std::string text;
};
// The latest `limit` feedback comments matching `filter` (never with an identity).
Result<std::vector<Comment>> Comments(store::Database& db, const Filter& filter, int limit);

// Below this count, a public figure is withheld (open-data page and export).
inline constexpr int64_t kSmallCount = 10;

}  // namespace parcours::insight
