// The exchange as a server node runs it: the registry synchronised from the catalogue and
// declared to the vault (each service's purpose and attributes, so that the consent gate
// knows them), declarations written through group commit, and the delivery worker.
// Thread-safety: Start before serving; outbox() and worker() are then shared by all threads;
// destroying the runtime stops the worker after its in-flight deliveries.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "parcours/base/status.h"
#include "parcours/exchange/delivery.h"
#include "parcours/exchange/outbox.h"
#include "parcours/exchange/registry.h"
#include "parcours/vault/vault.h"

namespace parcours::exchange {

// What `service` declares to the vault's consent gate: its name and purpose (in French and
// English), its organisation, its legal basis and the attributes it needs.
vault::ServicePurpose VaultDeclaration(const ServiceDef& service);

struct RuntimeOptions {
  std::filesystem::path registry_file;  // <catalog>/exchange.yaml; absent file = no services
  std::string agency_sim_url;           // replaces {agency_sim} in endpoints
  std::string callback_base_url;        // public URL of this deployment (status_url)
  DeliveryOptions delivery;
  bool run_worker = true;
};

class Runtime {
 public:
  // `db`, `vault` and `clock` must outlive the runtime.
  static Result<std::unique_ptr<Runtime>> Start(store::Database& db, vault::Vault& vault, const Clock& clock,
                                                RuntimeOptions options);
  ~Runtime();

  Outbox& outbox() { return *outbox_; }
  DeliveryWorker& worker() { return *worker_; }

 private:
  Runtime() = default;
  std::unique_ptr<store::GroupCommitter> committer_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<DeliveryWorker> worker_;
};

}  // namespace parcours::exchange
