// JSON and CSV forms of the indicators (see insight/export.h).
#include "parcours/insight/export.h"

#include <chrono>
#include <cstdio>

#include "parcours/base/clock.h"

namespace parcours::insight {
namespace {

using Json = nlohmann::json;

template <typename T>
Json Opt(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json Dist(const Distribution& d) {
  return {{"count", d.count}, {"median_hours", Opt(d.median_hours)}, {"p90_hours", Opt(d.p90_hours)}};
}

Json FilterJson(const Filter& f) {
  Json j = {{"du", DayToIso(f.from_day)}, {"au", DayToIso(f.to_day)}};
  if (!f.journey.empty()) j["parcours"] = f.journey;
  if (!f.service.empty()) j["service"] = f.service;
  if (!f.channel.empty()) j["canal"] = f.channel;
  if (!f.departement.empty()) j["departement"] = f.departement;
  if (!f.commune.empty()) j["commune"] = f.commune;
  return j;
}

Json One(const Indicators& r) {
  Json funnel = Json::array();
  for (const StepFunnel& s : r.funnel) {
    funnel.push_back({{"step", s.step}, {"service", s.service}, {"started", s.started}, {"done", s.done},
                      {"helped", s.helped}, {"dropoff_rate", Opt(s.dropoff_rate)}});
  }
  Json agencies = Json::array();
  for (const ServiceDelays& a : r.agencies) {
    agencies.push_back({{"service", a.service}, {"delivered", a.delivered}, {"failed", a.failed},
                        {"dead_lettered", a.dead_lettered}, {"mean_transmission_ms", Opt(a.mean_transmission_ms)},
                        {"decision", Dist(a.decision)}});
  }
  return {{"filter", FilterJson(r.filter)},
          {"journeys", {{"started", r.journeys_started}, {"completed", r.journeys_completed},
                        {"completion_rate", Opt(r.completion_rate)}, {"autonomous", r.journeys_autonomous},
                        {"autonomy_rate", Opt(r.autonomy_rate)}, {"time_to_complete", Dist(r.time_to_complete)},
                        {"time_to_benefit", Dist(r.time_to_benefit)}}},
          {"funnel", funnel},
          {"dlnuf", {{"forms", r.forms}, {"asked", r.fields_asked}, {"prefilled", r.fields_prefilled},
                     {"reasked", r.fields_reasked}, {"reasked_rate", Opt(r.reasked_rate)},
                     {"prefilled_rate", Opt(r.prefilled_rate)}}},
          {"feedback", {{"answers", r.feedback}, {"satisfaction", Opt(r.satisfaction)}, {"ease", Opt(r.ease)},
                        {"clarity", Opt(r.clarity)}, {"help_sought", r.help_sought}, {"help_reached", r.help_reached},
                        {"help_reached_rate", Opt(r.help_reached_rate)}, {"nps_answers", r.nps_answers},
                        {"promoters", r.promoters}, {"detractors", r.detractors}, {"nps", Opt(r.nps)},
                        {"effort_answers", r.effort_answers}, {"effort", Opt(r.effort)}}},
          {"proactive", {{"offers", r.proactive_offers}, {"accepted", r.proactive_accepted},
                         {"take_up", Opt(r.proactive_take_up)}}},
          {"complaints", {{"filed", r.complaints}, {"resolved", r.complaints_resolved},
                          {"delay", Dist(r.complaint_delay)}}},
          {"declarations", r.declarations},
          {"agencies", agencies}};
}

std::string AsOfText(const std::optional<int64_t>& ms) {
  return ms ? FormatRfc3339(TimePoint(std::chrono::milliseconds(*ms))) : std::string();
}

Json AsOfJson(const std::optional<int64_t>& ms) { return ms ? Json(AsOfText(ms)) : Json(nullptr); }

std::string Num(const std::optional<double>& v) {
  if (!v) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", *v);
  return buf;
}
std::string Num(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : ""; }
std::string Num(int64_t v) { return std::to_string(v); }

std::string Cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

Json ToJson(const Indicators& current, const Indicators* previous, std::optional<int64_t> as_of_ms) {
  Json j = One(current);
  if (previous != nullptr) j["previous"] = One(*previous);
  j["as_of"] = AsOfJson(as_of_ms);
  return j;
}

std::string ToCsv(const Indicators& c, const Indicators& p, std::optional<int64_t> as_of_ms) {
  std::string out = "indicateur,dimension,valeur,periode_precedente\r\n";
  auto Line = [&](const std::string& name, const std::string& dim, const std::string& now, const std::string& before) {
    out += Cell(name) + "," + Cell(dim) + "," + Cell(now) + "," + Cell(before) + "\r\n";
  };
  Line("donnees_a_jour_au", "", AsOfText(as_of_ms), "");
  Line("parcours_commences", "", Num(c.journeys_started), Num(p.journeys_started));
  Line("parcours_termines", "", Num(c.journeys_completed), Num(p.journeys_completed));
  Line("taux_completion", "", Num(c.completion_rate), Num(p.completion_rate));
  Line("taux_autonomie", "", Num(c.autonomy_rate), Num(p.autonomy_rate));
  Line("duree_mediane_heures", "", Num(c.time_to_complete.median_hours), Num(p.time_to_complete.median_hours));
  Line("duree_p90_heures", "", Num(c.time_to_complete.p90_hours), Num(p.time_to_complete.p90_hours));
  Line("delai_benefice_median_heures", "", Num(c.time_to_benefit.median_hours), Num(p.time_to_benefit.median_hours));
  Line("dlnuf_formulaires", "", Num(c.forms), Num(p.forms));
  Line("dlnuf_champs_redemandes", "", Num(c.fields_reasked), Num(p.fields_reasked));
  Line("dlnuf_taux_redemande", "", Num(c.reasked_rate), Num(p.reasked_rate));
  Line("dlnuf_taux_prerempli", "", Num(c.prefilled_rate), Num(p.prefilled_rate));
  Line("avis", "", Num(c.feedback), Num(p.feedback));
  Line("satisfaction_sur_10", "", Num(c.satisfaction), Num(p.satisfaction));
  Line("facilite_sur_10", "", Num(c.ease), Num(p.ease));
  Line("clarte_sur_10", "", Num(c.clarity), Num(p.clarity));
  Line("aide_joignable", "", Num(c.help_reached_rate), Num(p.help_reached_rate));
  Line("nps", "", Num(c.nps), Num(p.nps));
  Line("effort_moyen", "", Num(c.effort), Num(p.effort));
  Line("propositions_proactives", "", Num(c.proactive_offers), Num(p.proactive_offers));
  Line("taux_acceptation_proactive", "", Num(c.proactive_take_up), Num(p.proactive_take_up));
  Line("reclamations", "", Num(c.complaints), Num(p.complaints));
  Line("reclamations_delai_median_heures", "", Num(c.complaint_delay.median_hours), Num(p.complaint_delay.median_hours));
  for (const StepFunnel& s : c.funnel) {
    Line("etape_commencee", s.step, Num(s.started), "");
    Line("etape_terminee", s.step, Num(s.done), "");
    Line("etape_taux_abandon", s.step, Num(s.dropoff_rate), "");
  }
  for (const ServiceDelays& a : c.agencies) {
    Line("organisme_transmissions", a.service, Num(a.delivered), "");
    Line("organisme_delai_decision_median_heures", a.service, Num(a.decision.median_hours), "");
    Line("organisme_delai_decision_p90_heures", a.service, Num(a.decision.p90_hours), "");
  }
  return out;
}

Json OpenData(const Indicators& r, std::optional<int64_t> as_of_ms) {
  auto Count = [](int64_t n) -> Json {
    return n < kSmallCount ? Json{{"value", nullptr}, {"suppressed", true}} : Json{{"value", n}, {"suppressed", false}};
  };
  auto Derived = [](int64_t base, const Json& v) -> Json {
    return base < kSmallCount ? Json{{"value", nullptr}, {"suppressed", true}} : Json{{"value", v}, {"suppressed", false}};
  };
  return {{"filter", FilterJson(r.filter)},
          {"journeys_started", Count(r.journeys_started)},
          {"journeys_completed", Count(r.journeys_completed)},
          {"completion_rate", Derived(std::min(r.journeys_started, r.journeys_completed), Opt(r.completion_rate))},
          {"median_hours_to_complete", Derived(r.time_to_complete.count, Opt(r.time_to_complete.median_hours))},
          {"feedback_answers", Count(r.feedback)},
          {"satisfaction", Derived(r.feedback, Opt(r.satisfaction))},
          {"nps", Derived(r.nps_answers, Opt(r.nps))},
          {"forms", Count(r.forms)},
          {"reasked_rate", Derived(r.forms, Opt(r.reasked_rate))},
          {"small_count_threshold", kSmallCount},
          {"as_of", AsOfJson(as_of_ms)}};
}

}  // namespace parcours::insight
