// The Vault implementation, split by concern over vault_*.cc files. Private to src/vault.
#pragma once

#include <nlohmann/json.hpp>
#include <set>

#include "gate.h"
#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/store/events.h"
#include "parcours/store/store.h"
#include "parcours/vault/vault.h"

namespace parcours::vault::detail {

// A value row decoded (and decrypted) from vault_attributes or vault_attribute_history.
Result<AttributeRecord> DecodeAttribute(const store::Row& row, const std::string& person_id,
                                        const AttributeRegistry& registry, const KeyRing& keys);
// The sealing context binding a ciphertext to its person and attribute.
std::string SealContext(const std::string& person_id, const std::string& name);
// "YYYY-MM-DD" of a millisecond instant (UTC).
std::string DateOf(int64_t ms);

class VaultImpl final : public Vault {
 public:
  VaultImpl(store::Database& db, const Clock& clock, KeyRing keys, std::shared_ptr<const AttributeRegistry> registry)
      : Vault(std::move(registry)), db_(db), clock_(clock), keys_(std::move(keys)) {}

  Result<std::string> CreatePerson(const Actor& actor, std::optional<std::string> person_id) override;
  Status EnsurePerson(const Actor& actor, const std::string& person_id) override;
  Result<std::string> CreateHousehold(const Actor& actor, const std::string& person_id, const std::string& label,
                                      MemberRole role) override;
  Result<std::string> AddMember(const Actor& actor, const std::string& person_id, const NewMember& member) override;
  Status RemoveMember(const Actor& actor, const std::string& person_id, const std::string& member_person_id) override;
  Result<std::optional<Household>> GetHousehold(const Actor& actor, const std::string& person_id,
                                                const Purpose& purpose) override;

  Result<std::string> ImportIdentity(store::Transaction& tx, const std::string& person_id,
                                     const nlohmann::json& claims) override;
  Status Write(const Actor& actor, const std::string& person_id, const std::vector<AttributeWrite>& writes,
               const Purpose& purpose) override;
  Result<std::vector<AttributeRecord>> Read(const Actor& actor, const std::string& person_id,
                                            const std::vector<std::string>& names, const Purpose& purpose) override;
  const KeyRing& keys() const override { return keys_; }
  Result<std::vector<AttributeRecord>> ReadInTransaction(store::Transaction& tx, const Actor& actor,
                                                         const std::string& person_id,
                                                         const std::vector<std::string>& names,
                                                         const Purpose& purpose) override;
  Result<std::vector<AttributeRecord>> History(const Actor& actor, const std::string& person_id,
                                               const std::string& name) override;
  Status Delete(const Actor& actor, const std::string& person_id, const std::string& name) override;

  Result<Situation> SituationFor(const Actor& actor, const std::string& person_id, const Purpose& purpose) override;
  Result<PrefillResult> Prefill(const Actor& actor, const std::string& person_id,
                                const std::vector<std::string>& needed, const Purpose& purpose) override;
  Result<SubmissionResult> Submit(const Actor& actor, const std::string& person_id,
                                  const FormSubmission& submission) override;

  Status RegisterService(const Actor& actor, const ServicePurpose& declaration) override;
  Result<std::vector<ServicePurpose>> ListServices() override;
  Result<std::string> GrantConsent(const Actor& actor, const std::string& person_id,
                                   const ConsentGrant& grant) override;
  Status RevokeConsent(const Actor& actor, const std::string& person_id, const std::string& consent_id) override;
  Result<std::vector<Consent>> ListConsents(const Actor& actor, const std::string& person_id) override;

  Result<std::vector<AccessEntry>> AccessLog(const Actor& actor, const std::string& person_id, int limit) override;
  Result<nlohmann::json> Export(const Actor& actor, const std::string& person_id) override;
  Result<ErasureReport> Erase(const Actor& actor, const std::string& person_id) override;

 private:
  int64_t Now() const { return clock_.NowMillis(); }
  // NotFound for an unknown person, Conflict for an erased one.
  Status RequireLivePerson(store::Transaction& tx, const std::string& person_id) const;
  // Appends a "fr.parcours.vault.<what>" event in `tx`.
  Status Emit(store::Transaction& tx, const std::string& what, const std::string& person_id, const Actor& actor,
              const std::string& channel, nlohmann::json data) const;
  // Appends an access-log entry when the decision asks for it (allowed and denied parts).
  Status LogAccess(store::Transaction& tx, const Decision& d, const Actor& actor, const std::string& person_id,
                   AccessAction action, const Purpose& purpose) const;
  // Current values of `names` (all when empty), decrypted.
  Result<std::vector<AttributeRecord>> LoadCurrent(store::Transaction& tx, const std::string& person_id,
                                                   const std::vector<std::string>& names) const;
  Result<std::vector<std::string>> StoredNames(store::Transaction& tx, const std::string& person_id) const;
  // Write's body inside `tx`: gate, validation, storage, access log, event.
  Status WriteIn(store::Transaction& tx, const Actor& actor, const std::string& person_id,
                 const std::vector<AttributeWrite>& writes, const Purpose& purpose) const;
  // Validates and applies a batch inside `tx` (no gate, no event); returns the names changed.
  Result<std::vector<std::string>> ApplyWrites(store::Transaction& tx, const Actor& actor,
                                               const std::string& person_id,
                                               const std::vector<AttributeWrite>& writes) const;
  Status StoreValue(store::Transaction& tx, const std::string& person_id, const AttributeDef& def,
                    const std::string& canonical, const AttributeWrite& w, const AttributeRecord* previous,
                    const Actor& actor) const;
  Status MoveToHistory(store::Transaction& tx, const std::string& person_id, const std::string& name,
                       const Actor& actor) const;
  Result<std::optional<Household>> LoadHousehold(store::Transaction& tx, const std::string& person_id) const;
  Result<std::vector<Consent>> LoadConsents(store::Transaction& tx, const std::string& person_id) const;
  // Read path shared by Read, SituationFor and Prefill: gate, load, log.
  Result<std::vector<AttributeRecord>> GatedRead(store::Transaction& tx, const Actor& actor,
                                                 const std::string& person_id, std::vector<std::string> names,
                                                 const Purpose& purpose, Decision* decision) const;

  store::Database& db_;
  const Clock& clock_;
  const KeyRing keys_;
};

}  // namespace parcours::vault::detail
