// The time source. Production code takes a Clock& so that tests can control time.
// SystemClock is stateless; ManualClock is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace parcours {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  // Milliseconds since the Unix epoch.
  int64_t NowMillis() const;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  // A process-wide instance.
  static const SystemClock& Get();
};

// A clock that only moves when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : millis_(ToMillis(start)) {}
  TimePoint Now() const override;
  void Advance(std::chrono::milliseconds d) { millis_ += d.count(); }
  void Set(TimePoint t) { millis_ = ToMillis(t); }

 private:
  static int64_t ToMillis(TimePoint t);
  std::atomic<int64_t> millis_;
};

// RFC 3339 UTC with milliseconds: "2026-11-28T13:15:56.123Z".
std::string FormatRfc3339(TimePoint t);
// Parses RFC 3339 (Z or +hh:mm offsets); returns false on malformed input.
bool ParseRfc3339(const std::string& text, TimePoint* out);

}  // namespace parcours
