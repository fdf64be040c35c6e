// Applying events to the insight state and counters (see fold_state.h, docs/INDICATORS.md).
#include "fold_state.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "parcours/insight/aggregates.h"

namespace parcours::insight {
namespace {

using Json = nlohmann::json;
constexpr int64_t kDayMs = 86'400'000;
const std::string kEmpty;

int64_t DayOf(int64_t ms) { return ms >= 0 ? ms / kDayMs : (ms - kDayMs + 1) / kDayMs; }

std::string Str(const Json& data, const char* key) {
  auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<int64_t> Int(const Json& data, const char* key) {
  auto it = data.find(key);
  if (it == data.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

// Satisfaction-like answers as points out of 10: bien 10, moyen 5, mal 0.
std::optional<int64_t> Points(const std::string& answer) {
  if (answer == "bien") return 10;
  if (answer == "moyen") return 5;
  if (answer == "mal") return 0;
  return std::nullopt;
}

// FNV-1a: a stable key for a comment that does not reveal the event (and so the person).
std::string CommentKey(const std::string& event_id) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : "insight-comment:" + event_id) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

int64_t MonthStart(int64_t day) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  return std::chrono::sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch().count();
}

int64_t NextMonthStart(int64_t day) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  const std::chrono::year_month next = ymd.year() / ymd.month() + std::chrono::months{1};
  return std::chrono::sys_days{next / 1}.time_since_epoch().count();
}

bool Helped(const store::Event& e) {
  return e.actor.rfind("agent:", 0) == 0 || e.channel == "counter" || e.channel == "phone";
}

std::size_t FoldBatch::CountKeyHash::operator()(const CountKey& k) const {
  uint64_t h = 1469598103934665603ULL;
  for (uint64_t v : {uint64_t{k.journey}, uint64_t{k.channel}, uint64_t{k.departement}, uint64_t{k.commune},
                     static_cast<uint64_t>(k.grain), static_cast<uint64_t>(k.day), uint64_t{k.service},
                     uint64_t{k.step}, uint64_t{k.metric}}) {
    h = (h ^ v) * 1099511628211ULL;
    h ^= h >> 29;
  }
  return static_cast<std::size_t>(h);
}

uint32_t FoldBatch::Intern(const std::string& text) {
  auto [it, inserted] = ids_.try_emplace(text, static_cast<uint32_t>(names_.size()));
  if (inserted) names_.push_back(text);
  return it->second;
}

void FoldBatch::Count(const Dims& d, int64_t day, const std::string& metric, int64_t n, int64_t total,
                      int64_t bucket) {
  // {its channel, every channel} x {its commune, its département, everywhere}, each distinct
  // set once (an event without a commune is counted once for "everywhere", not three times).
  const uint32_t empty = Intern(kEmpty), journey = Intern(d.journey), channel = Intern(d.channel),
                 departement = Intern(d.departement), commune = Intern(d.commune), service = Intern(d.service),
                 step = Intern(d.step), what = Intern(metric);
  const std::pair<uint32_t, uint32_t> places[3] = {{departement, commune}, {departement, empty}, {empty, empty}};
  const uint32_t channels[2] = {channel, empty};
  const int64_t month = MonthStart(day);
  for (int c = 0; c < 2; ++c) {
    if (c == 1 && channel == empty) break;
    for (int p = 0; p < 3; ++p) {
      bool seen = false;
      for (int q = 0; q < p; ++q) seen = seen || places[q] == places[p];
      if (seen) continue;
      // The day, and its month (grain 1), which long periods read instead of its days.
      for (int64_t grain : {0, 1}) {
        Cell& cell = counts_[CountKey{journey, channels[c], places[p].first, places[p].second, grain,
                                      grain == 0 ? day : month, service, step, what}];
        cell.n += n;
        cell.total += total;
        if (bucket >= 0) cell.hist[bucket] += n;
      }
    }
  }
}

Dims FoldBatch::JourneyDims(const JourneyState& j) const {
  return Dims{j.life_event, "", "", j.channel, j.departement, j.commune};
}

void FoldBatch::CheckCompleted(JourneyState& j, int64_t time_ms) {
  if (j.completed_ms || !j.pending.empty()) return;
  j.completed_ms = time_ms;
  const Dims d = JourneyDims(j);
  const int64_t day = DayOf(j.started_ms);
  Count(d, day, "journey.completed", 1, 0);
  Count(d, day, "journey.duration", 1, time_ms - j.started_ms, DurationBucket(time_ms - j.started_ms));
  if (!j.helped) Count(d, day, "journey.autonomous", 1, 0);
}

Status FoldBatch::Apply(const store::Event& e) {
  static const std::string kPrefix = "fr.parcours.";
  if (e.type.rfind(kPrefix, 0) != 0) return Status::Ok();
  const std::string type = e.type.substr(kPrefix.size());
  Json data = Json::parse(e.data_json, nullptr, false);
  if (!data.is_object()) return Status::Ok();
  if (type == "journey.started") return OnJourneyStarted(e, data);
  if (type == "journey.plan.changed") return OnPlanChanged(e, data);
  if (type == "journey.step.status_changed") return OnStepStatus(e, data);
  if (type == "vault.form_submitted" || type == "declaration.submitted" || type == "proactive.offer.made" ||
      type == "proactive.offer.accepted") {
    return OnPersonEvent(e, data);
  }
  if (type.rfind("delivery.", 0) == 0) return OnDelivery(e, data);
  if (type.rfind("complaint.", 0) == 0) return OnComplaint(e, data);
  if (type == "feedback.submitted") return OnFeedback(e, data);
  return Status::Ok();
}

Status FoldBatch::OnJourneyStarted(const store::Event& e, const Json& data) {
  ASSIGN_OR_RETURN(JourneyState * existing, Journey(e.subject));
  if (existing != nullptr || e.subject.empty()) return Status::Ok();
  JourneyState j;
  j.life_event = Str(data, "event_id");
  j.channel = e.channel;
  j.commune = Str(data, "commune");
  j.departement = DepartementOf(j.commune);
  j.started_ms = e.time_ms;
  if (auto it = data.find("applicable_steps"); it != data.end() && it->is_array()) {
    for (const auto& s : *it) if (s.is_string()) j.pending.insert(s.get<std::string>());
  }
  j.helped = Helped(e);
  j.dirty = true;
  Count(JourneyDims(j), DayOf(e.time_ms), "journey.started", 1, 0);
  journeys_[e.subject] = std::move(j);
  if (!e.person_id.empty()) {
    persons_[e.person_id] = e.subject;
    persons_dirty_.insert(e.person_id);
  }
  return Status::Ok();
}

Status FoldBatch::OnPlanChanged(const store::Event& e, const Json& data) {
  ASSIGN_OR_RETURN(JourneyState * j, Journey(e.subject));
  if (j == nullptr || j->completed_ms) return Status::Ok();
  if (auto it = data.find("now_applicable"); it != data.end() && it->is_array()) {
    for (const auto& s : *it) {
      if (!s.is_string()) continue;
      ASSIGN_OR_RETURN(StepState * st, Step(e.subject, s.get<std::string>()));
      if (!st->done) j->pending.insert(s.get<std::string>());
    }
  }
  if (auto it = data.find("no_longer_applicable"); it != data.end() && it->is_array()) {
    for (const auto& s : *it) if (s.is_string()) j->pending.erase(s.get<std::string>());
  }
  j->dirty = true;
  CheckCompleted(*j, e.time_ms);
  return Status::Ok();
}

Status FoldBatch::OnStepStatus(const store::Event& e, const Json& data) {
  ASSIGN_OR_RETURN(JourneyState * j, Journey(e.subject));
  const std::string step = Str(data, "step_id");
  if (j == nullptr || step.empty()) return Status::Ok();
  const std::string to = Str(data, "to");
  ASSIGN_OR_RETURN(StepState * s, Step(e.subject, step));
  Dims d = JourneyDims(*j);
  d.step = step;
  d.service = Str(data, "administration");
  const int64_t day = DayOf(j->started_ms);
  const bool helped = Helped(e);
  if (helped && !j->helped) {
    j->helped = true;
    j->dirty = true;
  }
  if (!s->started && (to == "en_cours" || to == "envoyee" || to == "terminee")) {
    s->started = s->dirty = true;
    Count(d, day, "step.started", 1, 0);
  }
  if (to == "terminee" && !s->done) {
    s->done = s->dirty = true;
    Count(d, day, "step.done", 1, 0);
    if (helped) Count(d, day, "step.helped", 1, 0);
  }
  if (to == "terminee" || to == "non_concernee") {
    j->pending.erase(step);
    j->dirty = true;
    CheckCompleted(*j, e.time_ms);
  }
  return Status::Ok();
}

Status FoldBatch::OnPersonEvent(const store::Event& e, const Json& data) {
  ASSIGN_OR_RETURN(std::string journey_id, JourneyOfPerson(e.person_id));
  Dims d;
  if (!journey_id.empty()) {
    ASSIGN_OR_RETURN(JourneyState * j, Journey(journey_id));
    if (j != nullptr) d = JourneyDims(*j);
  }
  if (d.channel.empty()) d.channel = e.channel;
  const int64_t day = DayOf(e.time_ms);
  if (e.type == "fr.parcours.vault.form_submitted") {
    d.service = Str(data, "purpose");
    Count(d, day, "dlnuf.forms", 1, 0);
    Count(d, day, "dlnuf.asked", 1, Int(data, "asked").value_or(0));
    Count(d, day, "dlnuf.prefilled", 1, Int(data, "prefilled").value_or(0));
    Count(d, day, "dlnuf.reasked", 1, Int(data, "reasked").value_or(0));
  } else if (e.type == "fr.parcours.declaration.submitted") {
    Count(d, day, "declaration.submitted", 1, 0);
  } else {
    d.service = Str(data, "service");
    const bool accepted = e.type == "fr.parcours.proactive.offer.accepted";
    Count(d, day, accepted ? "proactive.accepted" : "proactive.offered", 1, 0);
  }
  return Status::Ok();
}

Status FoldBatch::OnDelivery(const store::Event& e, const Json& data) {
  ASSIGN_OR_RETURN(std::string journey_id, JourneyOfPerson(e.person_id));
  JourneyState* j = nullptr;
  if (!journey_id.empty()) {
    ASSIGN_OR_RETURN(j, Journey(journey_id));
  }
  Dims d = j != nullptr ? JourneyDims(*j) : Dims{};
  if (d.channel.empty()) d.channel = "api";
  d.service = Str(data, "service");
  const int64_t day = DayOf(e.time_ms);
  if (e.type == "fr.parcours.delivery.delivered") {
    const int64_t latency = Int(data, "latency_ms").value_or(0);
    Count(d, day, "delivery.delivered", 1, latency);
    ASSIGN_OR_RETURN(Delivery * known, FindDelivery(e.subject));
    if (known == nullptr) deliveries_[e.subject] = Delivery{d.service, e.time_ms - latency, false, true};
  } else if (e.type == "fr.parcours.delivery.failed") {
    Count(d, day, "delivery.failed", 1, 0);
  } else if (e.type == "fr.parcours.delivery.dead_lettered") {
    Count(d, day, "delivery.dead_lettered", 1, 0);
  } else if (e.type == "fr.parcours.delivery.status_changed") {
    const std::string to = Str(data, "to");
    ASSIGN_OR_RETURN(Delivery * del, FindDelivery(e.subject));
    if (del != nullptr && !del->decided && (to == "acceptee" || to == "refusee")) {
      del->decided = del->dirty = true;
      const int64_t delay = e.time_ms - del->created_ms;
      Count(d, day, "agency.decision", 1, delay, DurationBucket(delay));
    }
    if (j != nullptr && !j->benefit_ms && (to == "acceptee" || to == "payee")) {
      j->benefit_ms = e.time_ms;
      j->dirty = true;
      const int64_t wait = e.time_ms - j->started_ms;
      Count(JourneyDims(*j), DayOf(j->started_ms), "journey.time_to_benefit", 1, wait, DurationBucket(wait));
    }
  }
  return Status::Ok();
}

Status FoldBatch::OnComplaint(const store::Event& e, const Json& data) {
  ASSIGN_OR_RETURN(Complaint * c, FindComplaint(e.subject));
  if (e.type == "fr.parcours.complaint.filed") {
    if (c != nullptr || e.subject.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(std::string journey_id, JourneyOfPerson(e.person_id));
    Complaint fresh{journey_id, Str(data, "service"), e.time_ms, std::nullopt, true};
    Dims d;
    if (!journey_id.empty()) {
      ASSIGN_OR_RETURN(JourneyState * j, Journey(journey_id));
      if (j != nullptr) d = JourneyDims(*j);
    }
    d.service = fresh.service;
    if (d.channel.empty()) d.channel = e.channel;
    Count(d, DayOf(e.time_ms), "complaint.filed", 1, 0);
    complaints_[e.subject] = std::move(fresh);
  } else if (e.type == "fr.parcours.complaint.resolved" && c != nullptr && !c->resolved_ms) {
    c->resolved_ms = e.time_ms;
    c->dirty = true;
    Dims d;
    if (!c->journey_id.empty()) {
      ASSIGN_OR_RETURN(JourneyState * j, Journey(c->journey_id));
      if (j != nullptr) d = JourneyDims(*j);
    }
    d.service = c->service;
    if (d.channel.empty()) d.channel = e.channel;
    const int64_t delay = e.time_ms - c->filed_ms;
    // Counted on the day the complaint was filed: delays belong to the period they started in.
    Count(d, DayOf(c->filed_ms), "complaint.resolved", 1, delay, DurationBucket(delay));
  }
  return Status::Ok();
}

Status FoldBatch::OnFeedback(const store::Event& e, const Json& data) {
  Dims d;
  d.journey = Str(data, "life_event");
  d.step = Str(data, "step_id");
  d.service = Str(data, "service");
  d.channel = e.channel;
  d.commune = Str(data, "commune");
  d.departement = DepartementOf(d.commune);
  if (const std::string jid = Str(data, "journey_id"); !jid.empty()) {
    ASSIGN_OR_RETURN(JourneyState * j, Journey(jid));
    if (j != nullptr) {
      d.journey = j->life_event;
      d.commune = j->commune;
      d.departement = j->departement;
    }
  }
  const int64_t day = DayOf(e.time_ms);
  const std::string satisfaction = Str(data, "satisfaction");
  const auto sat = Points(satisfaction);
  if (!sat) return Status::Ok();  // not a valid answer: the service refuses such feedback
  Count(d, day, "feedback.satisfaction", 1, *sat);
  if (auto v = Points(Str(data, "ease"))) Count(d, day, "feedback.ease", 1, *v);
  if (auto v = Points(Str(data, "clarity"))) Count(d, day, "feedback.clarity", 1, *v);
  if (auto it = data.find("help_sought"); it != data.end() && it->is_boolean() && it->get<bool>()) {
    Count(d, day, "feedback.help_sought", 1, 0);
    if (auto r = data.find("help_reached"); r != data.end() && r->is_boolean() && r->get<bool>()) {
      Count(d, day, "feedback.help_reached", 1, 0);
    }
  }
  if (auto nps = Int(data, "nps"); nps && *nps >= 0 && *nps <= 10) {
    Count(d, day, "feedback.nps", 1, *nps);
    if (*nps >= 9) Count(d, day, "feedback.promoter", 1, 0);
    if (*nps <= 6) Count(d, day, "feedback.detractor", 1, 0);
  }
  if (auto effort = Int(data, "effort"); effort && *effort >= 1 && *effort <= 7) {
    Count(d, day, "feedback.effort", 1, *effort);
  }
  if (const std::string text = Str(data, "comment"); !text.empty()) {
    comments_.push_back({CommentKey(e.id), d.journey, d.service, d.step, d.channel, d.departement, satisfaction,
                         text, day});
  }
  return Status::Ok();
}

}  // namespace parcours::insight
