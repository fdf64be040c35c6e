#include "parcours/exchange/outbox.h"

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

// What one service may receive, read through the vault's consent gate as that service.
struct Recipient {
  ServiceDef service;
  nlohmann::json attributes = nlohmann::json::object();
};

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

  // A replay of an acknowledged declaration returns it unchanged, before reading anything.
  if (!input.idempotency_key.empty()) {
    ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
    ASSIGN_OR_RETURN(store::Rows rows, tx->Query("SELECT id FROM exchange_requests WHERE person_id = $1 AND "
                                                 "idempotency_key = $2",
                                                 {input.person_id, input.idempotency_key}));
    if (!rows.empty()) {
      const std::string id = rows.front().Text(0);
      tx.reset();
      ASSIGN_OR_RETURN(Declaration existing, Get(id));
      existing.replayed = true;
      return existing;
    }
  }

  BundleDef bundle;
  std::vector<Recipient> recipients;
  {
    ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
    ASSIGN_OR_RETURN(bundle, GetBundle(*tx, input.bundle_id));
    for (const auto& sid : bundle.services) {
      ASSIGN_OR_RETURN(ServiceDef s, GetService(*tx, sid));
      if (s.active) recipients.push_back({std::move(s), nlohmann::json::object()});
    }
  }
  // Data minimisation happens in the vault: the service reads as itself, for its purpose.
  for (auto& r : recipients) {
    vault::Purpose purpose{r.service.purpose, r.service.purpose_label, input.channel};
    auto records = vault_.Read(vault::Actor::Service(r.service.id), input.person_id, r.service.attributes, purpose);
    if (!records.ok()) {
      if (records.status().code() == StatusCode::kPermissionDenied) continue;  // no consent: nothing sent
      return records.status();
    }
    for (const auto& rec : *records) r.attributes[rec.name] = rec.value;
  }

  const int64_t now = clock_.NowMillis();
  Declaration decl;
  decl.id = NewId(&clock_);
  decl.person_id = input.person_id;
  decl.bundle_id = bundle.id;
  decl.channel = input.channel;
  decl.actor = actor.ToString();
  decl.created_ms = now;

  auto write = [&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO exchange_requests (id, person_id, bundle_id, idempotency_key, actor, channel, created_ms) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {decl.id, decl.person_id, decl.bundle_id,
         input.idempotency_key.empty() ? store::Value() : store::Value(input.idempotency_key), decl.actor,
         decl.channel, now}));
    nlohmann::json summary = nlohmann::json::array();
    for (const auto& r : recipients) {
      const std::string delivery_id = NewId(&clock_);
      std::vector<std::string> names;
      for (auto it = r.attributes.begin(); it != r.attributes.end(); ++it) names.push_back(it.key());
      const bool skipped = names.empty();
      store::Value payload_key, payload;
      if (!skipped) {
        nlohmann::json body = {
            {"type", "fr.parcours.declaration." + bundle.id},
            {"timestamp", FormatRfc3339(clock_.Now())},
            {"data",
             {{"declaration_id", decl.id},
              {"delivery_id", delivery_id},
              {"service", r.service.id},
              {"person_id", decl.person_id},
              {"purpose", r.service.purpose},
              {"legal_basis", r.service.legal_basis},
              {"attributes", r.attributes},
              {"status_url", callback_base_url_ + "/api/v1/agency/deliveries/" + delivery_id + "/status"}}}};
        vault::Sealed sealed = keys_.Seal(PayloadContext(delivery_id), body.dump());
        payload_key = sealed.key_id;
        payload = store::Blob{std::move(sealed.bytes)};
      } else {
        payload_key = std::string();
      }
      RETURN_IF_ERROR(tx.Execute(
          "INSERT INTO exchange_deliveries (id, request_id, service_id, person_id, attributes, payload_key_id, "
          "payload, state, next_attempt_ms, agency_status, created_ms, updated_ms) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
          {delivery_id, decl.id, r.service.id, decl.person_id, nlohmann::json(names).dump(), payload_key, payload,
           std::string(skipped ? "skipped" : "pending"), now, std::string(skipped ? "non_transmise" : "envoyee"),
           now}));
      summary.push_back({{"service", r.service.id}, {"delivery_id", delivery_id}, {"attributes", names}});
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
  if (!st.ok()) {
    // A concurrent submission with the same key won the race: return it.
    if (st.code() == StatusCode::kConflict && !input.idempotency_key.empty()) {
      ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
      ASSIGN_OR_RETURN(store::Row row, tx->QueryOne("SELECT id FROM exchange_requests WHERE person_id = $1 AND "
                                                    "idempotency_key = $2",
                                                    {input.person_id, input.idempotency_key}));
      const std::string id = row.Text(0);
      tx.reset();
      ASSIGN_OR_RETURN(Declaration existing, Get(id));
      existing.replayed = true;
      return existing;
    }
    return st;
  }
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
