#include "parcours/exchange/registry.h"

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "parcours/exchange/webhook.h"
#include "parcours/store/store.h"

namespace parcours::exchange {
namespace {

Status BadRegistry(const std::filesystem::path& path, const YAML::Node& node, const std::string& what) {
  const int line = node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
  return InvalidArgument("exchange.bad_registry",
                         path.filename().string() + ":" + std::to_string(line) + ": " + what);
}

Result<std::string> Scalar(const std::filesystem::path& path, const YAML::Node& parent, const char* key,
                           bool required) {
  const YAML::Node n = parent[key];
  if (!n) {
    if (required) return BadRegistry(path, parent, std::string("champ « ") + key + " » manquant");
    return std::string();
  }
  if (!n.IsScalar()) return BadRegistry(path, n, std::string("« ") + key + " » doit être un texte");
  return n.as<std::string>();
}

Result<std::vector<std::string>> StringList(const std::filesystem::path& path, const YAML::Node& parent,
                                            const char* key) {
  const YAML::Node n = parent[key];
  if (!n || !n.IsSequence()) return BadRegistry(path, parent, std::string("« ") + key + " » doit être une liste");
  std::vector<std::string> out;
  for (const auto& item : n) {
    if (!item.IsScalar()) return BadRegistry(path, item, std::string("« ") + key + " » : élément invalide");
    out.push_back(item.as<std::string>());
  }
  return out;
}

Status ParseText(const std::filesystem::path& path, const YAML::Node& parent, const char* key, std::string* fr,
                 std::string* en) {
  const YAML::Node n = parent[key];
  if (!n || !n.IsMap() || !n["fr"] || !n["en"]) {
    return BadRegistry(path, n ? n : parent, std::string("« ") + key + " » doit avoir un texte fr et en");
  }
  *fr = n["fr"].as<std::string>();
  *en = n["en"].as<std::string>();
  return Status::Ok();
}

ServiceDef ServiceFromRow(const store::Row& row) {
  ServiceDef s;
  s.id = row.Text("id");
  s.organisation = row.Text("organisation");
  s.name_fr = row.Text("name_fr");
  s.name_en = row.Text("name_en");
  s.endpoint = row.Text("endpoint");
  s.purpose = row.Text("purpose");
  s.purpose_label = row.Text("purpose_label");
  s.purpose_label_en = row.Text("purpose_label_en");
  s.legal_basis = row.Text("legal_basis");
  s.attributes = nlohmann::json::parse(row.Text("attributes")).get<std::vector<std::string>>();
  s.expected_delay_days = static_cast<int>(row.Int("expected_delay_days"));
  s.active = row.Bool("active");
  s.secret = row.Text("secret");
  return s;
}

BundleDef BundleFromRow(const store::Row& row) {
  BundleDef b;
  b.id = row.Text("id");
  b.title_fr = row.Text("title_fr");
  b.title_en = row.Text("title_en");
  b.services = nlohmann::json::parse(row.Text("services")).get<std::vector<std::string>>();
  return b;
}

constexpr const char* kServiceColumns =
    "id, organisation, name_fr, name_en, endpoint, purpose, purpose_label, purpose_label_en, legal_basis, "
    "attributes, expected_delay_days, active, secret";

}  // namespace

Status ValidateService(const ServiceDef& s) {
  static const std::regex kId("^[a-z0-9][a-z0-9._-]{1,63}$");
  if (!std::regex_match(s.id, kId)) {
    return InvalidArgument("exchange.bad_service_id",
                           "L'identifiant de service doit faire 2 à 64 caractères a-z, 0-9, « . », « _ » ou « - ».");
  }
  if (s.organisation.empty() || s.name_fr.empty()) {
    return InvalidArgument("exchange.bad_service", "Le service doit avoir une organisation et un nom.");
  }
  if (s.endpoint.rfind("https://", 0) != 0 && s.endpoint.rfind("http://", 0) != 0) {
    return InvalidArgument("exchange.bad_endpoint", "L'adresse de réception du service doit être une URL http(s).");
  }
  if (s.attributes.empty() || s.purpose.empty() || s.legal_basis.empty()) {
    return InvalidArgument("exchange.bad_service",
                           "Le service doit déclarer les données dont il a besoin, sa finalité et sa base légale.");
  }
  if (s.expected_delay_days < 0 || s.expected_delay_days > 365) {
    return InvalidArgument("exchange.bad_service", "Le délai attendu doit être compris entre 0 et 365 jours.");
  }
  return Status::Ok();
}

Result<RegistryFile> LoadRegistryFile(const std::filesystem::path& path, const std::string& agency_sim_url) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path.string());
  } catch (const YAML::Exception& e) {
    return InvalidArgument("exchange.bad_registry",
                           path.filename().string() + ":" + std::to_string(e.mark.line + 1) + ": YAML invalide");
  }
  RegistryFile file;
  if (!root["services"] || !root["services"].IsMap()) {
    return BadRegistry(path, root, "la clé « services » (un dictionnaire) est requise");
  }
  for (const auto& entry : root["services"]) {
    const YAML::Node n = entry.second;
    ServiceDef s;
    s.id = entry.first.as<std::string>();
    if (!n.IsMap()) return BadRegistry(path, n, "le service « " + s.id + " » doit être un dictionnaire");
    ASSIGN_OR_RETURN(s.organisation, Scalar(path, n, "organisation", true));
    RETURN_IF_ERROR(ParseText(path, n, "name", &s.name_fr, &s.name_en));
    ASSIGN_OR_RETURN(s.endpoint, Scalar(path, n, "endpoint", true));
    if (auto pos = s.endpoint.find("{agency_sim}"); pos != std::string::npos) {
      s.endpoint.replace(pos, 12, agency_sim_url);
    }
    ASSIGN_OR_RETURN(s.purpose, Scalar(path, n, "purpose", true));
    if (n["purpose_label"].IsMap()) {  // {fr, en}, or the French text alone
      RETURN_IF_ERROR(ParseText(path, n, "purpose_label", &s.purpose_label, &s.purpose_label_en));
    } else {
      ASSIGN_OR_RETURN(s.purpose_label, Scalar(path, n, "purpose_label", true));
    }
    ASSIGN_OR_RETURN(s.legal_basis, Scalar(path, n, "legal_basis", true));
    ASSIGN_OR_RETURN(s.attributes, StringList(path, n, "attributes"));
    ASSIGN_OR_RETURN(std::string delay, Scalar(path, n, "expected_delay_days", false));
    s.expected_delay_days = delay.empty() ? 0 : std::atoi(delay.c_str());
    if (Status st = ValidateService(s); !st.ok()) return BadRegistry(path, n, st.message());
    file.services.push_back(std::move(s));
  }
  if (root["bundles"]) {
    for (const auto& entry : root["bundles"]) {
      BundleDef b;
      b.id = entry.first.as<std::string>();
      RETURN_IF_ERROR(ParseText(path, entry.second, "title", &b.title_fr, &b.title_en));
      ASSIGN_OR_RETURN(b.services, StringList(path, entry.second, "services"));
      for (const auto& sid : b.services) {
        bool known = false;
        for (const auto& s : file.services) known = known || s.id == sid;
        if (!known) return BadRegistry(path, entry.second, "service inconnu « " + sid + " » dans « " + b.id + " »");
      }
      file.bundles.push_back(std::move(b));
    }
  }
  return file;
}

Status UpsertService(store::Transaction& tx, ServiceDef def, int64_t now_ms) {
  RETURN_IF_ERROR(ValidateService(def));
  auto existing = tx.Query("SELECT secret FROM exchange_services WHERE id = $1", {def.id});
  if (!existing.ok()) return existing.status();
  if (def.secret.empty()) {
    def.secret = existing->empty() ? NewWebhookSecret() : existing->front().Text(0);
  }
  const std::string attributes = nlohmann::json(def.attributes).dump();
  return tx
      .Execute(
          "INSERT INTO exchange_services (id, organisation, name_fr, name_en, endpoint, purpose, purpose_label, "
          "legal_basis, attributes, expected_delay_days, active, secret, updated_ms, purpose_label_en) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
          "ON CONFLICT (id) DO UPDATE SET organisation = excluded.organisation, name_fr = excluded.name_fr, "
          "name_en = excluded.name_en, endpoint = excluded.endpoint, purpose = excluded.purpose, "
          "purpose_label = excluded.purpose_label, legal_basis = excluded.legal_basis, "
          "attributes = excluded.attributes, expected_delay_days = excluded.expected_delay_days, "
          "active = excluded.active, secret = excluded.secret, updated_ms = excluded.updated_ms, "
          "purpose_label_en = excluded.purpose_label_en",
          {def.id, def.organisation, def.name_fr, def.name_en, def.endpoint, def.purpose, def.purpose_label,
           def.legal_basis, attributes, int64_t{def.expected_delay_days}, int64_t{def.active ? 1 : 0}, def.secret,
           now_ms, def.purpose_label_en})
      .status();
}

Status UpsertBundle(store::Transaction& tx, const BundleDef& b) {
  if (b.services.empty()) {
    return InvalidArgument("exchange.bad_bundle", "Un regroupement doit viser au moins un service.");
  }
  for (const auto& sid : b.services) RETURN_IF_ERROR(GetService(tx, sid));
  return tx
      .Execute(
          "INSERT INTO exchange_bundles (id, title_fr, title_en, services) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (id) DO UPDATE SET title_fr = excluded.title_fr, title_en = excluded.title_en, "
          "services = excluded.services",
          {b.id, b.title_fr, b.title_en, nlohmann::json(b.services).dump()})
      .status();
}

Status SyncRegistry(store::Database& db, const RegistryFile& file, int64_t now_ms) {
  return db.InTransaction([&](store::Transaction& tx) -> Status {
    for (const auto& s : file.services) RETURN_IF_ERROR(UpsertService(tx, s, now_ms));
    for (const auto& b : file.bundles) RETURN_IF_ERROR(UpsertBundle(tx, b));
    return Status::Ok();
  });
}

Result<ServiceDef> GetService(store::Transaction& tx, const std::string& id) {
  ASSIGN_OR_RETURN(store::Row row, tx.QueryOne(std::string("SELECT ") + kServiceColumns +
                                                   " FROM exchange_services WHERE id = $1",
                                               {id}, "exchange.unknown_service", "Service inconnu."));
  return ServiceFromRow(row);
}

Result<std::vector<ServiceDef>> ListServices(store::Transaction& tx) {
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx.Query(std::string("SELECT ") + kServiceColumns + " FROM exchange_services ORDER BY id"));
  std::vector<ServiceDef> out;
  for (const auto& r : rows) out.push_back(ServiceFromRow(r));
  return out;
}

Result<BundleDef> GetBundle(store::Transaction& tx, const std::string& id) {
  ASSIGN_OR_RETURN(store::Row row,
                   tx.QueryOne("SELECT id, title_fr, title_en, services FROM exchange_bundles WHERE id = $1", {id},
                               "exchange.unknown_bundle", "Démarche groupée inconnue."));
  return BundleFromRow(row);
}

Result<std::vector<BundleDef>> ListBundles(store::Transaction& tx) {
  ASSIGN_OR_RETURN(store::Rows rows, tx.Query("SELECT id, title_fr, title_en, services FROM exchange_bundles ORDER BY id"));
  std::vector<BundleDef> out;
  for (const auto& r : rows) out.push_back(BundleFromRow(r));
  return out;
}

}  // namespace parcours::exchange
