// LoadCatalog: reads the folder in a fixed order (administrations, external models, the
// situation model, then each event file), collecting every problem before failing.
#include <algorithm>
#include <optional>
#include <system_error>

#include <nlohmann/json.hpp>

#include "event_reader.h"
#include "plan_model.h"
#include "parcours/catalog/catalog.h"
#include "yaml_reader.h"

namespace parcours::catalog {

namespace fs = std::filesystem;
using detail::YamlReader;

class CatalogBuilder {
 public:
  CatalogBuilder(fs::path dir, std::vector<Diagnostic>* diags) : dir_(std::move(dir)), diags_(diags) {
    catalog_ = std::make_shared<Catalog>();
    catalog_->root_ = dir_;
  }

  // The root of a catalogue file that may be absent; nothing when it is absent or unreadable
  // (the reason is in diags_).
  std::optional<YAML::Node> ParseOptional(const std::string& name) {
    if (!fs::exists(dir_ / name)) return std::nullopt;
    return detail::ParseYamlFile(dir_ / name, name, diags_);
  }

  void ReadAdministrations() {
    const std::string name = "administrations.yaml";
    auto root = detail::ParseYamlFile(dir_ / name, name, diags_);
    if (!root) return;
    YamlReader r(name, diags_);
    if (!r.ExpectMap(*root, name, {"administrations"})) return;
    const YAML::Node list = (*root)["administrations"];
    if (!list || !list.IsSequence()) {
      r.Error(*root, "« administrations » doit être une liste.");
      return;
    }
    for (const auto& n : list) {
      if (!r.ExpectMap(n, "administration", {"id", "name", "url"})) continue;
      Administration a{r.RequiredString(n, "id"), r.ReadText(n, "name", true), r.RequiredString(n, "url")};
      if (!a.id.empty() && !detail::IsSlug(a.id)) r.Error(n["id"], "Identifiant invalide « " + a.id + " ».");
      if (!a.url.empty() && a.url.rfind("https://", 0) != 0) r.Error(n["url"], "L'adresse doit commencer par https://.");
      if (a.id.empty()) continue;
      if (catalog_->administrations_.contains(a.id)) {
        r.Error(n, "Administration en double « " + a.id + " ».");
        continue;
      }
      ctx_.administrations.insert(a.id);
      catalog_->administrations_.emplace(a.id, std::move(a));
    }
  }

  // exchange.yaml (read by the exchange module) names, for each service agencies receive
  // declarations through, the organisation that runs it: its agency credentials, its console
  // and indicator grouping and the name shown to people all hang on that id, so it must be one
  // of administrations.yaml, the same id the events' steps use. Its service and bundle ids are
  // kept for the steps' fulfilled_by.
  void CheckExchangeOrganisations() {
    const std::string name = "exchange.yaml";
    auto root = ParseOptional(name);  // a catalogue may exchange with no agency
    if (!root) return;
    YamlReader r(name, diags_);
    const YAML::Node services = (*root)["services"];
    if (!services || !services.IsMap()) return;  // its shape is the exchange module's to check
    if (const YAML::Node bundles = (*root)["bundles"]; bundles && bundles.IsMap()) {
      for (const auto& entry : bundles) ctx_.exchange_bundles.insert(entry.first.as<std::string>());
    }
    for (const auto& entry : services) {
      ctx_.exchange_services.insert(entry.first.as<std::string>());
      const YAML::Node organisation = entry.second.IsMap() ? entry.second["organisation"] : YAML::Node();
      if (!organisation || !organisation.IsScalar()) continue;
      const std::string id = organisation.as<std::string>();
      if (ctx_.administrations.contains(id)) continue;
      r.Error(organisation, "Le service d'échange « " + entry.first.as<std::string>() + " » nomme l'organisme « " +
                                id + " », inconnu : utilisez l'identifiant de administrations.yaml (" +
                                KnownAdministrations() + ").");
    }
  }

  void ReadModels() {
    const std::string name = "models.yaml";
    auto root = ParseOptional(name);  // a catalogue may use no external model
    if (!root) return;
    YamlReader r(name, diags_);
    if (!r.ExpectMap(*root, name, {"models"})) return;
    const YAML::Node list = (*root)["models"];
    if (!list || !list.IsSequence()) {
      r.Error(*root, "« models » doit être une liste.");
      return;
    }
    for (const auto& n : list) {
      if (!r.ExpectMap(n, "modèle", {"id", "source", "path"})) continue;
      ExternalModel m;
      m.id = r.RequiredString(n, "id");
      m.source = r.RequiredString(n, "source");
      const std::string path = r.RequiredString(n, "path");
      if (m.id.empty() || path.empty()) continue;
      m.path = (dir_ / path).lexically_normal();
      rules::ModelOptions options;
      options.strict_situation = false;  // a person's situation holds attributes of other models too
      Result<rules::ModelPtr> model = rules::LoadModelFromPath(m.path, options);
      if (!model.ok()) {
        r.Error(n["path"], "Modèle « " + m.id + " » illisible (" + m.path.string() +
                               ") : " + model.status().message() +
                               " Installez-le avec scripts/install-deps (npm ci dans catalog/).");
      } else {
        m.model = *model;
      }
      ctx_.models[m.id] = m.model;
      catalog_->models_[m.id] = std::move(m);
    }
  }

  // Loads rules/ once through the engine (its errors carry rule names and positions) and
  // once as JSON, the form the plan model is built from.
  void ReadSituationModel() {
    const fs::path rules_dir = dir_ / "rules";
    if (!fs::is_directory(rules_dir)) {
      diags_->push_back({"rules/", 0, 0, "Dossier des règles de situation manquant."});
      return;
    }
    const std::size_t before = diags_->size();
    situation_rules_ = detail::ReadRulesFolder(rules_dir, diags_);
    if (diags_->size() != before) return;
    Result<rules::ModelPtr> model = rules::LoadModelFromPath(rules_dir, detail::PlanModelOptions());
    if (!model.ok()) {
      diags_->push_back({"rules/", 0, 0, "Modèle de situation invalide : " + model.status().message()});
      return;
    }
    for (const auto& [name, body] : situation_rules_.items()) catalog_->attributes_.push_back(name);
    std::sort(catalog_->attributes_.begin(), catalog_->attributes_.end());
    ctx_.situation_rules = &situation_rules_;
  }

  // information.yaml: labels of the information steps need that no question nor vault
  // attribute names (their vault attributes cannot be checked here: the vault comes later).
  void ReadInformation() {
    const std::string name = "information.yaml";
    auto root = ParseOptional(name);
    if (!root) return;
    YamlReader r(name, diags_);
    if (!r.ExpectMap(*root, name, {"information"})) return;
    const YAML::Node entries = (*root)["information"];
    if (!entries || !entries.IsMap()) {
      r.Error(*root, "« information » doit associer à chaque attribut son libellé.");
      return;
    }
    for (const auto& entry : entries) {
      Information info;
      info.rule = entry.first.as<std::string>();
      info.pos = r.Pos(entry.first);
      if (ctx_.situation_rules != nullptr && !ctx_.situation_rules->contains(info.rule)) {
        r.Error(entry.first, "Attribut inconnu « " + info.rule + " » : il doit être une règle du modèle de situation (rules/).");
      }
      if (!r.ExpectMap(entry.second, "information", {"label", "vault", "recorded_since"})) continue;
      info.label = r.ReadText(entry.second, "label", true);
      info.vault = r.StringList(entry.second, "vault");
      const std::string since = r.OptionalString(entry.second, "recorded_since");
      if (!since.empty() && since != "journey_start") {
        r.Error(entry.second["recorded_since"], "« recorded_since » accepte seulement « journey_start ».");
      }
      if (!since.empty() && info.vault.empty()) {
        r.Error(entry.second["recorded_since"], "« recorded_since » s'applique aux attributs du coffre (« vault »).");
      }
      info.since_journey_start = since == "journey_start";
      catalog_->information_.emplace(info.rule, std::move(info));
    }
  }

  void ReadEvents() {
    const fs::path events_dir = dir_ / "events";
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(events_dir, ec)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
    }
    if (ec || files.empty()) {
      diags_->push_back({"events/", 0, 0, "Aucun événement : le dossier events/ doit contenir des fichiers .yaml."});
      return;
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      const std::string display = "events/" + file.filename().string();
      auto root = detail::ParseYamlFile(file, display, diags_);
      if (!root) continue;
      YamlReader r(display, diags_);
      detail::ReadEventResult read = detail::ReadEvent(r, *root, ctx_);
      Event& event = read.event;
      if (event.id.empty()) continue;
      if (catalog_->FindEvent(event.id) != nullptr) {
        r.ErrorAtLine(event.pos.line, "Événement en double « " + event.id + " ».");
        continue;
      }
      event_ids_.push_back(event.id);
      for (std::size_t i = 0; i < event.steps.size(); ++i) {
        step_rules_.push_back({event.steps[i].rule, event.steps[i].title.fr, read.conditions[i]});
      }
      catalog_->events_.push_back(std::move(event));
    }
  }

  void BuildPlanModel() {
    if (!diags_->empty() || ctx_.situation_rules == nullptr) return;
    Result<rules::ModelPtr> model = detail::BuildPlanModel(situation_rules_, event_ids_, step_rules_);
    if (!model.ok()) {
      diags_->push_back({"events/", 0, 0, "Modèle des étapes invalide : " + model.status().message()});
      return;
    }
    catalog_->plan_model_ = *model;
  }

  Result<CatalogPtr> Finish() {
    if (!diags_->empty()) {
      Status status = InvalidArgument("catalog.invalid", "Le catalogue « " + dir_.string() + " » contient " +
                                                             std::to_string(diags_->size()) + " erreur(s).");
      for (const Diagnostic& d : *diags_) {
        std::string where = d.file;
        if (d.line > 0) where += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
        status.WithField(std::move(where), d.message);
      }
      return status;
    }
    return CatalogPtr(std::move(catalog_));
  }

 private:
  std::string KnownAdministrations() const {
    std::string out;
    for (const std::string& id : ctx_.administrations) out += (out.empty() ? "" : ", ") + id;
    return out;
  }

  fs::path dir_;
  std::vector<Diagnostic>* diags_;
  std::shared_ptr<Catalog> catalog_;
  detail::EventContext ctx_;
  Json situation_rules_ = Json::object();
  std::vector<std::string> event_ids_;
  std::vector<detail::StepRule> step_rules_;
};

Result<CatalogPtr> LoadCatalog(const fs::path& dir, std::vector<Diagnostic>* diagnostics) {
  std::vector<Diagnostic> local;
  std::vector<Diagnostic>* diags = diagnostics != nullptr ? diagnostics : &local;
  diags->clear();
  if (!fs::is_directory(dir)) {
    return NotFound("catalog.not_found", "Le dossier de catalogue « " + dir.string() + " » n'existe pas.");
  }
  CatalogBuilder builder(dir, diags);
  builder.ReadAdministrations();
  builder.CheckExchangeOrganisations();
  builder.ReadModels();
  builder.ReadSituationModel();
  builder.ReadInformation();
  builder.ReadEvents();
  builder.BuildPlanModel();
  return builder.Finish();
}

}  // namespace parcours::catalog
