// Comparison of our engine's evaluations with the reference engine's golden records:
// values to max(0.01, 1e-9 relative), units (the reference's string form), applicability
// (null = non applicable vs undefined = non défini vs a value), missing variables (as sets),
// errors (the reference threw: we must fail too) and, where the golden record has them, the
// number of cycle warnings (`c`: both engines reach the rules on cycles by the same paths) and
// the missing variables' scores in the reference's order (`s`).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "golden.h"
#include "parcours/rules/engine.h"

namespace parcours::crosscheck {

enum class Mismatch { kSituationRejected, kError, kKind, kValue, kUnit, kMissing, kCycleWarnings, kScores };
std::string MismatchName(Mismatch mismatch);

struct Disagreement {
  Mismatch mismatch = Mismatch::kValue;
  std::string rule;
  int situation_id = 0;
  std::string ours;
  std::string reference;
  // For kMissing: the names only we report, and those only the reference reports.
  std::vector<std::string> extra;
  std::vector<std::string> absent;
};

// True when |ours - reference| <= max(0.01, 1e-9 * |reference|).
bool NumbersAgree(double ours, double reference);

// Every mismatch between `ours` (an evaluation or its error) and the golden `record`.
std::vector<Disagreement> CompareRecord(const Result<rules::Evaluation>& ours, const nlohmann::json& record,
                                        const std::string& rule, int situation_id);

struct ModelReport {
  std::string model;
  size_t situations = 0;
  size_t situations_agreeing = 0;  // every rule agrees on every aspect
  size_t comparisons = 0;          // situations x rules
  size_t comparisons_agreeing = 0;
  std::map<Mismatch, size_t> by_mismatch;          // evaluations with this kind of mismatch
  std::map<std::string, size_t> by_rule;           // evaluations that disagree, per rule
  std::map<std::string, size_t> missing_extra;     // missing variables only we report
  std::map<std::string, size_t> missing_absent;    // missing variables only the reference reports
  std::vector<Disagreement> listed;                // the first ones, in situation order
  std::map<int, nlohmann::json> listed_situations; // situations of the listed disagreements
};

// Replays every remaining situation of `golden` through `model` and compares the golden
// rules. Errors: those of GoldenReader::Next (malformed golden file).
Result<ModelReport> CrossCheck(const rules::ModelPtr& model, GoldenReader& golden, size_t max_listed);

// Human-readable summary: counts, mismatch kinds, worst rules, the first disagreements.
std::string FormatReport(const ModelReport& report, size_t max_printed);
// The same as JSON, with the situations of the listed disagreements, for the engine authors.
nlohmann::json ReportJson(const ModelReport& report);

}  // namespace parcours::crosscheck
