// Mergeable duration histograms (see histogram.h).
#include "histogram.h"

#include <charconv>

namespace parcours::insight {

std::string EncodeHistogram(const Histogram& h) {
  std::string out;
  for (const auto& [bucket, n] : h) {
    if (n == 0) continue;
    if (!out.empty()) out += ',';
    out += std::to_string(bucket);
    out += ':';
    out += std::to_string(n);
  }
  return out;
}

bool MergeHistogram(std::string_view text, Histogram& into) {
  bool ok = true;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const std::size_t colon = part.find(':');
    int64_t bucket = 0, n = 0;
    if (colon == std::string_view::npos ||
        std::from_chars(part.data(), part.data() + colon, bucket).ptr != part.data() + colon ||
        std::from_chars(part.data() + colon + 1, part.data() + part.size(), n).ptr != part.data() + part.size()) {
      ok = false;
      continue;
    }
    into[bucket] += n;
  }
  return ok;
}

}  // namespace parcours::insight
