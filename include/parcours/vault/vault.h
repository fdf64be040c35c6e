// The once-only data vault ("Dites-le nous une fois"): people, households, attributes with
// provenance and history, consents, prefill, export and erasure.
//
// Every read of personal data goes through one gate (AccessPolicy, src/vault/gate.cc):
//   - the person themself reads everything, unlogged;
//   - an aidant (usager acting on_behalf_of) or an agent serving the person (on_behalf_of) reads
//     what they ask for, logged with the purpose and legal basis "mandat" / "mission de service
//     public";
//   - a service receives only the attributes it declared for the purpose AND the person
//     consented to for that service and purpose (active consent); no consent: nothing, and the
//     refused attempt is logged;
//   - the platform reads for a stated purpose, logged.
// Every change of state appends a store event in the same transaction; reads by others than
// the person append an access-log entry in the same transaction as the read.
// Sensitive values are sealed with the KeyRing before they reach the database and never
// appear in events, access-log entries or logs (names only).
// Thread-safety: a Vault is shared by all request threads (it holds no mutable state).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/vault/access_log.h"
#include "parcours/vault/actor.h"
#include "parcours/vault/attributes.h"
#include "parcours/vault/crypto.h"

namespace parcours {
class Clock;
}
namespace parcours::store {
class Database;
class Transaction;
}

namespace parcours::vault {

// What a service declares it needs for one purpose, on which legal basis.
struct ServicePurpose {
  std::string service_id;     // "caf.paje"
  std::string purpose;        // "instruction-paje"
  std::string service_name;   // "Prestation d'accueil du jeune enfant"
  std::string agency;         // "CAF"
  std::string purpose_label;  // "Instruire votre demande de PAJE"
  std::string legal_basis;    // "Code de la sécurité sociale, art. L531-1"
  std::vector<std::string> attributes;
  std::string purpose_label_en;  // "Process your PAJE claim" ("" if none: pages show the French)
  std::string service_name_en;   // "Early childhood benefit" ("" if none)
};

struct Consent {
  std::string id;
  std::string person_id;
  std::string service_id;
  std::string purpose;
  std::vector<std::string> attributes;
  std::string channel;     // "web", "counter", "phone", "api"
  std::string granted_by;  // actor string
  int64_t granted_at_ms = 0;
  std::optional<int64_t> expires_at_ms;
  std::optional<int64_t> revoked_at_ms;
  bool active = false;     // not revoked and not expired, at read time
};

struct ConsentGrant {
  std::string service_id;
  std::string purpose;
  // Attributes shared; empty = every attribute the service declared for the purpose. Must be a
  // subset of the declaration (vault.consent_not_declared otherwise).
  std::vector<std::string> attributes;
  std::optional<int64_t> expires_at_ms;
  std::string channel = "web";
};

enum class MemberRole { kDemandeur, kConjoint, kEnfant, kAutre };
std::string_view MemberRoleName(MemberRole role);  // "demandeur", "conjoint", "enfant", "autre"
Result<MemberRole> ParseMemberRole(std::string_view text);

struct Member {
  std::string person_id;
  MemberRole role = MemberRole::kAutre;
  std::string first_name;
  std::optional<std::string> birth_date;  // "YYYY-MM-DD"
};
struct Household {
  std::string id;
  std::string label;
  std::vector<Member> members;
};
struct NewMember {
  std::optional<std::string> person_id;  // empty: a new person is created (a child...)
  MemberRole role = MemberRole::kAutre;
  std::string first_name;
  std::string birth_date;  // "" when unknown; validated, not in the future
};

// Why a caller reads: the purpose shown to the person, and the channel.
struct Purpose {
  std::string code;             // stable: "journey.devenir-parent", "instruction-paje"
  std::string label;            // for people: "Calcul de votre parcours « devenir parent »"
  std::string channel = "web";
};

// Name -> Publicodes literal ("'Bordeaux'", "2400 €/mois", "oui", "12/03/2026").
using Situation = std::map<std::string, std::string>;

struct PrefillField {
  std::string name;
  std::string value;          // canonical
  std::string display;        // for people
  Provenance provenance;
  Verification verification = Verification::kUnverified;
  int64_t collected_at_ms = 0;
};
struct PrefillResult {
  std::vector<PrefillField> known;   // in the order asked
  std::vector<std::string> missing;  // to ask the person, in the order asked
};

struct FormSubmission {
  std::string form_id;                       // "devenir-parent/paje"
  Purpose purpose;
  std::map<std::string, std::string> fields; // every field of the form as submitted
  std::vector<std::string> prefilled;        // names that were shown prefilled from the vault
  Provenance provenance;                     // of values typed in the form
};
struct SubmissionResult {
  int asked = 0;      // fields the person had to fill in (not prefilled)
  int prefilled = 0;  // fields shown prefilled
  int reasked = 0;    // asked although the vault already held a current value (DLNUF)
  int corrected = 0;  // prefilled values the person changed
  std::vector<std::string> written;  // attributes whose value changed
};

struct ErasureReport {
  std::vector<std::string> erased;  // attribute names erased
  std::vector<std::string> kept;    // what is kept, with the reason, in French
};

class Vault {
 public:
  virtual ~Vault() = default;

  // People and households.
  virtual Result<std::string> CreatePerson(const Actor& actor,
                                           std::optional<std::string> person_id = {}) = 0;
  virtual Status EnsurePerson(const Actor& actor, const std::string& person_id) = 0;
  virtual Result<std::string> CreateHousehold(const Actor& actor, const std::string& person_id,
                                              const std::string& label, MemberRole role) = 0;
  virtual Result<std::string> AddMember(const Actor& actor, const std::string& person_id,
                                        const NewMember& member) = 0;  // returns member's person id
  virtual Status RemoveMember(const Actor& actor, const std::string& person_id,
                              const std::string& member_person_id) = 0;
  virtual Result<std::optional<Household>> GetHousehold(const Actor& actor, const std::string& person_id,
                                                        const Purpose& purpose) = 0;

  // Records identity claims of a FranceConnect login inside the login's own transaction, as
  // verified values with provenance FranceConnect: family_name, given_name,
  // preferred_username, birthdate, gender, birthplace, email, phone_number. Creates the person
  // when `person_id` is empty; returns the person id. A claim that fails validation is skipped
  // (its name is logged), never the login.
  virtual Result<std::string> ImportIdentity(store::Transaction& tx, const std::string& person_id,
                                             const nlohmann::json& claims) = 0;

  // Attributes. A batch is validated as a whole; a rejected batch changes nothing.
  virtual Status Write(const Actor& actor, const std::string& person_id,
                       const std::vector<AttributeWrite>& writes, const Purpose& purpose) = 0;
  // Reads `names` (empty = all the gate allows) for `purpose`.
  virtual Result<std::vector<AttributeRecord>> Read(const Actor& actor, const std::string& person_id,
                                                    const std::vector<std::string>& names,
                                                    const Purpose& purpose) = 0;
  // The same read inside the caller's transaction (the access-log entry commits or rolls back
  // with it): the exchange reads a declaration's data as each service in the transaction that
  // records the declaration.
  virtual Result<std::vector<AttributeRecord>> ReadInTransaction(store::Transaction& tx, const Actor& actor,
                                                                 const std::string& person_id,
                                                                 const std::vector<std::string>& names,
                                                                 const Purpose& purpose) = 0;
  // Every version of `name`, newest first. Errors: vault.unknown_attribute (NotFound) for a name
  // the registry does not hold.
  virtual Result<std::vector<AttributeRecord>> History(const Actor& actor, const std::string& person_id,
                                                       const std::string& name) = 0;
  virtual Status Delete(const Actor& actor, const std::string& person_id, const std::string& name) = 0;

  // The person's situation for the rules engine (household counts included), through the gate.
  virtual Result<Situation> SituationFor(const Actor& actor, const std::string& person_id,
                                         const Purpose& purpose) = 0;
  // Which of `needed` the vault knows (with provenance) and which are missing.
  virtual Result<PrefillResult> Prefill(const Actor& actor, const std::string& person_id,
                                        const std::vector<std::string>& needed,
                                        const Purpose& purpose) = 0;
  // Stores the submitted values (corrections update the vault with their provenance) and
  // records the DLNUF counters as an event, in one transaction.
  virtual Result<SubmissionResult> Submit(const Actor& actor, const std::string& person_id,
                                          const FormSubmission& submission) = 0;

  // Services and consent.
  virtual Status RegisterService(const Actor& actor, const ServicePurpose& declaration) = 0;
  virtual Result<std::vector<ServicePurpose>> ListServices() = 0;
  virtual Result<std::string> GrantConsent(const Actor& actor, const std::string& person_id,
                                           const ConsentGrant& grant) = 0;
  virtual Status RevokeConsent(const Actor& actor, const std::string& person_id,
                               const std::string& consent_id) = 0;
  virtual Result<std::vector<Consent>> ListConsents(const Actor& actor, const std::string& person_id) = 0;

  // Transparency, portability, erasure (the person, or an aidant acting for them).
  virtual Result<std::vector<AccessEntry>> AccessLog(const Actor& actor, const std::string& person_id,
                                                     int limit) = 0;
  virtual Result<nlohmann::json> Export(const Actor& actor, const std::string& person_id) = 0;
  virtual Result<ErasureReport> Erase(const Actor& actor, const std::string& person_id) = 0;

  const AttributeRegistry& registry() const { return *registry_; }
  // The keys sealing values at rest; other modules seal their own sensitive payloads with
  // them (the exchange's outbox), so that one key file and one rotation cover everything.
  virtual const KeyRing& keys() const = 0;

 protected:
  explicit Vault(std::shared_ptr<const AttributeRegistry> registry) : registry_(std::move(registry)) {}
  std::shared_ptr<const AttributeRegistry> registry_;
};

// True when `person_id` is a person of the vault, not erased: for the modules that accept data
// about a person from outside (an agency's signal), checked in their own transaction.
Result<bool> IsLivePerson(store::Transaction& tx, const std::string& person_id);

// `db` and `clock` must outlive the vault; the vault keeps its own copy of `keys`.
std::unique_ptr<Vault> NewVault(store::Database& db, const Clock& clock, KeyRing keys,
                                std::shared_ptr<const AttributeRegistry> registry);

// Start-up helper for `parcours serve`: keys from the environment (crypto.h), else from
// `fallback_key_file`, created with a fresh key (mode 0600) when it does not exist yet — the
// embedded single-node set-up. The registry defaults to AttributeRegistry::Default().
Result<std::unique_ptr<Vault>> OpenVault(store::Database& db, const Clock& clock,
                                         const std::string& fallback_key_file,
                                         std::shared_ptr<const AttributeRegistry> registry = nullptr);

}  // namespace parcours::vault
