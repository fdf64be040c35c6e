// One batch of the fold: applies events to the per-journey state and to counters kept in
// memory, then writes both back with upserts (Flush). Each count goes to every distinct
// grouping set of insight_cube (see migrations/*/0502_insight_cube.sql). Internal to the
// insight module.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <span>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "histogram.h"
#include "parcours/base/status.h"
#include "parcours/store/events.h"
#include "parcours/store/store.h"

namespace parcours::insight {

struct Dims {
  std::string journey, service, step, channel, departement, commune;
};

class FoldBatch {
 public:
  explicit FoldBatch(store::Transaction& tx) : tx_(tx) {}
  // Loads, with a few statements per kind, the state rows (journeys and their steps, persons,
  // deliveries, complaints) that `events` will look up, so that Apply finds them in memory
  // instead of issuing one SELECT per object. Optional: Apply looks up what is not loaded.
  Status Preload(std::span<const store::Event> events);
  // Folds one event; unknown types are ignored, malformed data is skipped (the event log is
  // append-only: a bad event must not stop the indicators).
  Status Apply(const store::Event& e);
  // Writes the counters and the changed state.
  Status Flush();

 private:
  struct JourneyState {
    std::string life_event, channel, departement, commune;
    int64_t started_ms = 0;
    std::set<std::string> pending;
    bool helped = false;
    std::optional<int64_t> completed_ms, benefit_ms;
    bool dirty = false;
  };
  struct StepState {
    bool started = false, done = false, dirty = false;
  };
  struct Delivery {
    std::string service;
    int64_t created_ms = 0;
    bool decided = false, dirty = false;
  };
  struct Complaint {
    std::string journey_id, service;
    int64_t filed_ms = 0;
    std::optional<int64_t> resolved_ms;
    bool dirty = false;
  };
  // insight_cube's key: journey, channel, departement, commune, grain, day, service, step,
  // metric; the text parts as their numbers in names_ (each distinct text once a batch).
  struct CountKey {
    uint32_t journey, channel, departement, commune;
    int64_t grain, day;
    uint32_t service, step, metric;
    bool operator==(const CountKey&) const = default;
  };
  struct CountKeyHash {
    std::size_t operator()(const CountKey& k) const;
  };
  struct Cell {
    int64_t n = 0, total = 0;
    Histogram hist;  // empty for plain counters
  };

  static JourneyState JourneyFromRow(const store::Row& r, std::size_t at);
  Result<JourneyState*> Journey(const std::string& id);
  Result<StepState*> Step(const std::string& journey_id, const std::string& step_id);
  Result<std::string> JourneyOfPerson(const std::string& person_id);
  Result<Delivery*> FindDelivery(const std::string& id);
  Result<Complaint*> FindComplaint(const std::string& id);

  void Count(const Dims& d, int64_t day, const std::string& metric, int64_t n, int64_t total, int64_t bucket = -1);
  Dims JourneyDims(const JourneyState& j) const;
  void CheckCompleted(JourneyState& j, int64_t time_ms);

  Status OnJourneyStarted(const store::Event& e, const nlohmann::json& data);
  Status OnPlanChanged(const store::Event& e, const nlohmann::json& data);
  Status OnStepStatus(const store::Event& e, const nlohmann::json& data);
  Status OnPersonEvent(const store::Event& e, const nlohmann::json& data);
  Status OnDelivery(const store::Event& e, const nlohmann::json& data);
  Status OnComplaint(const store::Event& e, const nlohmann::json& data);
  Status OnFeedback(const store::Event& e, const nlohmann::json& data);

  store::Transaction& tx_;
  Status FlushCounts();

  uint32_t Intern(const std::string& text);
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
  std::unordered_map<CountKey, Cell, CountKeyHash> counts_;
  std::map<std::string, std::optional<JourneyState>> journeys_;
  std::map<std::pair<std::string, std::string>, StepState> steps_;
  std::set<std::string> steps_loaded_;  // journeys whose every stored step is in steps_
  std::map<std::string, std::optional<std::string>> persons_;
  std::set<std::string> persons_dirty_;
  std::map<std::string, std::optional<Delivery>> deliveries_;
  std::map<std::string, std::optional<Complaint>> complaints_;
  struct CommentRow {
    std::string seq, journey, service, step, channel, departement, satisfaction, text;
    int64_t day = 0;
  };
  std::vector<CommentRow> comments_;
};

// The first day of the UTC month holding `day` (days since 1970-01-01), and the first day of
// the next month: the `day` of insight_cube's month rows (grain 1).
int64_t MonthStart(int64_t day);
int64_t NextMonthStart(int64_t day);

// True when an event was done with someone's help: by an agent, at a counter or by phone.
bool Helped(const store::Event& e);

}  // namespace parcours::insight
