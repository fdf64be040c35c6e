// Triggers from the event log (see proactive/triggers.h).
#include "parcours/proactive/triggers.h"

#include <nlohmann/json.hpp>
#include <set>

#include "parcours/base/clock.h"
#include "parcours/base/log.h"
#include "parcours/store/events.h"

namespace parcours::proactive {

bool IsTrigger(std::string_view type) {
  return type == "fr.parcours.journey.situation.updated" || type == "fr.parcours.journey.started" ||
         type == "fr.parcours.vault.attributes_changed" || type == "fr.parcours.vault.form_submitted" ||
         type == "fr.parcours.signal.received";
}

Result<TriggerReport> RunTriggers(store::Database& db, OfferService& offers, const Clock& clock,
                                  const TriggerOptions& options) {
  TriggerReport report;
  auto handle = [&](const std::vector<store::Event>& events) -> Status {
    std::set<std::string> persons;  // sorted: a stable order across nodes
    for (const store::Event& e : events) {
      if (IsTrigger(e.type) && !e.person_id.empty()) persons.insert(e.person_id);
      if (e.type == "fr.parcours.journey.step.status_changed" && !e.person_id.empty()) {
        // A claim's step started another way: its open offer is taken up, not offered on.
        const nlohmann::json data = nlohmann::json::parse(e.data_json, nullptr, /*allow_exceptions=*/false);
        const std::string to = data.is_object() ? data.value("to", "") : "";
        if (to != "en_cours" && to != "envoyee" && to != "terminee") continue;
        Result<int> closed = offers.TakenUpThroughStep({e.actor, e.channel}, e.person_id, data.value("event_id", ""),
                                                       data.value("step_id", ""), e.subject);
        if (!closed.ok()) {
          log::Warn("proactive take-up", {{"reason", closed.status().reason()}, {"error", closed.status().message()}});
        }
      }
    }
    for (const std::string& person : persons) {
      Result<ConsiderReport> r = offers.Consider(person, "trigger");
      if (!r.ok()) {
        log::Warn("proactive trigger failed", {{"reason", r.status().reason()}, {"error", r.status().message()}});
        continue;
      }
      ++report.persons;
      report.offered += r->offered;
    }
    return Status::Ok();
  };
  ASSIGN_OR_RETURN(store::FollowReport followed, store::FollowEvents(db, clock, "triggers", options, handle));
  report.events = followed.events;
  report.last_id = std::move(followed.last_id);
  return report;
}

TriggerWorker::TriggerWorker(store::Database& db, OfferService& offers, const Clock& clock, TriggerOptions options)
    : thread_(
          [&db, &offers, &clock, options] {
            Result<TriggerReport> r = RunTriggers(db, offers, clock, options);
            if (!r.ok()) {
              log::Warn("proactive triggers", {{"reason", r.status().reason()}, {"error", r.status().message()}});
            } else if (r->offered > 0) {
              log::Info("proactive offers made", {{"offers", r->offered}, {"persons", r->persons}});
            }
          },
          options.poll_ms) {}

}  // namespace parcours::proactive
