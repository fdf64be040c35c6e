// Declarations and their transactional outbox.
//
// A declaration is one citizen act (e.g. a change of address) fanned out to every service of
// a bundle. For each service, the person's data is read through the vault as that service,
// so the consent gate decides what it may receive (declared AND consented attributes only);
// a service that may receive nothing gets no delivery (state "skipped"). The request, its
// per-recipient deliveries (payload snapshot sealed with the vault's KeyRing) and its event
// are written in ONE transaction: once Submit returns, the declaration is durable and every
// delivery will be attempted by the DeliveryWorker until delivered or dead-lettered.
// Resubmitting with the same idempotency key returns the first declaration unchanged.
//
// Statuses of a delivery as the person and agents see them:
//   transport: pending -> delivered | dead (after max attempts; an admin may replay), skipped
//   agency:    envoyee -> recue -> en_instruction <-> informations_demandees
//              -> acceptee -> payee, or -> refusee (see inbound.h for the allowed moves)
// Thread-safety: an Outbox is shared by all request threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/vault/actor.h"

namespace parcours {
class Clock;
}
namespace parcours::store {
class Database;
class GroupCommitter;
}  // namespace parcours::store
namespace parcours::vault {
class Vault;
class KeyRing;
}  // namespace parcours::vault

namespace parcours::exchange {

struct DeliveryView {
  std::string id;  // also the webhook-id and the idempotency key sent to the agency
  std::string request_id;
  std::string person_id;
  std::string service_id;
  std::string service_name;     // French
  std::string service_name_en;  // English
  const std::string& ServiceName(std::string_view lang) const {
    return lang == "en" && !service_name_en.empty() ? service_name_en : service_name;
  }
  std::string organisation;
  std::string state;  // pending | delivered | dead | skipped
  int attempts = 0;
  std::optional<std::string> last_error;
  int64_t next_attempt_ms = 0;
  std::optional<int64_t> delivered_ms;
  std::string agency_status;  // envoyee | recue | en_instruction | informations_demandees | acceptee | refusee | payee
  std::optional<std::string> agency_message;
  std::optional<std::string> agency_reference;
  std::vector<std::string> attributes;  // names sent (never values)
  int expected_delay_days = 0;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct Declaration {
  std::string id;
  std::string person_id;
  std::string bundle_id;
  std::string channel;
  std::string actor;
  int64_t created_ms = 0;
  bool replayed = false;  // true when an earlier declaration with the same key was returned
  std::vector<DeliveryView> deliveries;
};

struct SubmitInput {
  std::string person_id;
  std::string bundle_id;
  std::string idempotency_key;  // client-chosen, 1-128 printable ASCII; "" = none
  std::string channel = "web";  // web | counter | phone | mail | api
  // The services of the bundle to inform; empty = all. Others get no delivery at all.
  std::vector<std::string> services;
};

class Outbox {
 public:
  // All references must outlive the outbox. With a `committer`, declarations are written
  // through it (group commit: many declarations share one transaction and one fsync);
  // without, each declaration commits on its own.
  Outbox(store::Database& db, vault::Vault& vault, const vault::KeyRing& keys, const Clock& clock,
         std::string callback_base_url, store::GroupCommitter* committer = nullptr);

  // Records a declaration and its deliveries durably (see the file comment).
  Result<Declaration> Submit(const vault::Actor& actor, const SubmitInput& input);

  // One declaration with its deliveries; NotFound when absent.
  Result<Declaration> Get(const std::string& request_id);
  // The person's declarations, newest first.
  Result<std::vector<Declaration>> ListForPerson(const std::string& person_id, int limit = 50);
  // One delivery (a "dossier" for the receiving organisation); NotFound when absent.
  Result<DeliveryView> GetDelivery(const std::string& delivery_id);
  // The work queue of `organisation`: the deliveries its services received (skipped ones
  // excluded), in agency status `agency_status` ("" = every status still open, that is not
  // refusee or payee; "toutes" = all), oldest first, at most `limit`.
  Result<std::vector<DeliveryView>> ListForOrganisation(const std::string& organisation,
                                                        const std::string& agency_status, int limit = 200);
  // Deliveries in `state` ("" = all), newest first (admin console).
  Result<std::vector<DeliveryView>> ListDeliveries(const std::string& state, int limit = 100);
  // Puts a dead-lettered delivery back in the queue with a fresh attempt budget.
  Status Replay(const std::string& delivery_id, const std::string& admin_actor);

 private:
  store::Database& db_;
  vault::Vault& vault_;
  const vault::KeyRing& keys_;
  const Clock& clock_;
  std::string callback_base_url_;
  store::GroupCommitter* committer_;
};

// Key rotation of the deliveries' sealed payloads (as vault::RotateKeys for the vault's
// values, which `parcours vault rotate-key` runs first): re-seals with the active key every
// payload sealed under another one, by batches, so that older keys can leave the key file
// without losing a pending or replayable delivery. Returns how many were re-sealed;
// InvalidArgument vault.unknown_key when a payload's key is missing from `keys`.
Result<int64_t> ResealPayloads(store::Database& db, const vault::KeyRing& keys);

}  // namespace parcours::exchange
