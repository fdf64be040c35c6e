// Our side of bench/rules: loads a published model, then evaluates one rule over the golden
// situations of that model, round-robin, for a time budget. Prints one JSON line:
// evaluations/s, load time (file read + JSON parse + compile), peak resident memory with
// the model loaded (before the golden data is read) and at the end.
//
//   rules_bench --model M --rule R --golden FILE --model-file M.json [--seconds S]
//               [--evaluations N] (stop after N evaluations, for instruction counts)
//               [--fold 0] (evaluate without the model's fold cache, to compare)
//               [--missing 0] (values only: no missing variables, EvaluationOptions::missing)
//               [--start S --count N] (the golden situations S to S + N - 1 only, wrapping
//               around: those the reference evaluated in the same turn)
//               [--warmup 1] (one untimed evaluation of each situation first)
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "golden.h"
#include "parcours/rules/engine.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

int Usage() {
  std::cerr << "usage: rules_bench --model M --rule R --golden FILE --model-file M.json [--seconds S]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args{{"--seconds", "5"}};
  for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  for (const char* required : {"--model", "--rule", "--golden", "--model-file"}) {
    if (!args.count(required)) return Usage();
  }
  const std::string rule = args["--rule"];
  const double budget = std::stod(args["--seconds"]);
  const size_t max_evaluations = args.count("--evaluations") ? std::stoul(args["--evaluations"]) : SIZE_MAX;
  parcours::rules::ModelOptions options;
  options.fold_situation_independent = !args.count("--fold") || args["--fold"] != "0";
  parcours::rules::EvaluationOptions evaluation;
  evaluation.missing = !args.count("--missing") || args["--missing"] != "0";

  // Load a few times: the first load is cold, the best is what a warm server pays.
  double first_load_ms = 0, best_load_ms = 1e300;
  parcours::rules::ModelPtr model;
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    auto loaded = parcours::rules::LoadModelFromPath(args["--model-file"], options);
    const double ms = Seconds(Clock::now() - start) * 1000;
    if (!loaded.ok()) {
      std::cerr << "chargement du modèle : " << loaded.status().ToString() << "\n";
      return 1;
    }
    model = *loaded;
    if (i == 0) first_load_ms = ms;
    best_load_ms = std::min(best_load_ms, ms);
  }

  // Peak memory of the process with the model loaded, before the golden data is read.
  const double model_rss_mb = PeakRssMb();
  auto golden = parcours::crosscheck::GoldenReader::Open(args["--golden"]);
  if (!golden.ok()) {
    std::cerr << golden.status().ToString() << "\n";
    return 1;
  }
  std::vector<nlohmann::json> situations;
  while (true) {
    auto next = golden->Next();
    if (!next.ok()) {
      std::cerr << next.status().ToString() << "\n";
      return 1;
    }
    if (!next->has_value()) break;
    situations.push_back(std::move((*next)->situation));
  }
  if (situations.empty()) {
    std::cerr << "aucune situation dans " << args["--golden"] << "\n";
    return 1;
  }
  if (args.count("--start") || args.count("--count")) {
    const size_t first = args.count("--start") ? std::stoul(args["--start"]) : 0;
    const size_t count = args.count("--count") ? std::stoul(args["--count"]) : situations.size();
    std::vector<nlohmann::json> chosen;
    chosen.reserve(count);
    for (size_t i = 0; i < count; ++i) chosen.push_back(situations[(first + i) % situations.size()]);
    if (chosen.empty()) {
      std::cerr << "--count 0 : aucune situation\n";
      return 1;
    }
    situations = std::move(chosen);
  }
  if (args.count("--warmup") && args["--warmup"] != "0") {
    for (const auto& situation : situations) {
      parcours::rules::Engine engine(model);
      if (engine.SetSituation(situation).ok()) (void)engine.Evaluate(rule, evaluation);
    }
  }
  if (args.count("--per-situation")) {
    std::ofstream per(args["--per-situation"]);
    for (size_t i = 0; i < situations.size(); ++i) {
      double best = 1e9;
      for (int k = 0; k < 5; ++k) {
        const auto b = Clock::now();
        parcours::rules::Engine engine(model);
        (void)engine.SetSituation(situations[i]);
        (void)engine.Evaluate(rule, evaluation);
        best = std::min(best, Seconds(Clock::now() - b));
      }
      per << best * 1e6 << "\t" << situations[i].dump() << "\n";
    }
    return 0;
  }
  size_t evaluations = 0, errors = 0;
  double situation_seconds = 0;  // engine creation + SetSituation, the rest is Evaluate
  const auto start = Clock::now();
  double elapsed = 0;
  while (elapsed < budget && evaluations < max_evaluations) {
    const auto begin = Clock::now();
    parcours::rules::Engine engine(model);
    const bool set = engine.SetSituation(situations[evaluations % situations.size()]).ok();
    situation_seconds += Seconds(Clock::now() - begin);
    if (!set || !engine.Evaluate(rule, evaluation).ok()) ++errors;
    ++evaluations;
    elapsed = Seconds(Clock::now() - start);  // vDSO clock reads: negligible next to an evaluation
  }

  nlohmann::json out = {{"engine", "parcours"},     {"model", args["--model"]},
                        {"rule", rule},             {"evaluations", evaluations},
                        {"missing", evaluation.missing},
                        {"errors", errors},         {"seconds", elapsed},
                        {"eval_per_s", evaluations / elapsed},
                        {"load_ms", first_load_ms}, {"best_load_ms", best_load_ms},
                        {"model_rss_mb", model_rss_mb}, {"peak_rss_mb", PeakRssMb()},
                        {"set_situation_share", situation_seconds / elapsed}};
  std::cout << out.dump() << "\n";
  return 0;
}
