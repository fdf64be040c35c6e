// Case-file runner (see conformance.h).
#include "conformance.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <regex>

#include "loader.h"
#include "model.h"
#include "parcours/base/file.h"
#include "parcours/rules/engine.h"

namespace parcours::rules {
namespace {

// Tolerance from the written form: "74.0333" -> 1e-4, "10" -> 1.
double Tolerance(const std::string& text) {
  size_t dot = text.find('.');
  if (dot == std::string::npos) return 1;
  size_t digits = 0;
  for (size_t i = dot + 1; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) ++digits;
  return std::pow(10.0, -static_cast<double>(digits));
}

std::string Describe(const Value& v, const std::string& unit) {
  std::string s = v.ToJson().dump();
  return unit.empty() ? s : s + " " + unit;
}

const char* TypeName(detail::VType t) {
  switch (t) {
    case detail::VType::kNumber: return "number";
    case detail::VType::kBoolean: return "boolean";
    case detail::VType::kString: return "string";
    case detail::VType::kDate: return "date";
    default: return "undefined";
  }
}

// Checks one example; returns an empty string when it passes.
std::string CheckExample(Engine& engine, const Model& model, const std::string& rule, const Json& example,
                         const Json& default_unit) {
  Json situation = example.contains("situation") && example["situation"].is_object() ? example["situation"]
                                                                                       : Json::object();
  Status set = engine.SetSituation(situation);
  Result<Evaluation> result = set.ok() ? engine.Evaluate(rule) : Result<Evaluation>(set);
  if (example.contains("exception")) {
    std::string pattern = example["exception"].is_string() ? example["exception"].get<std::string>() : "";
    if (result.ok()) return "exception attendue (" + pattern + "), obtenu " + Describe(result->value, result->unit);
    if (!std::regex_search(result.status().message(), std::regex(pattern))) {
      return "exception « " + result.status().message() + " » ne correspond pas à " + pattern;
    }
    return "";
  }
  if (!result.ok()) return "erreur : " + result.status().message();
  const Evaluation& ev = *result;
  std::string problems;
  if (example.contains("valeur attendue")) {
    const Json& expected = example["valeur attendue"];
    bool ok;
    if (expected.is_number()) {
      double want = expected.get<double>();
      ok = ev.value.is_number() && std::fabs(ev.value.number - want) <= Tolerance(expected.dump()) * (1 + 1e-9);
    } else if (expected.is_boolean()) {
      ok = ev.value.is_boolean() && ev.value.boolean == expected.get<bool>();
    } else if (expected.is_null()) {
      ok = ev.value.is_null();
    } else if (expected.is_string() && expected.get<std::string>() == "undefined") {
      ok = ev.value.is_undefined();
    } else if (expected.is_string()) {
      ok = ev.value.is_string() && ev.value.string == expected.get<std::string>();
    } else {
      ok = false;
    }
    if (!ok) problems += "valeur attendue " + expected.dump() + ", obtenu " + Describe(ev.value, ev.unit) + ". ";
  }
  const Json& unit = example.contains("unité attendue") ? example["unité attendue"] : default_unit;
  // An empty expected unit is not checked, as in the upstream runner (`if (unit)`).
  if (unit.is_string() && !unit.get<std::string>().empty()) {
    std::string want = unit.get<std::string>();
    auto parsed = ParseUnit(want);
    std::string canonical = parsed.ok() ? SerializeUnit(*parsed) : want;
    if (canonical != ev.unit) problems += "unité attendue « " + want + " », obtenu « " + ev.unit + " ». ";
  }
  if (example.contains("variables manquantes") && example["variables manquantes"].is_array()) {
    std::vector<std::string> want, got;
    for (const auto& m : example["variables manquantes"]) want.push_back(m.is_string() ? m.get<std::string>() : m.dump());
    for (const auto& m : ev.missing) got.push_back(m.name);
    if (want != got) {
      std::string g;
      for (const auto& s : got) g += (g.empty() ? "" : ", ") + s;
      problems += "variables manquantes attendues " + example["variables manquantes"].dump() + ", obtenu [" + g + "]. ";
    }
  }
  if (example.contains("type") && example["type"].is_string()) {
    const int id = model.compiled().FindRule(rule);
    std::string got = id < 0 ? "(règle inconnue)" : TypeName(model.compiled().core.rules[id].type.type);
    if (got != example["type"].get<std::string>()) {
      problems += "type attendu " + example["type"].get<std::string>() + ", obtenu " + got + ". ";
    }
  }
  return problems;
}

}  // namespace

std::vector<std::filesystem::path> ListCaseFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

CaseFileReport RunCaseFile(const std::filesystem::path& file) {
  CaseFileReport report;
  report.file = file.filename().string();
  const std::string text = ReadWholeFile(file).value_or("");
  ModelOptions options;
  options.filter_not_applicable_possibilities = true;
  auto model = LoadModelFromYaml(text, file.string(), options);
  if (!model.ok()) {
    report.load_error = model.status().message();
    return report;
  }
  Engine engine(*model);
  // Rules in model order, including `avec` children which carry examples too.
  for (const std::string& rule : (*model)->RuleNames()) {
    Json raw = (*model)->RawRule(rule);
    if (!raw.is_object() || !raw.contains("exemples")) continue;
    const Json& examples = raw["exemples"];
    const Json default_unit = raw.contains("unité attendue") ? raw["unité attendue"] : Json();
    std::vector<Json> list;
    if (examples.is_array()) {
      for (const auto& e : examples) list.push_back(e);
    } else if (examples.is_object()) {
      list.push_back(examples);
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const Json& example = list[i];
      if (!example.is_object()) continue;
      std::string name = rule;
      if (example.contains("nom") && example["nom"].is_string() && !example["nom"].get<std::string>().empty()) {
        name += " [" + example["nom"].get<std::string>() + "]";
      } else if (list.size() > 1) {
        name += " (" + std::to_string(i + 1) + ")";
      }
      ++report.total;
      std::string problem;
      try {
        problem = CheckExample(engine, **model, rule, example, default_unit);
      } catch (const std::exception& e) {
        problem = std::string("exception C++ : ") + e.what();
      }
      if (problem.empty()) {
        ++report.passed;
      } else {
        report.failures.push_back({name, problem});
      }
    }
  }
  return report;
}

}  // namespace parcours::rules
