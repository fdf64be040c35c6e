// The synthetic population (see insight/demo.h).
#include "parcours/insight/demo.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>

#include "demo_profiles.h"
#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/store/events.h"

namespace parcours::insight {
namespace {

using Json = nlohmann::json;
constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 24 * kHourMs;

// Writes events with multi-row INSERTs, committing every rows_per_commit rows.
class EventWriter {
 public:
  EventWriter(store::Database& db, const DemoOptions& o) : db_(db), options_(o), salt_(RandomHex(4)) {}

  Status Add(store::Event e, int64_t end_ms) {
    if (e.time_ms > end_ms) return Status::Ok();
    e.id = MakeId(e.time_ms);
    pending_.push_back(std::move(e));
    ++written_;
    if (static_cast<int>(pending_.size()) >= options_.rows_per_insert) return FlushRows();
    return Status::Ok();
  }

  Status Finish() {
    RETURN_IF_ERROR(FlushRows());
    if (tx_) {
      RETURN_IF_ERROR(tx_->Commit());
      tx_.reset();
    }
    return Status::Ok();
  }

  int64_t written() const { return written_; }

 private:
  std::string MakeId(int64_t ms) { return EventIdAt(ms, salt_, ++seq_); }

  Status FlushRows() {
    if (pending_.empty()) return Status::Ok();
    if (!tx_) {
      ASSIGN_OR_RETURN(tx_, db_.Begin());
    }
    std::string sql = "INSERT INTO events (id, type, source, subject, person_id, actor, channel, time_ms, data) VALUES ";
    std::vector<store::Value> params;
    params.reserve(pending_.size() * 9);
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      if (i) sql += ", ";
      sql += "(";
      for (int c = 0; c < 9; ++c) {
        sql += (c ? ", $" : "$") + std::to_string(i * 9 + c + 1);
      }
      sql += ")";
      store::Event& e = pending_[i];
      params.insert(params.end(), {e.id, e.type, e.source, e.subject, e.person_id, e.actor, e.channel, e.time_ms,
                                   e.data_json});
    }
    RETURN_IF_ERROR(tx_->Execute(sql, std::span<const store::Value>(params)).status());
    in_tx_ += static_cast<int64_t>(pending_.size());
    pending_.clear();
    if (in_tx_ >= options_.rows_per_commit) {
      RETURN_IF_ERROR(tx_->Commit());
      tx_.reset();
      in_tx_ = 0;
    }
    return Status::Ok();
  }

  store::Database& db_;
  const DemoOptions& options_;
  std::string salt_;
  uint64_t seq_ = 0;
  std::vector<store::Event> pending_;
  std::unique_ptr<store::Transaction> tx_;
  int64_t in_tx_ = 0;
  int64_t written_ = 0;
};

class Simulator {
 public:
  Simulator(const DemoOptions& o, EventWriter& w) : o_(o), w_(w), rng_(o.seed) {}

  Status Person(int64_t index) {
    const std::string person = "demo-" + std::to_string(o_.seed) + "-" + std::to_string(index);
    const auto& profiles = demo::Profiles();
    double pick = U() * 1.0, acc = 0;
    const demo::JourneyProfile* profile = &profiles.back();
    for (const auto& p : profiles) {
      acc += p.weight;
      if (pick < acc) {
        profile = &p;
        break;
      }
    }
    const int64_t span = static_cast<int64_t>(o_.months) * 30 * kDayMs;
    // Start times spread evenly over the span in person order (each at a random instant of
    // its slot): the events come out nearly in id (= time) order, so inserting and folding
    // millions of them touches the end of the indexes instead of random pages.
    const double slot = static_cast<double>(span) / static_cast<double>(o_.persons);
    int64_t t = o_.end_ms - span + static_cast<int64_t>((static_cast<double>(index) + U()) * slot);
    const double c = U();
    const std::string channel = c < 0.75 ? "web" : c < 0.9 ? "counter" : "phone";
    const std::string agent = "agent:demo-" + std::to_string(index % 40);
    const std::string actor = channel == "web" ? "usager:" + person : agent;
    const std::string commune(demo::kCommunes[static_cast<std::size_t>(U() * demo::kCommunes.size()) %
                                              demo::kCommunes.size()]);
    const std::string journey = "demo-journey-" + std::to_string(o_.seed) + "-" + std::to_string(index);
    std::vector<const demo::StepProfile*> plan;
    for (const auto& s : profile->steps) if (U() < s.applies) plan.push_back(&s);
    Json ids = Json::array();
    for (const auto* s : plan) ids.push_back(s->id);
    const Json life = std::string(profile->life_event);
    RETURN_IF_ERROR(Emit("journey.started", "/journeys", journey, person, actor, channel, t,
                         {{"event_id", life}, {"event_date", "2026-01-01"}, {"applicable_steps", ids},
                          {"undetermined_steps", Json::array()}, {"commune", commune}}));
    bool dropped = false;
    int64_t total_wait_days = 0;
    for (const auto* s : plan) {
      t += static_cast<int64_t>(Exp(0.5) * kDayMs);
      const bool helped = channel != "web" || U() < 0.08;
      const std::string step_actor = helped ? agent : "usager:" + person;
      const std::string step_channel = helped ? (channel == "web" ? "counter" : channel) : "web";
      Json base = {{"event_id", life}, {"step_id", s->id}, {"administration", s->administration}};
      Json data = base;
      data["from"] = "a_faire";
      data["to"] = "en_cours";
      RETURN_IF_ERROR(Emit("journey.step.status_changed", "/journeys", journey, person, step_actor, step_channel, t, data));
      const int asked = 3 + static_cast<int>(U() * 6);
      const int prefilled = static_cast<int>(U() * asked);
      const int reasked = U() < 0.3 ? 1 + static_cast<int>(U() * 2) : 0;
      t += static_cast<int64_t>(U() * 2 * kHourMs);
      RETURN_IF_ERROR(Emit("vault.form_submitted", "/vault", person, person, step_actor, step_channel, t,
                           {{"form", s->id}, {"purpose", s->administration}, {"asked", asked - prefilled},
                            {"prefilled", prefilled}, {"reasked", std::min(reasked, asked - prefilled)},
                            {"corrected", 0}, {"attributes", Json::array()}}));
      if (U() < s->dropoff) {
        dropped = true;
        break;
      }
      RETURN_IF_ERROR(Deliver(*s, person, t, &total_wait_days));
      t += static_cast<int64_t>(Exp(s->median_days / std::log(2.0)) * kDayMs);
      data["from"] = "en_cours";
      data["to"] = "terminee";
      RETURN_IF_ERROR(Emit("journey.step.status_changed", "/journeys", journey, person, step_actor, step_channel, t, data));
    }
    if (U() < 0.2) {
      // The events the proactive module emits (src/proactive/offers.cc): an entitlement of
      // catalog/entitlements.yaml with its administration as `service`; the offer is then
      // accepted (one click), declined, or left unanswered.
      const int64_t at = t - static_cast<int64_t>(U() * 5 * kDayMs);
      const bool velo = profile->life_event == "demenager" || profile->life_event == "prendre-les-transports";
      const std::string aid = velo ? "aide-velo" : "prime-activite";
      const std::string service = velo ? "collectivite" : "caf";
      const std::string offer = "demo-offer-" + std::to_string(o_.seed) + "-" + std::to_string(index);
      RETURN_IF_ERROR(Emit("proactive.offer.made", "/proactive", offer, person, "system", "system", at,
                           {{"service", service}, {"aid", aid}, {"offer_id", offer}, {"origin", "trigger"}}));
      const double answer = U();
      if (answer < 0.55) {
        const int64_t decided = at + static_cast<int64_t>(Exp(2) * kDayMs);
        if (answer < 0.4) {
          RETURN_IF_ERROR(Emit("proactive.offer.accepted", "/proactive", offer, person, "usager:" + person, "web",
                               decided, {{"service", service}, {"aid", aid}, {"offer_id", offer}, {"journey_id", journey}}));
        } else {
          RETURN_IF_ERROR(Emit("proactive.offer.declined", "/proactive", offer, person, "usager:" + person, "web",
                               decided, {{"service", service}, {"aid", aid}, {"offer_id", offer}}));
        }
      }
    }
    if (U() < (dropped ? 0.06 : 0.02)) {
      // The shapes the complaints module emits (include/parcours/complaints/complaints.h), with
      // its default 30-day SLA; category and outcome follow the index so that the random
      // sequence (and every other demo figure) stays what it was.
      static constexpr const char* kCategories[] = {"delai", "erreur", "accueil", "information", "autre"};
      const std::string id = "demo-complaint-" + std::to_string(o_.seed) + "-" + std::to_string(index);
      const std::string service(plan.empty() ? "service-public" : plan.back()->administration);
      const Json base = {{"service", service}, {"organisation", service}};
      Json filed = base;
      filed["category"] = kCategories[index % 5];
      filed["about"] = "service";
      filed["sla_days"] = 30;
      filed["due"] = FormatRfc3339(TimePoint(std::chrono::milliseconds(t + 30 * kDayMs)));
      RETURN_IF_ERROR(Emit("complaint.filed", "/complaints", id, person, "usager:" + person, channel, t, filed));
      if (U() < 0.8) {
        const int64_t closed = t + static_cast<int64_t>(Exp(8) * kDayMs);
        Json assigned = base;
        assigned["assignee"] = agent;
        RETURN_IF_ERROR(Emit("complaint.assigned", "/complaints", id, person, agent, "web", t + (closed - t) / 4,
                             assigned));
        RETURN_IF_ERROR(Emit("complaint.answered", "/complaints", id, person, agent, "web",
                             t + (closed - t) * 3 / 4, base));
        Json resolved = base;
        resolved["outcome"] = index % 10 == 0 ? "rejetee" : "resolue";
        resolved["overdue"] = closed - t > 30 * kDayMs;
        resolved["delay_ms"] = closed - t;
        RETURN_IF_ERROR(Emit("complaint.resolved", "/complaints", id, person, agent, "web", closed, resolved));
      }
    }
    if (U() < (dropped ? 0.12 : 0.35)) RETURN_IF_ERROR(Feedback(*profile, person, channel, commune, t, dropped, total_wait_days));
    return Status::Ok();
  }

 private:
  double U() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
  double Exp(double mean) { return std::exponential_distribution<double>(1.0 / mean)(rng_); }

  Status Emit(const std::string& type, const std::string& source, const std::string& subject,
              const std::string& person, const std::string& actor, const std::string& channel, int64_t t,
              const Json& data) {
    store::Event e;
    e.type = "fr.parcours." + type;
    e.source = source;
    e.subject = subject;
    e.person_id = person;
    e.actor = actor;
    e.channel = channel;
    e.time_ms = t;
    e.data_json = data.dump();
    return w_.Add(std::move(e), o_.end_ms);
  }

  Status Deliver(const demo::StepProfile& s, const std::string& person, int64_t t, int64_t* wait_days) {
    for (const auto& a : demo::Agencies()) {
      if (a.service != s.administration) continue;
      const std::string id = "demo-delivery-" + std::to_string(o_.seed) + "-" + std::to_string(++deliveries_);
      const Json svc = std::string(a.service);
      int64_t at = t + 200 + static_cast<int64_t>(Exp(1500));
      if (U() < a.failure) {
        RETURN_IF_ERROR(Emit("delivery.failed", "/exchange", id, person, "system", "api", at,
                             {{"service", svc}, {"attempts", 1}, {"error", "HTTP 503"}}));
        at += 60'000 + static_cast<int64_t>(Exp(120'000));
      }
      RETURN_IF_ERROR(Emit("delivery.delivered", "/exchange", id, person, "system", "api", at,
                           {{"service", svc}, {"attempts", 1}, {"latency_ms", at - t}}));
      const std::string source = "/agencies/" + std::string(a.service);
      const std::string org = "organisation:" + std::string(a.service);
      int64_t when = at + static_cast<int64_t>(Exp(0.3) * kDayMs);
      RETURN_IF_ERROR(Emit("delivery.status_changed", source, id, person, org, "api", when,
                           {{"service", svc}, {"from", "envoyee"}, {"to", "en_instruction"}}));
      const int64_t decision_ms = static_cast<int64_t>(Exp(a.decision_days) * kDayMs);
      when += decision_ms;
      *wait_days += decision_ms / kDayMs;
      const bool refused = U() < a.refusal;
      RETURN_IF_ERROR(Emit("delivery.status_changed", source, id, person, org, "api", when,
                           {{"service", svc}, {"from", "en_instruction"}, {"to", refused ? "refusee" : "acceptee"}}));
      if (!refused && U() < 0.7) {
        RETURN_IF_ERROR(Emit("delivery.status_changed", source, id, person, org, "api",
                             when + static_cast<int64_t>(Exp(5) * kDayMs),
                             {{"service", svc}, {"from", "acceptee"}, {"to", "payee"}}));
      }
    }
    return Status::Ok();
  }

  Status Feedback(const demo::JourneyProfile& p, const std::string& person, const std::string& channel,
                  const std::string& commune, int64_t t, bool dropped, int64_t wait_days) {
    // Mood: worse after a drop-off or long waits.
    const double mood = U() - (dropped ? 0.35 : 0.0) - std::min(0.3, static_cast<double>(wait_days) / 100.0);
    auto Scale = [](double m) { return m > 0.35 ? "bien" : m > 0.0 ? "moyen" : "mal"; };
    Json data = {{"life_event", std::string(p.life_event)}, {"satisfaction", Scale(mood)},
                 {"ease", Scale(mood + (U() - 0.5) * 0.4)}, {"clarity", Scale(mood + (U() - 0.4) * 0.4)},
                 {"commune", commune}, {"linked", false}};
    if (U() < 0.3) {
      data["help_sought"] = true;
      data["help_reached"] = U() < 0.7;
    } else {
      data["help_sought"] = false;
    }
    if (U() < 0.6) data["nps"] = std::clamp(static_cast<int>(std::lround(7 + mood * 6 + (U() - 0.5) * 3)), 0, 10);
    if (U() < 0.5) data["effort"] = std::clamp(static_cast<int>(std::lround(3 - mood * 4 + (U() - 0.5) * 2)), 1, 7);
    if (U() < 0.25) {
      data["comment"] = std::string(demo::kComments[static_cast<std::size_t>(U() * demo::kComments.size()) %
                                                    demo::kComments.size()]);
    }
    (void)person;  // anonymous: the demo answers are not linked
    return Emit("feedback.submitted", "/insight", "", "", "anonymous", channel == "phone" ? "web" : channel,
                t + static_cast<int64_t>(U() * kDayMs), data);
  }

  const DemoOptions& o_;
  EventWriter& w_;
  std::mt19937_64 rng_;
  int64_t deliveries_ = 0;
};

}  // namespace

std::string EventIdAt(int64_t ms, const std::string& salt, uint64_t seq) {
  char buf[64];
  const std::string rand_a = (salt + "000").substr(0, 3);
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-7%s-%04llx-%012llx",
                static_cast<unsigned long long>((ms >> 16) & 0xffffffffULL),
                static_cast<unsigned long long>(ms & 0xffffULL), rand_a.c_str(),
                static_cast<unsigned long long>(0x8000 | ((seq >> 48) & 0x3fff)),
                static_cast<unsigned long long>(seq & 0xffffffffffffULL));
  return buf;
}

Result<bool> HasDemoData(store::Database& db) {
  ASSIGN_OR_RETURN(auto tx, db.BeginRead());
  ASSIGN_OR_RETURN(store::Rows rows, tx->Query("SELECT 1 FROM events WHERE type = 'fr.parcours.journey.started' AND "
                                               "subject LIKE 'demo-journey-%' LIMIT 1"));
  return !rows.empty();
}

Result<DemoReport> GenerateDemo(store::Database& db, const DemoOptions& options) {
  if (options.persons < 1 || options.persons > 10'000'000 || options.months < 1 || options.months > 36 ||
      options.end_ms <= 0 || options.rows_per_insert < 1 || options.rows_per_insert > 2000 ||
      options.rows_per_commit < 1) {
    return InvalidArgument("insight.bad_demo",
                           "Paramètres de démonstration hors limites (1 à 10 000 000 personnes, 1 à 36 mois).");
  }
  EventWriter writer(db, options);
  Simulator sim(options, writer);
  for (int64_t i = 0; i < options.persons; ++i) RETURN_IF_ERROR(sim.Person(i));
  RETURN_IF_ERROR(writer.Finish());
  return DemoReport{options.persons, writer.written()};
}

}  // namespace parcours::insight
