// The journeys' sync with the exchange (see journeys/sync.h).
#include "parcours/journeys/sync.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "parcours/base/log.h"

namespace parcours::journeys {
namespace {

// A step status an event gives the steps it fulfils.
struct Advance {
  catalog::Fulfilment by;
  StepStatus to;
};

std::string TextAt(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<Advance> AdvancesOf(const store::Event& e) {
  std::vector<Advance> out;
  const nlohmann::json data = nlohmann::json::parse(e.data_json, nullptr, /*allow_exceptions=*/false);
  if (!data.is_object()) return out;
  if (e.type == "fr.parcours.declaration.submitted") {
    out.push_back({{TextAt(data, "bundle"), {}, {}}, StepStatus::kDone});
    for (const nlohmann::json& r : data.value("recipients", nlohmann::json::array())) {
      // A service the person's consents let receive nothing got no delivery.
      if (r.is_object() && !r.value("attributes", nlohmann::json::array()).empty()) {
        out.push_back({{{}, TextAt(r, "service"), {}}, StepStatus::kSent});
      }
    }
  } else if (e.type == "fr.parcours.delivery.status_changed") {
    const std::string to = TextAt(data, "to");
    if (to == "acceptee" || to == "payee") {
      out.push_back({{{}, TextAt(data, "service"), {}}, StepStatus::kDone});
    } else if (to == "recue" || to == "en_instruction" || to == "informations_demandees") {
      out.push_back({{{}, TextAt(data, "service"), {}}, StepStatus::kSent});
    }
  } else if (e.type == "fr.parcours.signal.received") {
    const auto signal = data.find("signal");
    if (signal != data.end() && signal->is_object()) {
      out.push_back({{{}, {}, TextAt(*signal, "type")}, StepStatus::kDone});
    }
  }
  std::erase_if(out, [](const Advance& a) {
    return a.by.declaration.empty() && a.by.service.empty() && a.by.signal.empty();
  });
  return out;
}

bool Fulfils(const catalog::Fulfilment& step, const catalog::Fulfilment& done) {
  return (!done.declaration.empty() && step.declaration == done.declaration) ||
         (!done.service.empty() && step.service == done.service) ||
         (!done.signal.empty() && step.signal == done.signal);
}

}  // namespace

Result<SyncReport> RunJourneySync(store::Database& db, JourneyService& journeys, const Clock& clock,
                                  const store::FollowOptions& options) {
  const Actor actor{"platform:journeys", "system"};
  SyncReport report;
  auto handle = [&](const std::vector<store::Event>& events) -> Status {
    for (const store::Event& e : events) {
      if (e.person_id.empty()) continue;
      const std::vector<Advance> advances = AdvancesOf(e);
      if (advances.empty()) continue;
      Result<std::vector<Journey>> list = journeys.List(e.person_id);
      if (!list.ok()) return list.status();
      for (const Journey& journey : *list) {
        const catalog::Event* event = journeys.catalog().FindEvent(journey.event_id);
        if (event == nullptr || journey.created_ms > e.time_ms) continue;  // started after it
        for (const catalog::Step& step : event->steps) {
          if (!step.fulfilled_by) continue;
          for (const Advance& advance : advances) {
            if (!Fulfils(*step.fulfilled_by, advance.by)) continue;
            Result<bool> moved = journeys.AdvanceStep(actor, e.person_id, journey.id, step.id, advance.to);
            if (!moved.ok()) {
              log::Warn("journey sync", {{"journey", journey.id}, {"step", step.id},
                                         {"reason", moved.status().reason()}, {"error", moved.status().message()}});
            } else if (*moved) {
              ++report.moved;
            }
          }
        }
      }
    }
    return Status::Ok();
  };
  ASSIGN_OR_RETURN(store::FollowReport followed, store::FollowEvents(db, clock, "journeys", options, handle));
  report.events = followed.events;
  report.last_id = std::move(followed.last_id);
  return report;
}

}  // namespace parcours::journeys
