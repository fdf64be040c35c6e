// Public API: models, engines and evaluations (see include/parcours/rules/engine.h).
#include "parcours/rules/engine.h"

#include <nlohmann/json.hpp>

#include "compiler.h"
#include "engine_core.h"
#include "evaluator.h"
#include "loader.h"

namespace parcours::rules {

using detail::CompiledModel;
using detail::EngineCore;

Model::Model(std::unique_ptr<CompiledModel> compiled) : compiled_(std::move(compiled)) {}
Model::~Model() = default;

std::vector<std::string> Model::RuleNames() const {
  std::vector<std::string> out;
  out.reserve(compiled_->public_rules.size());
  for (int id : compiled_->public_rules) out.push_back(compiled_->core.rules[id].name);
  return out;
}

bool Model::HasRule(std::string_view name) const {
  const int id = compiled_->FindRule(name);
  return id >= 0 && compiled_->core.rules[id].root_accessible;
}

Json Model::RawRule(std::string_view name) const {
  const int id = compiled_->FindRule(name);
  return id < 0 ? Json() : compiled_->core.rules[id].raw;
}

const std::vector<std::string>& Model::warnings() const { return compiled_->warnings; }
size_t Model::NodeCount() const { return compiled_->core.nodes.size(); }

namespace {

Result<ModelPtr> Build(RawNode raw, const ModelOptions& options, const detail::SourceLines& lines) {
  // Errors in the rules are Status values; an exception here is a bug, reported as such rather
  // than ending the process that loads the model (the fuzzer traps on this reason).
  try {
    auto compiled = detail::Compile(std::move(raw), options, lines.order);
    if (!compiled.ok()) return detail::WithPosition(compiled.status(), lines);
    return ModelPtr(std::make_shared<Model>(std::move(compiled).value()));
  } catch (const std::exception& e) {
    return Internal("rules.internal", std::string("Erreur interne de compilation du modèle : ") + e.what());
  }
}

}  // namespace

Result<ModelPtr> LoadModelFromYaml(std::string_view yaml_text, std::string_view source_name,
                                   const ModelOptions& options) {
  detail::SourceLines lines;
  ASSIGN_OR_RETURN(RawNode raw, detail::YamlToRaw(yaml_text, source_name, &lines));
  return Build(std::move(raw), options, lines);
}

Result<ModelPtr> LoadModelFromJson(const Json& rules, const ModelOptions& options) {
  if (!rules.is_object()) return InvalidArgument("rules.invalid_model", "Le modèle JSON doit être un objet");
  const RawNode& raw = rules;
  return Build(raw, options, {});
}

Result<ModelPtr> LoadModelFromPath(const std::filesystem::path& path, const ModelOptions& options) {
  return LoadModelFromPaths({path}, options);
}

Result<ModelPtr> LoadModelFromPaths(const std::vector<std::filesystem::path>& paths, const ModelOptions& options) {
  detail::SourceLines lines;
  ASSIGN_OR_RETURN(RawNode raw, detail::ReadSources(paths, &lines));
  return Build(std::move(raw), options, lines);
}

Json Value::ToJson() const {
  switch (kind) {
    case Kind::kUndefined: return "undefined";
    case Kind::kNull: return nullptr;
    case Kind::kNumber: return number;
    case Kind::kBoolean: return boolean;
    case Kind::kString: return string.str();
  }
  return nullptr;
}

const std::string& ValueString::Empty() {
  static const std::string empty;
  return empty;
}

// The core is made by SetSituation, or by the first Evaluate over the empty situation.
Engine::Engine(ModelPtr model) : model_(std::move(model)) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

Status Engine::SetSituation(const std::map<std::string, std::string>& situation) {
  Json j = Json::object();
  for (const auto& [k, v] : situation) j[k] = v;
  return SetSituation(j);
}

Status Engine::SetSituation(const Json& situation) {
  if (!situation.is_object()) {
    return InvalidArgument("rules.situation_invalid", "La situation doit être un objet {règle: valeur}");
  }
  auto core = std::make_shared<EngineCore>(model_);
  RETURN_IF_ERROR(core->LoadSituation(situation));
  core_ = std::move(core);
  return Status();
}

std::vector<std::string> Engine::warnings() const { return core_ ? core_->SituationWarnings() : std::vector<std::string>(); }

Result<Evaluation> Engine::Evaluate(std::string_view rule_or_expression, const EvaluationOptions& options) {
  if (!core_) {
    core_ = std::make_shared<EngineCore>(model_);
    core_->EnableFolding({});  // the empty situation
  }
  return core_->Evaluate(rule_or_expression, options, core_);
}

}  // namespace parcours::rules
