// Mergeable duration histograms: bucket bound (hours, see DurationBucket) -> count, stored in
// one text column of insight_cube as "bucket:count,bucket:count" in increasing bucket order.
// Adding two histograms is adding counts bucket by bucket, so per-day histograms merge into a
// period's exactly. Internal to the insight module. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace parcours::insight {

using Histogram = std::map<int64_t, int64_t>;

// "" for an empty histogram.
std::string EncodeHistogram(const Histogram& h);

// Adds the counts of `text` to `into`; a malformed part is skipped (returns false then).
bool MergeHistogram(std::string_view text, Histogram& into);

}  // namespace parcours::insight
