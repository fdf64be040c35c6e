// Indicators from the aggregates (see insight/indicators.h and docs/INDICATORS.md).
#include "parcours/insight/indicators.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <regex>

#include "fold_state.h"
#include "histogram.h"
#include "parcours/insight/aggregates.h"

namespace parcours::insight {
namespace {

constexpr int64_t kMaxDays = 366;
const int64_t kFirstDay = *IsoToDay("2000-01-01");

bool IsCode(const std::string& s, std::size_t max) {
  static const std::regex kCode("[a-z0-9][a-z0-9_-]*");
  return s.size() <= max && std::regex_match(s, kCode);
}

std::optional<double> Ratio(int64_t num, int64_t den) {
  if (den <= 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

// Nearest-rank percentile over histogram buckets (bucket bound in hours -> count).
std::optional<int64_t> Percentile(const Histogram& hist, int64_t count, int percent) {
  if (count <= 0) return std::nullopt;
  const int64_t rank = (count * percent + 99) / 100;  // ceil(p * N), >= 1
  int64_t seen = 0;
  for (const auto& [bucket, n] : hist) {
    seen += n;
    if (seen >= std::max<int64_t>(rank, 1)) return bucket;
  }
  return hist.rbegin()->first;
}

Distribution Distrib(const Histogram& hist) {
  Distribution d;
  for (const auto& [b, n] : hist) d.count += n;
  d.median_hours = Percentile(hist, d.count, 50);
  d.p90_hours = Percentile(hist, d.count, 90);
  return d;
}

// The WHERE clause shared by the counters and the comments: $1 journey or service, $2..$3
// days, $4 channel, $5 departement, $6 commune.
std::string Where(const Filter& f) {
  std::string w = f.journey.empty() ? "service = $1" : "journey = $1";
  w += " AND day BETWEEN $2 AND $3 AND (CAST($4 AS TEXT) = '' OR channel = $4) "
       "AND (CAST($5 AS TEXT) = '' OR departement = $5)";
  return w;
}

}  // namespace

std::string DayToIso(int64_t day) {
  const std::chrono::sys_days d{std::chrono::days{day}};
  const std::chrono::year_month_day ymd{d};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<int64_t> IsoToDay(const std::string& iso) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (iso.size() != 10 || std::sscanf(iso.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

Result<Filter> ParseFilter(const RawFilter& raw, int64_t today_day) {
  Status errors = InvalidArgument("insight.bad_filter", "Les filtres demandés ne sont pas valides.");
  Filter f;
  f.journey = raw.journey;
  f.service = raw.service;
  f.channel = raw.channel;
  f.departement = raw.departement;
  f.commune = raw.commune;
  // Each refusal carries a stable reason for pages in other languages (insight.field_error.*).
  auto refuse = [&errors](const char* field, const char* reason, const char* message) {
    errors.WithField(FieldError{field, message, reason, {}});
  };
  if (raw.journey.empty() == raw.service.empty()) {
    refuse("parcours", "journey_or_service", "Choisissez un parcours ou un service (l'un des deux).");
  } else if (!IsCode(raw.journey.empty() ? raw.service : raw.journey, 64)) {
    refuse(raw.journey.empty() ? "service" : "parcours", "identifier_format", "Identifiant mal formé.");
  }
  static const std::regex kChannel("|web|counter|phone|mail|api|system");
  if (!std::regex_match(raw.channel, kChannel)) {
    refuse("canal", "unknown_channel", "Canal inconnu : web, counter, phone, mail, api ou system.");
  }
  static const std::regex kDep("|[0-9]{2}|2[AB]|97[1-6]");
  if (!std::regex_match(raw.departement, kDep)) {
    refuse("departement", "departement_format", "Département mal formé (ex. 69, 2A, 974).");
  }
  static const std::regex kCommune("|[0-9][0-9AB][0-9]{3}");
  if (!std::regex_match(raw.commune, kCommune)) {
    refuse("commune", "commune_format", "Code commune INSEE mal formé (ex. 69123).");
  }
  f.to_day = today_day;
  f.from_day = today_day - 89;
  if (!raw.to.empty()) {
    if (auto d = IsoToDay(raw.to)) f.to_day = *d; else refuse("au", "date_format", "Date attendue au format AAAA-MM-JJ.");
  }
  if (!raw.from.empty()) {
    if (auto d = IsoToDay(raw.from)) f.from_day = *d; else refuse("du", "date_format", "Date attendue au format AAAA-MM-JJ.");
  } else if (!raw.to.empty()) {
    f.from_day = f.to_day - 89;
  }
  if (errors.field_errors().empty()) {
    if (f.from_day > f.to_day) {
      refuse("du", "period_reversed", "La date de début doit précéder la date de fin.");
    } else if (f.to_day - f.from_day + 1 > kMaxDays) {
      refuse("du", "period_too_long", "La période ne peut pas dépasser 366 jours.");
    }
    if (f.from_day < kFirstDay) refuse("du", "period_too_early", "Les indicateurs commencent le 1er janvier 2000.");
    if (f.to_day > today_day + 1) refuse("au", "period_in_future", "La période ne peut pas être dans le futur.");
  }
  if (!errors.field_errors().empty()) return errors;
  return f;
}

Filter PreviousPeriod(const Filter& f) {
  Filter p = f;
  const int64_t length = f.to_day - f.from_day + 1;
  p.to_day = f.from_day - 1;
  p.from_day = f.from_day - length;
  return p;
}

Result<Indicators> Compute(store::Database& db, const Filter& f) {
  Indicators out;
  out.filter = f;
  ASSIGN_OR_RETURN(auto tx, db.BeginRead());
  const std::string key = f.journey.empty() ? f.service : f.journey;
  // Exactly one grouping set of insight_cube answers the filter (see 0502_insight_cube.sql),
  // read through the primary key (journeys) or insight_cube_service: the whole months of the
  // period as month rows, the days before and after them as day rows. A commune implies its
  // département; a commune outside the département asked matches no row.
  const std::string departement = f.departement.empty() ? DepartementOf(f.commune) : f.departement;
  int64_t first_month = MonthStart(f.from_day) == f.from_day ? f.from_day : NextMonthStart(f.from_day);
  int64_t last_month = MonthStart(f.to_day);  // the last whole month starts here...
  if (NextMonthStart(f.to_day) != f.to_day + 1) last_month = MonthStart(last_month - 1);  // ...or a month earlier
  const bool months = first_month <= last_month;
  const int64_t head_end = months ? first_month - 1 : f.to_day;
  const int64_t tail_start = months ? NextMonthStart(last_month) : f.to_day + 1;
  const std::string where = std::string(" FROM insight_cube WHERE ") + (f.journey.empty() ? "service" : "journey") +
                            " = $1 AND channel = $2 AND departement = $3 AND commune = $4 AND grain = ";
  const std::string columns = "SELECT metric, step, service, n, total, hist";
  const std::string sql = columns + where + "0 AND day BETWEEN $5 AND $6 UNION ALL " + columns + where +
                          "0 AND day BETWEEN $7 AND $8 UNION ALL " + columns + where + "1 AND day BETWEEN $9 AND $10";
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx->Query(sql, {key, f.channel, departement, f.commune, f.from_day, head_end, tail_start, f.to_day,
                                   months ? first_month : int64_t{1}, months ? last_month : int64_t{0}}));
  std::map<std::string, std::pair<int64_t, int64_t>> totals;  // metric -> (n, total)
  std::map<std::string, Histogram> hists;                      // metric -> bucket -> n
  std::map<std::string, StepFunnel> steps;
  std::map<std::string, ServiceDelays> agencies;
  std::map<std::string, Histogram> decisions;
  for (const store::Row& r : rows) {
    const std::string metric = r.Text(0), step = r.Text(1), service = r.Text(2);
    const int64_t n = r.Int(3), total = r.Int(4);
    totals[metric].first += n;
    totals[metric].second += total;
    if (const std::string hist = r.Text(5); !hist.empty()) {
      MergeHistogram(hist, hists[metric]);
      if (metric == "agency.decision") MergeHistogram(hist, decisions[service]);
    }
    if (metric.rfind("step.", 0) == 0) {
      StepFunnel& s = steps[step];
      s.step = step;
      s.service = service;
      if (metric == "step.started") s.started += n;
      if (metric == "step.done") s.done += n;
      if (metric == "step.helped") s.helped += n;
    } else if (metric.rfind("delivery.", 0) == 0 || metric == "agency.decision") {
      ServiceDelays& a = agencies[service];
      a.service = service;
      if (metric == "delivery.delivered") {
        a.delivered += n;
        a.mean_transmission_ms = a.mean_transmission_ms.value_or(0) + total;  // a sum until the division below
      }
      if (metric == "delivery.failed") a.failed += n;
      if (metric == "delivery.dead_lettered") a.dead_lettered += n;
    }
  }
  auto N = [&](const char* m) { return totals.count(m) ? totals[m].first : 0; };
  auto T = [&](const char* m) { return totals.count(m) ? totals[m].second : 0; };
  out.journeys_started = N("journey.started");
  out.journeys_completed = N("journey.completed");
  out.completion_rate = Ratio(out.journeys_completed, out.journeys_started);
  out.journeys_autonomous = N("journey.autonomous");
  out.autonomy_rate = Ratio(out.journeys_autonomous, out.journeys_completed);
  out.time_to_complete = Distrib(hists["journey.duration"]);
  out.time_to_benefit = Distrib(hists["journey.time_to_benefit"]);
  for (auto& [id, s] : steps) {
    s.dropoff_rate = Ratio(s.started - s.done, s.started);
    out.funnel.push_back(s);
  }
  std::stable_sort(out.funnel.begin(), out.funnel.end(),
                   [](const StepFunnel& a, const StepFunnel& b) { return a.started > b.started; });
  out.forms = N("dlnuf.forms");
  out.fields_asked = T("dlnuf.asked");
  out.fields_prefilled = T("dlnuf.prefilled");
  out.fields_reasked = T("dlnuf.reasked");
  out.reasked_rate = Ratio(out.fields_reasked, out.fields_asked + out.fields_prefilled);
  out.prefilled_rate = Ratio(out.fields_prefilled, out.fields_asked + out.fields_prefilled);
  out.feedback = N("feedback.satisfaction");
  auto Mean = [&](const char* m) -> std::optional<double> { return Ratio(T(m), N(m)); };
  out.satisfaction = Mean("feedback.satisfaction");
  out.ease = Mean("feedback.ease");
  out.clarity = Mean("feedback.clarity");
  out.help_sought = N("feedback.help_sought");
  out.help_reached = N("feedback.help_reached");
  out.help_reached_rate = Ratio(out.help_reached, out.help_sought);
  out.nps_answers = N("feedback.nps");
  out.promoters = N("feedback.promoter");
  out.detractors = N("feedback.detractor");
  if (out.nps_answers > 0) out.nps = 100.0 * static_cast<double>(out.promoters - out.detractors) / out.nps_answers;
  out.effort_answers = N("feedback.effort");
  out.effort = Mean("feedback.effort");
  out.proactive_offers = N("proactive.offered");
  out.proactive_accepted = N("proactive.accepted");
  out.proactive_take_up = Ratio(out.proactive_accepted, out.proactive_offers);
  out.complaints = N("complaint.filed");
  out.complaints_resolved = N("complaint.resolved");
  out.complaint_delay = Distrib(hists["complaint.resolved"]);
  out.declarations = N("declaration.submitted");
  for (auto& [service, a] : agencies) {
    if (a.delivered > 0) a.mean_transmission_ms = *a.mean_transmission_ms / a.delivered;
    else a.mean_transmission_ms.reset();
    a.decision = Distrib(decisions[service]);
    out.agencies.push_back(a);
  }
  return out;
}

Result<std::vector<Comment>> Comments(store::Database& db, const Filter& f, int limit) {
  if (limit < 1 || limit > 1000) {
    return InvalidArgument("insight.bad_limit", "Le nombre de commentaires doit être compris entre 1 et 1000.");
  }
  ASSIGN_OR_RETURN(auto tx, db.BeginRead());
  const std::string key = f.journey.empty() ? f.service : f.journey;
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx->Query("SELECT day, step, service, channel, satisfaction, comment FROM insight_comments WHERE " +
                                 Where(f) + " ORDER BY day DESC, seq LIMIT $6",
                             {key, f.from_day, f.to_day, f.channel, f.departement, int64_t{limit}}));
  std::vector<Comment> out;
  for (const store::Row& r : rows) {
    out.push_back({DayToIso(r.Int(0)), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5)});
  }
  return out;
}

}  // namespace parcours::insight
