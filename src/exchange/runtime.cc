#include "parcours/exchange/runtime.h"

#include "parcours/base/clock.h"
#include <nlohmann/json.hpp>

#include "parcours/base/log.h"
#include "parcours/exchange/registry.h"
#include "parcours/store/group_commit.h"
#include "parcours/vault/vault.h"

namespace parcours::exchange {

vault::ServicePurpose VaultDeclaration(const ServiceDef& s) {
  return {s.id,          s.purpose,     s.name_fr,          s.organisation, s.purpose_label,
          s.legal_basis, s.attributes,  s.purpose_label_en, s.name_en};
}

Result<std::unique_ptr<Runtime>> Runtime::Start(store::Database& db, vault::Vault& vault, const Clock& clock,
                                                RuntimeOptions options) {
  std::error_code ec;
  if (std::filesystem::exists(options.registry_file, ec)) {
    ASSIGN_OR_RETURN(RegistryFile file, LoadRegistryFile(options.registry_file, options.agency_sim_url));
    RETURN_IF_ERROR(SyncRegistry(db, file, clock.NowMillis()));
    for (const auto& s : file.services) {
      RETURN_IF_ERROR(vault.RegisterService(vault::Actor::Platform("exchange"), VaultDeclaration(s)));
    }
    log::Info("exchange registry loaded", {{"services", file.services.size()}, {"bundles", file.bundles.size()}});
  }
  std::unique_ptr<Runtime> rt(new Runtime());
  rt->committer_ = std::make_unique<store::GroupCommitter>(db);
  rt->outbox_ = std::make_unique<Outbox>(db, vault, vault.keys(), clock, options.callback_base_url,
                                         rt->committer_.get());
  rt->worker_ = std::make_unique<DeliveryWorker>(db, vault.keys(), clock, options.delivery);
  if (options.run_worker) rt->worker_->Start();
  return rt;
}

Runtime::~Runtime() {
  if (worker_) worker_->Stop();
}

}  // namespace parcours::exchange
