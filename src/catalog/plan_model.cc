#include "plan_model.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <system_error>

#include "yaml_reader.h"

namespace parcours::catalog::detail {

namespace fs = std::filesystem;

Json YamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return node.Scalar();
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(YamlToJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>("")] = YamlToJson(kv.second);
      return out;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
  }
  return nullptr;
}

Json ReadRulesFolder(const fs::path& dir, std::vector<Diagnostic>* out) {
  Json rules = Json::object();
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".publicodes" || ext == ".yaml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const std::string display = "rules/" + file.filename().string();
    auto root = ParseYamlFile(file, display, out);
    if (!root) continue;
    if (!root->IsMap()) {
      out->push_back({display, root->Mark().line + 1, 1, "Un fichier de règles doit être un dictionnaire de règles."});
      continue;
    }
    for (const auto& kv : *root) {
      const std::string name = kv.first.as<std::string>("");
      if (rules.contains(name)) {
        out->push_back({display, kv.first.Mark().line + 1, kv.first.Mark().column + 1,
                        "Règle en double « " + name + " »."});
        continue;
      }
      rules[name] = YamlToJson(kv.second);
    }
  }
  return rules;
}

rules::ModelOptions PlanModelOptions() {
  rules::ModelOptions options;
  options.strict_situation = false;
  return options;
}

std::string CheckCondition(const Json& situation_rules, const Json& condition) {
  Json probe = situation_rules;
  probe["parcours"] = Json{{"titre", "Conditions des étapes"}, {"valeur", "oui"}};
  probe["parcours . condition"] = Json{{"valeur", condition}};
  Result<rules::ModelPtr> model = rules::LoadModelFromJson(probe, PlanModelOptions());
  if (!model.ok()) return model.status().message();
  rules::Engine engine(*model);
  Result<rules::Evaluation> evaluation = engine.Evaluate("parcours . condition");
  if (!evaluation.ok()) return evaluation.status().message();
  if (evaluation->value.is_number() || evaluation->value.is_string()) {
    return "l'expression doit être une condition (oui / non), elle vaut « " + evaluation->FormattedValue() + " ».";
  }
  return "";
}

Result<rules::ModelPtr> BuildPlanModel(const Json& situation_rules, const std::vector<std::string>& event_ids,
                                       const std::vector<StepRule>& steps) {
  Json all = situation_rules;
  all["parcours"] = Json{{"titre", "Applicabilité des étapes des parcours"}, {"valeur", "oui"}};
  for (const std::string& id : event_ids) all["parcours . " + id] = Json{{"titre", id}, {"valeur", "oui"}};
  for (const StepRule& s : steps) all[s.name] = Json{{"titre", s.title}, {"valeur", s.condition}};
  return rules::LoadModelFromJson(all, PlanModelOptions());
}

}  // namespace parcours::catalog::detail
