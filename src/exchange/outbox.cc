#include "parcours/exchange/outbox.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "delivery_rows.h"
#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/exchange/registry.h"
#include "parcours/store/events.h"
#include "parcours/store/group_commit.h"
#include "parcours/store/store.h"
#include "parcours/vault/crypto.h"
#include "parcours/vault/vault.h"

namespace parcours::exchange {
namespace {

Status ValidateInput(const SubmitInput& in) {
  if (in.person_id.empty()) return InvalidArgument("exchange.no_person", "La personne concernée est requise.");
  if (in.idempotency_key.size() > 128) {
    return InvalidArgument("exchange.bad_idempotency_key", "La clé d'idempotence dépasse 128 caractères.");
  }
  for (unsigned char c : in.idempotency_key) {
    if (c < 0x21 || c > 0x7e) {
      return InvalidArgument("exchange.bad_idempotency_key",
                             "La clé d'idempotence ne doit contenir que des caractères ASCII visibles.");
    }
  }
  static const char* kChannels[] = {"web", "counter", "phone", "mail", "api"};
  for (const char* c : kChannels) {
    if (in.channel == c) return Status::Ok();
  }
  return InvalidArgument("exchange.bad_channel", "Canal inconnu : web, counter, phone, mail ou api.");
}



}  // namespace

Outbox::Outbox(store::Database& db, vault::Vault& vault, const vault::KeyRing& keys, const Clock& clock,
               std::string callback_base_url, store::GroupCommitter* committer)
    : db_(db),
      vault_(vault),
      keys_(keys),
      clock_(clock),
      callback_base_url_(std::move(callback_base_url)),
      committer_(committer) {}

Result<Declaration> Outbox::Submit(const vault::Actor& actor, const SubmitInput& input) {
  RETURN_IF_ERROR(ValidateInput(input));
  const std::string key = input.idempotency_key;
  auto existing_id = [&](store::Transaction& tx) -> Result<std::optional<std::string>> {
    if (key.empty()) return std::optional<std::string>();
    ASSIGN_OR_RETURN(store::Rows rows, tx.Query("SELECT id FROM exchange_requests WHERE person_id = $1 AND "
                                                "idempotency_key = $2",
                                                {input.person_id, key}));
    if (rows.empty()) return std::optional<std::string>();
    return std::optional<std::string>(rows.front().Text(0));
  };
  auto replay = [&](const std::string& id) -> Result<Declaration> {
    ASSIGN_OR_RETURN(Declaration d, Get(id));
    d.replayed = true;
    return d;
  };

  // A replay of an acknowledged declaration returns it unchanged, before reading anything.
  {
    ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
    ASSIGN_OR_RETURN(std::optional<std::string> id, existing_id(*tx));
    if (id) {
      tx.reset();
      return replay(*id);
    }
  }

  Declaration decl;
  decl.id = NewId(&clock_);
  decl.person_id = input.person_id;
  decl.bundle_id = input.bundle_id;
  decl.channel = input.channel;
  decl.actor = actor.ToString();
  std::optional<std::string> raced;  // set when a concurrent submission with the same key won

  // Everything happens in one transaction: each service's gated read of the person's data
  // (and its access-log entry), the request, its deliveries and the event.
  auto write = [&](store::Transaction& tx) -> Status {
    raced.reset();
    ASSIGN_OR_RETURN(raced, existing_id(tx));
    if (raced) return Status::Ok();
    const int64_t now = clock_.NowMillis();
    decl.created_ms = now;
    ASSIGN_OR_RETURN(BundleDef bundle, GetBundle(tx, input.bundle_id));
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO exchange_requests (id, person_id, bundle_id, idempotency_key, actor, channel, created_ms) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {decl.id, decl.person_id, decl.bundle_id, key.empty() ? store::Value() : store::Value(key), decl.actor,
         decl.channel, now}));
    nlohmann::json summary = nlohmann::json::array();
    for (const auto& sid : input.services) {
      if (std::find(bundle.services.begin(), bundle.services.end(), sid) == bundle.services.end()) {
        return InvalidArgument("exchange.service_not_in_bundle",
                               "Le service « " + sid + " » ne fait pas partie de cette démarche groupée.")
            .WithField("services", "Service inconnu pour cette démarche.");
      }
    }
    for (const auto& sid : bundle.services) {
      if (!input.services.empty() &&
          std::find(input.services.begin(), input.services.end(), sid) == input.services.end()) {
        continue;  // the person chose not to inform this agency
      }
      ASSIGN_OR_RETURN(ServiceDef service, GetService(tx, sid));
      if (!service.active) continue;
      // Data minimisation happens in the vault: the service reads as itself, for its purpose.
      nlohmann::json attributes = nlohmann::json::object();
      auto records = vault_.ReadInTransaction(tx, vault::Actor::Service(service.id), decl.person_id,
                                              service.attributes,
                                              {service.purpose, service.purpose_label, decl.channel});
      if (records.ok()) {
        for (const auto& rec : *records) attributes[rec.name] = rec.value;
      } else if (records.status().code() != StatusCode::kPermissionDenied) {
        return records.status();
      }
      const std::string delivery_id = NewId(&clock_);
      std::vector<std::string> names;
      for (auto it = attributes.begin(); it != attributes.end(); ++it) names.push_back(it.key());
      const bool skipped = names.empty();  // no consent: nothing is sent
      store::Value payload_key = std::string(), payload;
      if (!skipped) {
        nlohmann::json body = {
            {"type", "fr.parcours.declaration." + bundle.id},
            {"timestamp", FormatRfc3339(clock_.Now())},
            {"data",
             {{"declaration_id", decl.id},
              {"delivery_id", delivery_id},
              {"service", service.id},
              {"organisation", service.organisation},
              {"person_id", decl.person_id},
              {"purpose", service.purpose},
              {"legal_basis", service.legal_basis},
              {"attributes", attributes},
              {"status_url", callback_base_url_ + "/api/v1/agency/deliveries/" + delivery_id + "/status"}}}};
        vault::Sealed sealed = keys_.Seal(PayloadContext(delivery_id), body.dump());
        payload_key = sealed.key_id;
        payload = store::Blob{std::move(sealed.bytes)};
      }
      RETURN_IF_ERROR(tx.Execute(
          "INSERT INTO exchange_deliveries (id, request_id, service_id, person_id, attributes, payload_key_id, "
          "payload, state, next_attempt_ms, agency_status, created_ms, updated_ms) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
          {delivery_id, decl.id, service.id, decl.person_id, nlohmann::json(names).dump(), payload_key, payload,
           std::string(skipped ? "skipped" : "pending"), now, std::string(skipped ? "non_transmise" : "envoyee"),
           now}));
      summary.push_back({{"service", service.id}, {"delivery_id", delivery_id}, {"attributes", names}});
    }
    store::Event ev;
    ev.type = "fr.parcours.declaration.submitted";
    ev.source = "/exchange";
    ev.subject = decl.id;
    ev.person_id = decl.person_id;
    ev.actor = decl.actor;
    ev.channel = decl.channel;
    ev.time_ms = now;
    ev.data_json = nlohmann::json({{"bundle", bundle.id}, {"recipients", summary}}).dump();
    return store::AppendEvent(tx, std::move(ev), &clock_).status();
  };
  Status st = committer_ ? committer_->Submit(write) : db_.InTransaction(write);
  if (st.code() == StatusCode::kConflict && !key.empty()) {
    // Two submissions with the same key raced past the first check: the other one won.
    ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
    ASSIGN_OR_RETURN(raced, existing_id(*tx));
  } else if (!st.ok()) {
    return st;
  }
  if (raced) return replay(*raced);
  return Get(decl.id);
}

Result<Declaration> Outbox::Get(const std::string& request_id) {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(store::Row row,
                   tx->QueryOne("SELECT id, person_id, bundle_id, channel, actor, created_ms FROM exchange_requests "
                                "WHERE id = $1",
                                {request_id}, "exchange.unknown_declaration", "Déclaration introuvable."));
  Declaration d;
  d.id = row.Text("id");
  d.person_id = row.Text("person_id");
  d.bundle_id = row.Text("bundle_id");
  d.channel = row.Text("channel");
  d.actor = row.Text("actor");
  d.created_ms = row.Int("created_ms");
  ASSIGN_OR_RETURN(d.deliveries, QueryDeliveries(*tx, "d.request_id = $1 ORDER BY s.id", {request_id}));
  return d;
}

Result<std::vector<Declaration>> Outbox::ListForPerson(const std::string& person_id, int limit) {
  std::vector<std::string> ids;
  {
    ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
    ASSIGN_OR_RETURN(store::Rows rows, tx->Query("SELECT id FROM exchange_requests WHERE person_id = $1 "
                                                 "ORDER BY id DESC LIMIT $2",
                                                 {person_id, int64_t{limit}}));
    for (const auto& r : rows) ids.push_back(r.Text(0));
  }
  std::vector<Declaration> out;
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(Declaration d, Get(id));
    out.push_back(std::move(d));
  }
  return out;
}

Result<DeliveryView> Outbox::GetDelivery(const std::string& delivery_id) {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(std::vector<DeliveryView> found, QueryDeliveries(*tx, "d.id = $1", {delivery_id}));
  if (found.empty()) return NotFound("exchange.unknown_delivery", "Envoi introuvable.");
  return std::move(found.front());
}

Result<std::vector<DeliveryView>> Outbox::ListForOrganisation(const std::string& organisation,
                                                              const std::string& agency_status, int limit) {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  const std::string base = "s.organisation = $1 AND d.state <> 'skipped' ";
  if (agency_status.empty()) {
    return QueryDeliveries(*tx, base + "AND d.agency_status NOT IN ('refusee', 'payee') ORDER BY d.created_ms, d.id LIMIT $2",
                           {organisation, int64_t{limit}});
  }
  if (agency_status == "toutes") {
    return QueryDeliveries(*tx, base + "ORDER BY d.created_ms, d.id LIMIT $2", {organisation, int64_t{limit}});
  }
  return QueryDeliveries(*tx, base + "AND d.agency_status = $2 ORDER BY d.created_ms, d.id LIMIT $3",
                         {organisation, agency_status, int64_t{limit}});
}

Result<std::vector<DeliveryView>> Outbox::ListDeliveries(const std::string& state, int limit) {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  if (state.empty()) return QueryDeliveries(*tx, "1 = 1 ORDER BY d.id DESC LIMIT $1", {int64_t{limit}});
  return QueryDeliveries(*tx, "d.state = $1 ORDER BY d.id DESC LIMIT $2", {state, int64_t{limit}});
}

Status Outbox::Replay(const std::string& delivery_id, const std::string& admin_actor) {
  return db_.InTransaction([&](store::Transaction& tx) -> Status {
    const int64_t now = clock_.NowMillis();
    ASSIGN_OR_RETURN(store::Row row, tx.QueryOne("SELECT state, person_id FROM exchange_deliveries WHERE id = $1",
                                                 {delivery_id}, "exchange.unknown_delivery",
                                                 "Envoi introuvable."));
    if (row.Text("state") != "dead") {
      return Conflict("exchange.not_dead_letter", "Seul un envoi en échec définitif peut être relancé.");
    }
    RETURN_IF_ERROR(tx.Execute("UPDATE exchange_deliveries SET state = 'pending', attempts = 0, "
                               "next_attempt_ms = $2, lease_until_ms = 0, updated_ms = $2 WHERE id = $1",
                               {delivery_id, now}));
    store::Event ev;
    ev.type = "fr.parcours.delivery.replayed";
    ev.source = "/exchange";
    ev.subject = delivery_id;
    ev.person_id = row.Text("person_id");
    ev.actor = admin_actor;
    ev.channel = "web";
    ev.time_ms = now;
    return store::AppendEvent(tx, std::move(ev), &clock_).status();
  });
}

}  // namespace parcours::exchange
