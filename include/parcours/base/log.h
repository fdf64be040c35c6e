// Structured logging: one JSON object per line on stderr (spdlog underneath).
// Every line carries the request id of the current thread's request, when any.
// Never log sensitive values (NIR, IBAN, health, income, secrets).
// Thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace parcours::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets the minimum level ("debug", "info", "warn", "error"); default info.
void SetLevel(std::string_view level);

// Writes {"ts":..., "level":..., "msg":..., "request_id":..., ...fields}.
void Write(Level level, std::string_view msg, const nlohmann::json& fields);
void Write(Level level, std::string_view msg);

inline void Info(std::string_view msg) { Write(Level::kInfo, msg); }
inline void Warn(std::string_view msg) { Write(Level::kWarn, msg); }
inline void Error(std::string_view msg) { Write(Level::kError, msg); }
void Info(std::string_view msg, const nlohmann::json& fields);
void Warn(std::string_view msg, const nlohmann::json& fields);
void Error(std::string_view msg, const nlohmann::json& fields);

// Sets the request id reported by log lines on this thread for the object's lifetime.
class ScopedRequestId {
 public:
  explicit ScopedRequestId(std::string id);
  ~ScopedRequestId();
  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;

 private:
  std::string previous_;
};

// The current thread's request id, or "" outside a request.
const std::string& CurrentRequestId();

}  // namespace parcours::log
