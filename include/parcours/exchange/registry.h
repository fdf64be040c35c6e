// The service registry: organisations' services that receive declarations (endpoint, the
// attributes each needs and why, legal basis, expected delay) and bundles (one citizen
// declaration fanned out to several services).
//
// Declared in the catalogue (`<catalog>/exchange.yaml`, synchronised into the database at
// start-up, keeping each service's webhook secret) or through the admin API. The database is
// the source of truth at run time, so every server node sees the same registry.
// Thread-safety: free functions over a shared Database.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "parcours/base/status.h"

namespace parcours::store {
class Database;
class Transaction;
}  // namespace parcours::store

namespace parcours::exchange {

struct ServiceDef {
  std::string id;            // "caf.adresse"
  std::string organisation;  // "caf" (an administration of the catalogue)
  std::string name_fr, name_en;
  std::string endpoint;      // https URL receiving the webhooks
  std::string purpose;       // purpose code for consent and the access log
  std::string purpose_label; // "Mettre à jour votre adresse pour vos prestations"
  std::string purpose_label_en;  // "Update your address for your family benefits" ("" if none)
  std::string legal_basis;   // "Code de la sécurité sociale, art. R. 114-10"
  std::vector<std::string> attributes;  // vault attribute names the service needs
  int expected_delay_days = 0;
  bool active = true;
  std::string secret;        // "whsec_..." (never logged; generated when empty)
};

struct BundleDef {
  std::string id;  // "changement-adresse"
  std::string title_fr, title_en;
  std::vector<std::string> services;
};

struct RegistryFile {
  std::vector<ServiceDef> services;
  std::vector<BundleDef> bundles;
};

// Parses `exchange.yaml`. `{agency_sim}` in an endpoint is replaced by `agency_sim_url`.
// Errors name the file and line (exchange.bad_registry).
Result<RegistryFile> LoadRegistryFile(const std::filesystem::path& path, const std::string& agency_sim_url);

// Validates a definition (id syntax, http(s) endpoint, at least one attribute, purpose).
Status ValidateService(const ServiceDef& service);

// Inserts or updates services and bundles. An existing secret is kept unless `def.secret`
// is set; a new service without secret gets a fresh one.
Status UpsertService(store::Transaction& tx, ServiceDef def, int64_t now_ms);
Status UpsertBundle(store::Transaction& tx, const BundleDef& bundle);
Status SyncRegistry(store::Database& db, const RegistryFile& file, int64_t now_ms);

Result<ServiceDef> GetService(store::Transaction& tx, const std::string& id);
Result<std::vector<ServiceDef>> ListServices(store::Transaction& tx);
Result<BundleDef> GetBundle(store::Transaction& tx, const std::string& id);
Result<std::vector<BundleDef>> ListBundles(store::Transaction& tx);

}  // namespace parcours::exchange
