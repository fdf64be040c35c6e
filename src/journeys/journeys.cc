#include "parcours/journeys/journeys.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/journeys/answers.h"
#include "parcours/store/events.h"
#include "parcours/store/store.h"

namespace parcours::journeys {
namespace {

constexpr int kMaxDaysFromToday = 2 * 366;

Status NotFoundJourney() { return NotFound("journeys.not_found", "Parcours introuvable."); }

Json StepIds(const Plan& plan, Applicability which) {
  Json ids = Json::array();
  for (const StepPlan& s : plan.steps) {
    if (s.applicability == which) ids.push_back(s.step->id);
  }
  return ids;
}

std::set<std::string> Applicable(const Plan& plan) {
  std::set<std::string> ids;
  for (const StepPlan& s : plan.steps) {
    if (s.applicability == Applicability::kApplies) ids.insert(s.step->id);
  }
  return ids;
}

store::Event JourneyEvent(std::string type, const Actor& actor, const Journey& j, const Json& data, int64_t now) {
  store::Event e;
  e.type = std::move(type);
  e.source = "/journeys";
  e.subject = j.id;
  e.person_id = j.person_id;
  e.actor = actor.id;
  e.channel = actor.channel;
  e.time_ms = now;
  e.data_json = data.dump();
  return e;
}

}  // namespace

JourneyService::JourneyService(store::Database& db, catalog::CatalogPtr catalog, SituationSource& situation,
                               const Clock& clock)
    : db_(db), catalog_(std::move(catalog)), situation_(situation), clock_(clock) {}

Result<JourneyView> JourneyService::Start(const Actor& actor, const std::string& person_id,
                                          std::string_view event_id, std::string_view event_date,
                                          const Answers& answers, const FormSubmission* form) {
  const catalog::Event* event = catalog_->FindEvent(event_id);
  if (event == nullptr) {
    const std::string message = "Événement de vie inconnu : « " + std::string(event_id) + " ».";
    return NotFound("journeys.unknown_event", message).WithField("event_id", message);
  }
  const std::optional<CivilDate> date = CivilDate::Parse(event_date);
  if (!date) {
    const std::string message = "Saisissez une date existante au format AAAA-MM-JJ (par exemple 2026-03-12).";
    return InvalidArgument("journeys.invalid_date", message).WithField(FieldError{"event_date", message, kBadDate, {}});
  }
  const CivilDate today = CivilDate::FromTimePoint(clock_.Now());
  if (std::abs(date->DaysSinceEpoch() - today.DaysSinceEpoch()) > kMaxDaysFromToday) {
    const std::string message = "La date doit être située à moins de deux ans d'aujourd'hui (" +
                                today.ToDisplay("fr") + ").";
    return InvalidArgument("journeys.date_out_of_range", message)
        .WithField(FieldError{"event_date", message, kDateTooFar, {{"today", today.ToIso()}}});
  }
  RETURN_IF_ERROR(situation_.Save(actor, person_id, event->id, answers, form));
  ASSIGN_OR_RETURN(Answers situation, situation_.Load(actor, person_id, event->id));
  ASSIGN_OR_RETURN(Plan plan, ComputePlan(*catalog_, *event, *date, situation, {}, today));

  Journey journey;
  journey.id = NewId(&clock_);
  journey.person_id = person_id;
  journey.event_id = event->id;
  journey.event_date = *date;
  journey.created_ms = journey.updated_ms = clock_.NowMillis();
  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO journeys (id, person_id, event_id, event_date, created_ms, updated_ms) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        {journey.id, journey.person_id, journey.event_id, journey.event_date.ToIso(), journey.created_ms,
         journey.updated_ms}));
    Json data = {{"event_id", journey.event_id},
                 {"event_date", journey.event_date.ToIso()},
                 {"applicable_steps", StepIds(plan, Applicability::kApplies)},
                 {"undetermined_steps", StepIds(plan, Applicability::kUndetermined)}};
    // The commune (an INSEE code, not personal on its own) lets indicators split by territory.
    if (auto it = situation.find(kCommuneAttribute); it != situation.end() && !it->second.empty()) {
      data["commune"] = it->second;
    }
    return store::AppendEvent(tx, JourneyEvent("fr.parcours.journey.started", actor, journey, data,
                                               journey.created_ms), &clock_)
        .status();
  }));
  return JourneyView{std::move(journey), event, std::move(situation), std::move(plan)};
}

Result<std::vector<Journey>> JourneyService::List(const std::string& person_id) {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx->Query("SELECT id, event_id, event_date, created_ms, updated_ms FROM journeys "
                             "WHERE person_id = $1 ORDER BY created_ms DESC, id DESC",
                             {person_id}));
  std::vector<Journey> out;
  for (const store::Row& row : rows) {
    Journey j;
    j.id = row.Text(0);
    j.person_id = person_id;
    j.event_id = row.Text(1);
    j.event_date = CivilDate::Parse(row.Text(2)).value_or(CivilDate{});
    j.created_ms = row.Int(3);
    j.updated_ms = row.Int(4);
    out.push_back(std::move(j));
  }
  return out;
}

Result<Journey> JourneyService::LoadJourney(const std::string& person_id, std::string_view journey_id) {
  if (!IsValidId(journey_id)) return NotFoundJourney();
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx->Query("SELECT event_id, event_date, created_ms, updated_ms FROM journeys "
                             "WHERE id = $1 AND person_id = $2",
                             {std::string(journey_id), person_id}));
  if (rows.empty()) return NotFoundJourney();
  Journey j;
  j.id = std::string(journey_id);
  j.person_id = person_id;
  j.event_id = rows[0].Text(0);
  j.event_date = CivilDate::Parse(rows[0].Text(1)).value_or(CivilDate{});
  j.created_ms = rows[0].Int(2);
  j.updated_ms = rows[0].Int(3);
  ASSIGN_OR_RETURN(store::Rows steps,
                   tx->Query("SELECT step_id, status FROM journey_steps WHERE journey_id = $1", {j.id}));
  for (const store::Row& row : steps) {
    if (auto status = ParseStepStatus(row.Text(1))) j.statuses[row.Text(0)] = *status;
  }
  return j;
}

Result<JourneyView> JourneyService::View(const Actor& actor, Journey journey, const Answers* answers) {
  const catalog::Event* event = catalog_->FindEvent(journey.event_id);
  if (event == nullptr) {
    return NotFound("journeys.event_removed",
                    "L'événement « " + journey.event_id + " » de ce parcours n'est plus au catalogue.");
  }
  Answers situation;
  if (answers != nullptr) {
    situation = *answers;
  } else {
    ASSIGN_OR_RETURN(situation, situation_.Load(actor, journey.person_id, journey.event_id));
  }
  const CivilDate today = CivilDate::FromTimePoint(clock_.Now());
  ASSIGN_OR_RETURN(Plan plan, ComputePlan(*catalog_, *event, journey.event_date, situation, journey.statuses, today));
  return JourneyView{std::move(journey), event, std::move(situation), std::move(plan)};
}

Result<JourneyView> JourneyService::Get(const Actor& actor, const std::string& person_id,
                                        std::string_view journey_id) {
  ASSIGN_OR_RETURN(Journey journey, LoadJourney(person_id, journey_id));
  return View(actor, std::move(journey));
}

Result<JourneyView> JourneyService::UpdateSituation(const Actor& actor, const std::string& person_id,
                                                    std::string_view journey_id, const Answers& changes,
                                                    const FormSubmission* form) {
  ASSIGN_OR_RETURN(Journey journey, LoadJourney(person_id, journey_id));
  ASSIGN_OR_RETURN(JourneyView before, View(actor, journey));
  RETURN_IF_ERROR(situation_.Save(actor, person_id, journey.event_id, changes, form));
  // The situation after the change, without reading the vault again.
  Answers merged = before.answers;
  for (const auto& [name, value] : changes) {
    if (value.empty()) {
      merged.erase(name);
    } else {
      merged[name] = value;
    }
  }
  ASSIGN_OR_RETURN(JourneyView after, View(actor, std::move(journey), &merged));
  const std::set<std::string> was = Applicable(before.plan);
  const std::set<std::string> now = Applicable(after.plan);
  if (was == now) return after;
  Json added = Json::array(), removed = Json::array();
  for (const std::string& id : now) {
    if (!was.contains(id)) added.push_back(id);
  }
  for (const std::string& id : was) {
    if (!now.contains(id)) removed.push_back(id);
  }
  const int64_t now_ms = clock_.NowMillis();
  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(tx.Execute("UPDATE journeys SET updated_ms = $1 WHERE id = $2",
                               {now_ms, after.journey.id}));
    const Json data = {{"event_id", after.journey.event_id},
                       {"now_applicable", added},
                       {"no_longer_applicable", removed}};
    return store::AppendEvent(tx, JourneyEvent("fr.parcours.journey.plan.changed", actor, after.journey, data, now_ms),
                              &clock_)
        .status();
  }));
  after.journey.updated_ms = now_ms;
  return after;
}

Result<JourneyView> JourneyService::SetStepStatus(const Actor& actor, const std::string& person_id,
                                                  std::string_view journey_id, std::string_view step_id,
                                                  StepStatus status) {
  ASSIGN_OR_RETURN(Journey journey, LoadJourney(person_id, journey_id));
  ASSIGN_OR_RETURN(JourneyView view, View(actor, std::move(journey)));
  const StepPlan* step = view.plan.Find(step_id);
  if (step == nullptr) {
    return NotFound("journeys.unknown_step", "Étape inconnue : « " + std::string(step_id) + " ».");
  }
  if (step->applicability == Applicability::kNotApplicable && status != StepStatus::kNotConcerned) {
    return Conflict("journeys.step_not_applicable",
                    "Cette étape ne vous concerne pas dans votre situation actuelle : elle ne peut pas changer d'état.");
  }
  const StepStatus from = step->status;
  if (from == status) return view;
  const int64_t now_ms = clock_.NowMillis();
  const std::string id(step_id);
  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO journey_steps (journey_id, step_id, status, updated_ms) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (journey_id, step_id) DO UPDATE SET status = excluded.status, updated_ms = excluded.updated_ms",
        {view.journey.id, id, std::string(StepStatusName(status)), now_ms}));
    RETURN_IF_ERROR(tx.Execute("UPDATE journeys SET updated_ms = $1 WHERE id = $2", {now_ms, view.journey.id}));
    const Json data = {{"event_id", view.journey.event_id},
                       {"step_id", id},
                       {"administration", step->step->administration},
                       {"from", StepStatusName(from)},
                       {"to", StepStatusName(status)}};
    return store::AppendEvent(tx, JourneyEvent("fr.parcours.journey.step.status_changed", actor, view.journey, data,
                                               now_ms), &clock_)
        .status();
  }));
  view.journey.statuses[id] = status;
  view.journey.updated_ms = now_ms;
  return View(actor, std::move(view.journey), &view.answers);
}

Result<bool> JourneyService::AdvanceStep(const Actor& actor, const std::string& person_id, std::string_view journey_id,
                                         std::string_view step_id, StepStatus status) {
  auto rank = [](StepStatus s) {
    switch (s) {
      case StepStatus::kTodo: return 0;
      case StepStatus::kInProgress: return 1;
      case StepStatus::kSent: return 2;
      case StepStatus::kDone: return 3;
      case StepStatus::kNotConcerned: return 4;  // the person's word: kept
    }
    return 4;
  };
  ASSIGN_OR_RETURN(Journey journey, LoadJourney(person_id, journey_id));
  auto recorded = journey.statuses.find(step_id);
  if (recorded != journey.statuses.end() && rank(recorded->second) >= rank(status)) return false;
  Result<JourneyView> set = SetStepStatus(actor, person_id, journey_id, step_id, status);
  if (!set.ok() && set.status().reason() == "journeys.step_not_applicable") return false;
  RETURN_IF_ERROR(set.status());
  return true;
}

}  // namespace parcours::journeys
