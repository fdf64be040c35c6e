#include "compare.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace parcours::crosscheck {
namespace {

using rules::Value;

std::string KindName(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kUndefined: return "undefined";
    case Value::Kind::kNull: return "null";
    case Value::Kind::kNumber: return "number";
    case Value::Kind::kBoolean: return "boolean";
    case Value::Kind::kString: return "string";
  }
  return "?";
}

std::string NumberText(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

std::string ValueText(const Value& value) {
  switch (value.kind) {
    case Value::Kind::kNumber: return NumberText(value.number);
    case Value::Kind::kBoolean: return value.boolean ? "oui" : "non";
    case Value::Kind::kString: return "'" + value.string.str() + "'";
    default: return KindName(value.kind);
  }
}

std::string RecordValueText(const nlohmann::json& record) {
  const std::string kind = record.value("k", "?");
  if (!record.contains("v")) return kind;
  const auto& v = record["v"];
  if (v.is_number()) return NumberText(v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? "oui" : "non";
  if (v.is_string()) return kind == "number" ? v.get<std::string>() : "'" + v.get<std::string>() + "'";
  return v.dump();
}

std::string Join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

Disagreement Make(Mismatch mismatch, const std::string& rule, int id, std::string ours, std::string reference) {
  Disagreement d;
  d.mismatch = mismatch;
  d.rule = rule;
  d.situation_id = id;
  d.ours = std::move(ours);
  d.reference = std::move(reference);
  return d;
}

}  // namespace

std::string MismatchName(Mismatch mismatch) {
  switch (mismatch) {
    case Mismatch::kSituationRejected: return "situation refusée";
    case Mismatch::kError: return "erreur";
    case Mismatch::kKind: return "applicabilité/type";
    case Mismatch::kValue: return "valeur";
    case Mismatch::kUnit: return "unité";
    case Mismatch::kMissing: return "variables manquantes";
    case Mismatch::kCycleWarnings: return "avertissements de cycle";
    case Mismatch::kScores: return "scores ou ordre des variables manquantes";
  }
  return "?";
}

bool NumbersAgree(double ours, double reference) {
  if (std::isnan(ours) || std::isnan(reference)) return std::isnan(ours) && std::isnan(reference);
  if (std::isinf(ours) || std::isinf(reference)) return ours == reference;
  return std::fabs(ours - reference) <= std::max(0.01, 1e-9 * std::fabs(reference));
}

std::vector<Disagreement> CompareRecord(const Result<rules::Evaluation>& ours, const nlohmann::json& record,
                                        const std::string& rule, int id) {
  std::vector<Disagreement> out;
  if (record.contains("error")) {
    if (ours.ok()) {
      out.push_back(Make(Mismatch::kError, rule, id, "valeur " + ValueText(ours->value),
                         "erreur : " + record["error"].get<std::string>()));
    }
    return out;
  }
  if (!ours.ok()) {
    out.push_back(Make(Mismatch::kError, rule, id, "erreur : " + ours.status().ToString(),
                       "valeur " + RecordValueText(record)));
    return out;
  }
  const rules::Evaluation& evaluation = *ours;
  const std::string kind = record.value("k", "");
  if (KindName(evaluation.value.kind) != kind) {
    out.push_back(Make(Mismatch::kKind, rule, id, ValueText(evaluation.value), RecordValueText(record)));
  } else if (record.contains("v")) {
    const auto& v = record["v"];
    bool same = true;
    if (evaluation.value.is_number()) {
      same = v.is_number() ? NumbersAgree(evaluation.value.number, v.get<double>())
                           : NumberText(evaluation.value.number) == v.get<std::string>();
    } else if (evaluation.value.is_boolean()) {
      same = v.is_boolean() && evaluation.value.boolean == v.get<bool>();
    } else if (evaluation.value.is_string()) {
      same = v.is_string() && evaluation.value.string == v.get<std::string>();
    }
    if (!same) out.push_back(Make(Mismatch::kValue, rule, id, ValueText(evaluation.value), RecordValueText(record)));
  }
  const std::string unit = record.value("u", "");
  if (evaluation.unit != unit) {
    out.push_back(Make(Mismatch::kUnit, rule, id, "\"" + evaluation.unit + "\"", "\"" + unit + "\""));
  }
  std::set<std::string> reference_missing;
  for (const auto& name : record.value("m", nlohmann::json::array())) reference_missing.insert(name.get<std::string>());
  std::set<std::string> our_missing;
  for (const auto& m : evaluation.missing) our_missing.insert(m.name);
  if (our_missing != reference_missing) {
    std::vector<std::string> extra, lacking;
    std::set_difference(our_missing.begin(), our_missing.end(), reference_missing.begin(), reference_missing.end(),
                        std::back_inserter(extra));
    std::set_difference(reference_missing.begin(), reference_missing.end(), our_missing.begin(), our_missing.end(),
                        std::back_inserter(lacking));
    Disagreement d = Make(Mismatch::kMissing, rule, id,
                          std::to_string(our_missing.size()) + " dont en trop " + Join(extra),
                          std::to_string(reference_missing.size()) + " dont absentes chez nous " + Join(lacking));
    d.extra = std::move(extra);
    d.absent = std::move(lacking);
    out.push_back(std::move(d));
  } else if (record.contains("s")) {
    // The same names: the same order and scores, the first difference shown.
    const auto& scores = record["s"];
    const auto& names = record["m"];
    for (size_t i = 0; i < scores.size() && i < evaluation.missing.size(); ++i) {
      const std::string name = names.at(scores[i][0].get<size_t>()).get<std::string>();
      const double score = scores[i][1].get<double>();
      const rules::MissingVariable& m = evaluation.missing[i];
      if (m.name != name || !NumbersAgree(m.score, score)) {
        out.push_back(Make(Mismatch::kScores, rule, id, "n° " + std::to_string(i + 1) + " " + m.name + " : " + NumberText(m.score),
                           "n° " + std::to_string(i + 1) + " " + name + " : " + NumberText(score)));
        break;
      }
    }
  }
  if (record.contains("c")) {
    const std::vector<std::string> warnings = evaluation.warnings();
    const auto cycles = std::count_if(warnings.begin(), warnings.end(), [](const std::string& w) {
      return w.find("un cycle a été détecté") != std::string::npos;
    });
    const auto reference_cycles = record["c"].get<long>();
    if (cycles != reference_cycles) {
      out.push_back(Make(Mismatch::kCycleWarnings, rule, id, std::to_string(cycles) + " cycles signalés",
                         std::to_string(reference_cycles) + " cycles signalés"));
    }
  }
  return out;
}

Result<ModelReport> CrossCheck(const rules::ModelPtr& model, GoldenReader& golden, size_t max_listed) {
  ModelReport report;
  report.model = golden.header().value("model", "?");
  auto note = [&](std::vector<Disagreement> found, const GoldenSituation& situation) {
    std::set<Mismatch> kinds;
    for (auto& d : found) {
      kinds.insert(d.mismatch);
      for (const auto& name : d.extra) ++report.missing_extra[name];
      for (const auto& name : d.absent) ++report.missing_absent[name];
      if (report.listed.size() < max_listed) {
        report.listed_situations[situation.id] = situation.situation;
        report.listed.push_back(std::move(d));
      }
    }
    for (Mismatch kind : kinds) ++report.by_mismatch[kind];
  };
  while (true) {
    ASSIGN_OR_RETURN(std::optional<GoldenSituation> next, golden.Next());
    if (!next.has_value()) break;
    const GoldenSituation& situation = *next;
    ++report.situations;
    bool all_agree = true;
    rules::Engine engine(model);
    Status set = engine.SetSituation(situation.situation);
    for (const std::string& rule : golden.rules()) {
      ++report.comparisons;
      std::vector<Disagreement> found;
      const auto record = situation.results.find(rule);
      if (record == situation.results.end()) {
        found.push_back(Make(Mismatch::kError, rule, situation.id, "-", "règle absente du fichier de référence"));
      } else if (!set.ok()) {
        found.push_back(Make(Mismatch::kSituationRejected, rule, situation.id, set.ToString(), "situation acceptée"));
      } else {
        found = CompareRecord(engine.Evaluate(rule), *record, rule, situation.id);
      }
      if (found.empty()) {
        ++report.comparisons_agreeing;
      } else {
        all_agree = false;
        ++report.by_rule[rule];
        note(std::move(found), situation);
      }
    }
    if (all_agree) ++report.situations_agreeing;
  }
  return report;
}

std::string FormatReport(const ModelReport& report, size_t max_printed) {
  std::ostringstream out;
  out << "== " << report.model << " : " << report.situations_agreeing << "/" << report.situations
      << " situations en accord, " << report.comparisons_agreeing << "/" << report.comparisons
      << " évaluations en accord\n";
  for (const auto& [mismatch, count] : report.by_mismatch) {
    out << "   " << MismatchName(mismatch) << " : " << count << " évaluations\n";
  }
  std::vector<std::pair<std::string, size_t>> rules(report.by_rule.begin(), report.by_rule.end());
  std::sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (!rules.empty()) out << "   règles les plus en désaccord :\n";
  for (size_t i = 0; i < rules.size() && i < 10; ++i) {
    out << "     " << rules[i].second << " × " << rules[i].first << "\n";
  }
  auto top = [&out](const std::map<std::string, size_t>& counts, const char* title) {
    std::vector<std::pair<std::string, size_t>> sorted(counts.begin(), counts.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    if (!sorted.empty()) out << "   " << title << " :\n";
    for (size_t i = 0; i < sorted.size() && i < 8; ++i) {
      out << "     " << sorted[i].second << " × " << sorted[i].first << "\n";
    }
  };
  top(report.missing_extra, "variables manquantes que nous sommes seuls à signaler");
  top(report.missing_absent, "variables manquantes que seule la référence signale");
  size_t printed = 0;
  for (const Disagreement& d : report.listed) {
    if (printed++ == max_printed) break;
    out << "   [situation " << d.situation_id << "] " << d.rule << " — " << MismatchName(d.mismatch)
        << "\n       nous      : " << d.ours << "\n       référence : " << d.reference << "\n";
  }
  return out.str();
}

nlohmann::json ReportJson(const ModelReport& report) {
  nlohmann::json json = {{"model", report.model},
                         {"situations", report.situations},
                         {"situations_agreeing", report.situations_agreeing},
                         {"comparisons", report.comparisons},
                         {"comparisons_agreeing", report.comparisons_agreeing}};
  for (const auto& [mismatch, count] : report.by_mismatch) json["by_mismatch"][MismatchName(mismatch)] = count;
  json["by_rule"] = report.by_rule;
  json["missing_only_ours"] = report.missing_extra;
  json["missing_only_reference"] = report.missing_absent;
  json["disagreements"] = nlohmann::json::array();
  for (const Disagreement& d : report.listed) {
    json["disagreements"].push_back({{"situation", d.situation_id}, {"rule", d.rule},
                                     {"mismatch", MismatchName(d.mismatch)}, {"ours", d.ours},
                                     {"reference", d.reference}});
  }
  for (const auto& [id, situation] : report.listed_situations) json["situations_listed"][std::to_string(id)] = situation;
  return json;
}

}  // namespace parcours::crosscheck
