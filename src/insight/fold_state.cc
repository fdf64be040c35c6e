// Applying events to the insight state and counters (see fold_state.h, docs/INDICATORS.md).
#include "fold_state.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
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

// Runs `select` (ending with the column to match) + " IN ($1, ..., $kChunk)" over `keys`,
// kChunk keys a statement, and calls `each` for every row. The last chunk is padded with its
// last key (IN ignores the repeat), so that every chunk is the same prepared statement.
Status QueryIn(store::Transaction& tx, const std::string& select, const std::set<std::string>& keys,
               const std::function<void(const store::Row&)>& each) {
  constexpr std::size_t kChunk = 200;
  if (keys.empty()) return Status::Ok();
  std::string sql = select + " IN (";
  for (std::size_t i = 1; i <= kChunk; ++i) sql += (i > 1 ? ", $" : "$") + std::to_string(i);
  sql += ")";
  std::vector<store::Value> params;
  params.reserve(kChunk);
  auto it = keys.begin();
  while (it != keys.end()) {
    params.clear();
    const std::string* last = nullptr;
    for (; it != keys.end() && params.size() < kChunk; ++it) {
      params.emplace_back(*it);
      last = &*it;
    }
    while (params.size() < kChunk) params.emplace_back(*last);
    ASSIGN_OR_RETURN(store::Rows rows, tx.Query(sql, std::span<const store::Value>(params)));
    for (const store::Row& r : rows) each(r);
  }
  return Status::Ok();
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

// The state of a journey from an insight_journeys row read as JourneyColumns (from column `at`).
FoldBatch::JourneyState FoldBatch::JourneyFromRow(const store::Row& r, std::size_t at) {
  JourneyState state;
  state.life_event = r.Text(at);
  state.channel = r.Text(at + 1);
  state.departement = r.Text(at + 2);
  state.commune = r.Text(at + 3);
  state.started_ms = r.Int(at + 4);
  Json pending = Json::parse(r.Text(at + 5), nullptr, false);
  if (pending.is_array()) {
    for (const auto& s : pending) if (s.is_string()) state.pending.insert(s.get<std::string>());
  }
  state.helped = r.Bool(at + 6);
  if (auto v = r.OptInt(at + 7)) state.completed_ms = *v;
  if (auto v = r.OptInt(at + 8)) state.benefit_ms = *v;
  return state;
}

namespace {
constexpr char kJourneyColumns[] =
    "life_event, channel, departement, commune, started_ms, pending, helped, completed_ms, benefit_ms";
}  // namespace

Result<FoldBatch::JourneyState*> FoldBatch::Journey(const std::string& id) {
  auto it = journeys_.find(id);
  if (it == journeys_.end()) {
    ASSIGN_OR_RETURN(store::Rows rows, tx_.Query(std::string("SELECT ") + kJourneyColumns +
                                                     " FROM insight_journeys WHERE journey_id = $1",
                                                 {id}));
    std::optional<JourneyState> state;
    if (!rows.empty()) state = JourneyFromRow(rows[0], 0);
    it = journeys_.emplace(id, std::move(state)).first;
  }
  return it->second ? &*it->second : nullptr;
}

Status FoldBatch::Preload(std::span<const store::Event> events) {
  static const std::string kPrefix = "fr.parcours.";
  std::set<std::string> journeys, stepped, persons, deliveries, complaints;
  for (const store::Event& e : events) {
    if (e.type.rfind(kPrefix, 0) != 0) continue;
    const std::string_view type = std::string_view(e.type).substr(kPrefix.size());
    if (type.starts_with("journey.")) {
      if (e.subject.empty()) continue;
      journeys.insert(e.subject);
      if (type != "journey.started") stepped.insert(e.subject);
    } else if (type == "vault.form_submitted" || type == "declaration.submitted" ||
               type.starts_with("proactive.offer.") || type.starts_with("delivery.") ||
               type.starts_with("complaint.")) {
      if (!e.person_id.empty()) persons.insert(e.person_id);
      if (type.starts_with("delivery.") && !e.subject.empty()) deliveries.insert(e.subject);
      if (type.starts_with("complaint.") && !e.subject.empty()) complaints.insert(e.subject);
    } else if (type == "feedback.submitted") {
      const Json data = Json::parse(e.data_json, nullptr, false);
      if (data.is_object()) {
        if (const std::string jid = Str(data, "journey_id"); !jid.empty()) journeys.insert(jid);
      }
    }
  }
  // Persons and complaints first: they name journeys to load too.
  RETURN_IF_ERROR(QueryIn(tx_, "SELECT person_id, journey_id FROM insight_persons WHERE person_id", persons,
                          [&](const store::Row& r) {
                            std::string journey = r.Text(1);
                            if (!journey.empty()) journeys.insert(journey);
                            persons_.try_emplace(r.Text(0), std::move(journey));
                          }));
  for (const std::string& p : persons) persons_.try_emplace(p, std::nullopt);
  RETURN_IF_ERROR(QueryIn(tx_,
                          "SELECT complaint_id, journey_id, service, filed_ms, resolved_ms FROM insight_complaints "
                          "WHERE complaint_id",
                          complaints, [&](const store::Row& r) {
                            Complaint c{r.Text(1), r.Text(2), r.Int(3), r.OptInt(4), false};
                            if (!c.journey_id.empty()) journeys.insert(c.journey_id);
                            complaints_.try_emplace(r.Text(0), std::move(c));
                          }));
  for (const std::string& c : complaints) complaints_.try_emplace(c, std::nullopt);
  RETURN_IF_ERROR(QueryIn(tx_,
                          "SELECT delivery_id, service, created_ms, decided FROM insight_deliveries WHERE delivery_id",
                          deliveries, [&](const store::Row& r) {
                            deliveries_.try_emplace(r.Text(0), Delivery{r.Text(1), r.Int(2), r.Bool(3), false});
                          }));
  for (const std::string& d : deliveries) deliveries_.try_emplace(d, std::nullopt);
  RETURN_IF_ERROR(QueryIn(tx_,
                          std::string("SELECT journey_id, ") + kJourneyColumns + " FROM insight_journeys WHERE journey_id",
                          journeys, [&](const store::Row& r) { journeys_.try_emplace(r.Text(0), JourneyFromRow(r, 1)); }));
  for (const std::string& j : journeys) journeys_.try_emplace(j, std::nullopt);
  RETURN_IF_ERROR(QueryIn(tx_, "SELECT journey_id, step_id, started, done FROM insight_steps WHERE journey_id", stepped,
                          [&](const store::Row& r) {
                            steps_.try_emplace(std::make_pair(r.Text(0), r.Text(1)),
                                               StepState{r.Bool(2), r.Bool(3), false});
                          }));
  steps_loaded_.insert(stepped.begin(), stepped.end());
  return Status::Ok();
}

Result<FoldBatch::StepState*> FoldBatch::Step(const std::string& journey_id, const std::string& step_id) {
  auto key = std::make_pair(journey_id, step_id);
  auto it = steps_.find(key);
  if (it == steps_.end() && steps_loaded_.count(journey_id) != 0) {
    it = steps_.emplace(key, StepState{}).first;  // preloaded: the journey has no such row yet
  }
  if (it == steps_.end()) {
    ASSIGN_OR_RETURN(store::Rows rows, tx_.Query("SELECT started, done FROM insight_steps "
                                                 "WHERE journey_id = $1 AND step_id = $2",
                                                 {journey_id, step_id}));
    StepState s;
    if (!rows.empty()) {
      s.started = rows[0].Bool(0);
      s.done = rows[0].Bool(1);
    }
    it = steps_.emplace(key, s).first;
  }
  return &it->second;
}

Result<std::string> FoldBatch::JourneyOfPerson(const std::string& person_id) {
  if (person_id.empty()) return std::string();
  auto it = persons_.find(person_id);
  if (it == persons_.end()) {
    ASSIGN_OR_RETURN(store::Rows rows,
                     tx_.Query("SELECT journey_id FROM insight_persons WHERE person_id = $1", {person_id}));
    std::optional<std::string> j;
    if (!rows.empty()) j = rows[0].Text(0);
    it = persons_.emplace(person_id, j).first;
  }
  return it->second.value_or("");
}

Result<FoldBatch::Delivery*> FoldBatch::FindDelivery(const std::string& id) {
  auto it = deliveries_.find(id);
  if (it == deliveries_.end()) {
    ASSIGN_OR_RETURN(store::Rows rows, tx_.Query("SELECT service, created_ms, decided FROM insight_deliveries "
                                                 "WHERE delivery_id = $1",
                                                 {id}));
    std::optional<Delivery> d;
    if (!rows.empty()) d = Delivery{rows[0].Text(0), rows[0].Int(1), rows[0].Bool(2), false};
    it = deliveries_.emplace(id, d).first;
  }
  return it->second ? &*it->second : nullptr;
}

Result<FoldBatch::Complaint*> FoldBatch::FindComplaint(const std::string& id) {
  auto it = complaints_.find(id);
  if (it == complaints_.end()) {
    ASSIGN_OR_RETURN(store::Rows rows, tx_.Query("SELECT journey_id, service, filed_ms, resolved_ms "
                                                 "FROM insight_complaints WHERE complaint_id = $1",
                                                 {id}));
    std::optional<Complaint> c;
    if (!rows.empty()) c = Complaint{rows[0].Text(0), rows[0].Text(1), rows[0].Int(2), rows[0].OptInt(3), false};
    it = complaints_.emplace(id, c).first;
  }
  return it->second ? &*it->second : nullptr;
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

Status FoldBatch::FlushCounts() {
  // Histograms merge with what the row holds already (read, add, write: the fold's
  // transaction is serialisable, so no other fold interleaves). The rows are read kKeys at a
  // time, joined on their primary key from a list of keys; the last list is padded with its
  // last key under index -1 (ignored), so that every list is the same prepared statement.
  // The cells in insight_cube's key order (texts by byte order), so that the writes walk the
  // primary key's B-tree from one end to the other.
  std::vector<std::size_t> order(names_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return names_[a] < names_[b]; });
  std::vector<uint32_t> rank(names_.size());
  for (std::size_t r = 0; r < order.size(); ++r) rank[order[r]] = static_cast<uint32_t>(r);
  auto Ranked = [&](const CountKey& k) {
    return std::make_tuple(rank[k.journey], rank[k.channel], rank[k.departement], rank[k.commune], k.grain, k.day,
                           rank[k.service], rank[k.step], rank[k.metric]);
  };
  std::vector<std::pair<const CountKey*, Cell*>> cells;
  cells.reserve(counts_.size());
  for (auto& [k, cell] : counts_) cells.emplace_back(&k, &cell);
  std::sort(cells.begin(), cells.end(), [&](const auto& a, const auto& b) { return Ranked(*a.first) < Ranked(*b.first); });
  std::vector<Cell*> with_hist;
  std::vector<const CountKey*> hist_keys;
  for (const auto& [k, cell] : cells) {
    if (cell->hist.empty()) continue;
    with_hist.push_back(cell);
    hist_keys.push_back(k);
  }
  if (!with_hist.empty()) {
    constexpr std::size_t kKeys = 50;
    std::string read = "WITH k (i, journey, channel, departement, commune, grain, day, service, step, metric) AS (VALUES ";
    for (std::size_t r = 0; r < kKeys; ++r) {
      const std::size_t b = r * 10;
      auto p = [&](std::size_t c) { return "$" + std::to_string(b + c); };
      read += (r ? ", (" : "(") + std::string("CAST(") + p(1) + " AS BIGINT), CAST(" + p(2) + " AS TEXT), CAST(" + p(3) +
              " AS TEXT), CAST(" + p(4) + " AS TEXT), CAST(" + p(5) + " AS TEXT), CAST(" + p(6) + " AS BIGINT), CAST(" +
              p(7) + " AS BIGINT), CAST(" + p(8) + " AS TEXT), CAST(" + p(9) + " AS TEXT), CAST(" + p(10) + " AS TEXT))";
    }
    read += ") SELECT k.i, c.hist FROM k, insight_cube c WHERE c.journey = k.journey AND c.channel = k.channel AND "
            "c.departement = k.departement AND c.commune = k.commune AND c.grain = k.grain AND c.day = k.day AND "
            "c.service = k.service AND c.step = k.step AND c.metric = k.metric";
    std::vector<store::Value> params;
    params.reserve(kKeys * 10);
    for (std::size_t at = 0; at < with_hist.size(); at += kKeys) {
      params.clear();
      for (std::size_t r = 0; r < kKeys; ++r) {
        const bool real = at + r < with_hist.size();
        const CountKey& k = *hist_keys[real ? at + r : with_hist.size() - 1];
        params.insert(params.end(), {real ? static_cast<int64_t>(at + r) : int64_t{-1}, names_[k.journey],
                                     names_[k.channel], names_[k.departement], names_[k.commune], k.grain, k.day,
                                     names_[k.service], names_[k.step], names_[k.metric]});
      }
      ASSIGN_OR_RETURN(store::Rows rows, tx_.Query(read, std::span<const store::Value>(params)));
      for (const store::Row& row : rows) {
        const int64_t i = row.Int(0);
        if (i >= 0 && static_cast<std::size_t>(i) < with_hist.size()) MergeHistogram(row.Text(1), with_hist[i]->hist);
      }
    }
  }
  // Multi-row upserts: far fewer statements than cells.
  constexpr std::size_t kRows = 100;
  std::vector<store::Value> params;
  std::string sql;
  std::size_t in_statement = 0;
  auto Send = [&]() -> Status {
    if (in_statement == 0) return Status::Ok();
    sql += " ON CONFLICT (journey, channel, departement, commune, grain, day, service, step, metric) DO UPDATE SET "
           "n = insight_cube.n + excluded.n, total = insight_cube.total + excluded.total, "
           "hist = CASE WHEN excluded.hist = '' THEN insight_cube.hist ELSE excluded.hist END";
    RETURN_IF_ERROR(tx_.Execute(sql, std::span<const store::Value>(params)).status());
    params.clear();
    in_statement = 0;
    return Status::Ok();
  };
  for (const auto& [key, cell] : cells) {
    if (in_statement == 0) {
      sql = "INSERT INTO insight_cube (journey, channel, departement, commune, grain, day, service, step, metric, n, "
            "total, hist) VALUES ";
    } else {
      sql += ", ";
    }
    const std::size_t base = params.size();
    sql += "(";
    for (std::size_t c = 1; c <= 12; ++c) sql += (c > 1 ? ", $" : "$") + std::to_string(base + c);
    sql += ")";
    const CountKey& k = *key;
    params.insert(params.end(), {names_[k.journey], names_[k.channel], names_[k.departement], names_[k.commune],
                                 k.grain, k.day, names_[k.service], names_[k.step], names_[k.metric], cell->n,
                                 cell->total, EncodeHistogram(cell->hist)});
    if (++in_statement == kRows) RETURN_IF_ERROR(Send());
  }
  return Send();
}

Status FoldBatch::Flush() {
  RETURN_IF_ERROR(FlushCounts());
  for (const auto& [id, j] : journeys_) {
    if (!j || !j->dirty) continue;
    RETURN_IF_ERROR(
        tx_.Execute("INSERT INTO insight_journeys (journey_id, life_event, channel, departement, commune, started_ms, "
                    "pending, helped, completed_ms, benefit_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                    "ON CONFLICT (journey_id) DO UPDATE SET pending = excluded.pending, helped = excluded.helped, "
                    "completed_ms = excluded.completed_ms, benefit_ms = excluded.benefit_ms",
                    {id, j->life_event, j->channel, j->departement, j->commune, j->started_ms,
                     Json(j->pending).dump(), int64_t{j->helped}, store::Nullable(j->completed_ms),
                     store::Nullable(j->benefit_ms)})
            .status());
  }
  for (const auto& [key, s] : steps_) {
    if (!s.dirty) continue;
    RETURN_IF_ERROR(tx_.Execute("INSERT INTO insight_steps (journey_id, step_id, started, done) VALUES ($1, $2, $3, $4) "
                                "ON CONFLICT (journey_id, step_id) DO UPDATE SET started = excluded.started, "
                                "done = excluded.done",
                                {key.first, key.second, int64_t{s.started}, int64_t{s.done}})
                        .status());
  }
  for (const std::string& person : persons_dirty_) {
    RETURN_IF_ERROR(tx_.Execute("INSERT INTO insight_persons (person_id, journey_id) VALUES ($1, $2) "
                                "ON CONFLICT (person_id) DO UPDATE SET journey_id = excluded.journey_id",
                                {person, persons_[person].value_or("")})
                        .status());
  }
  for (const auto& [id, d] : deliveries_) {
    if (!d || !d->dirty) continue;
    RETURN_IF_ERROR(tx_.Execute("INSERT INTO insight_deliveries (delivery_id, service, created_ms, decided) "
                                "VALUES ($1, $2, $3, $4) ON CONFLICT (delivery_id) DO UPDATE SET decided = excluded.decided",
                                {id, d->service, d->created_ms, int64_t{d->decided}})
                        .status());
  }
  for (const auto& [id, c] : complaints_) {
    if (!c || !c->dirty) continue;
    RETURN_IF_ERROR(tx_.Execute("INSERT INTO insight_complaints (complaint_id, journey_id, service, filed_ms, resolved_ms) "
                                "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (complaint_id) DO UPDATE SET "
                                "resolved_ms = excluded.resolved_ms",
                                {id, c->journey_id, c->service, c->filed_ms, store::Nullable(c->resolved_ms)})
                        .status());
  }
  for (const CommentRow& c : comments_) {
    RETURN_IF_ERROR(tx_.Execute("INSERT INTO insight_comments (seq, journey, day, service, step, channel, departement, "
                                "satisfaction, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                                "ON CONFLICT (seq) DO NOTHING",
                                {c.seq, c.journey, c.day, c.service, c.step, c.channel, c.departement, c.satisfaction,
                                 c.text})
                        .status());
  }
  return Status::Ok();
}

}  // namespace parcours::insight
