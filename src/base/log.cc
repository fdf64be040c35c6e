#include "parcours/base/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "parcours/base/clock.h"

namespace parcours::log {
namespace {

std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
thread_local std::string t_request_id;

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_logger_mt("parcours");
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

}  // namespace

void SetLevel(std::string_view level) {
  Level l = Level::kInfo;
  if (level == "debug") l = Level::kDebug;
  else if (level == "warn") l = Level::kWarn;
  else if (level == "error") l = Level::kError;
  g_min_level = static_cast<int>(l);
}

void Write(Level level, std::string_view msg, const nlohmann::json& fields) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  nlohmann::json line = {{"ts", FormatRfc3339(SystemClock::Get().Now())},
                         {"level", LevelName(level)},
                         {"msg", msg}};
  if (!t_request_id.empty()) line["request_id"] = t_request_id;
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  }
  Logger().info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Write(Level level, std::string_view msg) { Write(level, msg, nlohmann::json::object()); }
void Info(std::string_view msg, const nlohmann::json& fields) { Write(Level::kInfo, msg, fields); }
void Warn(std::string_view msg, const nlohmann::json& fields) { Write(Level::kWarn, msg, fields); }
void Error(std::string_view msg, const nlohmann::json& fields) { Write(Level::kError, msg, fields); }

ScopedRequestId::ScopedRequestId(std::string id) : previous_(std::move(t_request_id)) {
  t_request_id = std::move(id);
}
ScopedRequestId::~ScopedRequestId() { t_request_id = std::move(previous_); }

const std::string& CurrentRequestId() { return t_request_id; }

}  // namespace parcours::log
