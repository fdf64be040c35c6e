// The hash-chained access log.
#include "parcours/vault/access_log.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "parcours/base/id.h"

namespace parcours::vault {
namespace {

constexpr std::size_t kHashBytes = 32;

std::string Blake2b(std::string_view prev, std::string_view canonical) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kHashBytes);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(prev.data()), prev.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size());
  std::string out(kHashBytes, '\0');
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(out.data()), kHashBytes);
  return out;
}

std::string Hex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

Result<AccessAction> ParseAction(std::string_view s) {
  for (AccessAction a : {AccessAction::kRead, AccessAction::kWrite, AccessAction::kExport, AccessAction::kErase,
                         AccessAction::kDenied}) {
    if (AccessActionName(a) == s) return a;
  }
  return Internal("vault.bad_log_entry", "Entrée du journal d'accès illisible.");
}

constexpr const char* kColumns =
    "seq, id, time_ms, person_id, actor_kind, actor_id, on_behalf_of, action, attributes_json, purpose, "
    "legal_basis, service_id, prev_hash, hash";

// Decodes a row; `entry->actor.kind` and the action stay at their defaults when unreadable,
// which verification then reports as an altered entry (the hash no longer matches).
AccessEntry FromRow(const store::Row& r) {
  AccessEntry e;
  e.seq = r.Int("seq");
  e.id = r.Text("id");
  e.time_ms = r.Int("time_ms");
  e.person_id = r.Text("person_id");
  auto kind = ParseActorKind(r.Text("actor_kind"));
  if (kind.ok()) e.actor.kind = *kind;
  e.actor.id = r.Text("actor_id");
  std::string behalf = r.Text("on_behalf_of");
  if (!behalf.empty()) e.actor.on_behalf_of = behalf;
  auto action = ParseAction(r.Text("action"));
  if (action.ok()) e.action = *action;
  nlohmann::json names = nlohmann::json::parse(r.Text("attributes_json"), nullptr, false);
  if (names.is_array()) {
    for (const auto& n : names) if (n.is_string()) e.attributes.push_back(n.get<std::string>());
  }
  e.purpose = r.Text("purpose");
  e.legal_basis = r.Text("legal_basis");
  e.service_id = r.Text("service_id");
  e.prev_hash = r.Bytes("prev_hash");
  e.hash = r.Bytes("hash");
  return e;
}

// Canonical text of the row as stored (raw columns), so that a change to any column,
// even to a value the decoder cannot read, changes the hash.
std::string CanonicalRow(const store::Row& r) {
  nlohmann::json a = nlohmann::json::array(
      {r.Int("seq"), r.Text("id"), r.Int("time_ms"), r.Text("person_id"), r.Text("actor_kind"),
       r.Text("actor_id"), r.Text("on_behalf_of"), r.Text("action"), r.Text("attributes_json"),
       r.Text("purpose"), r.Text("legal_basis"), r.Text("service_id")});
  return a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AttributesJson(const std::vector<std::string>& names) {
  return nlohmann::json(names).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string_view AccessActionName(AccessAction a) {
  switch (a) {
    case AccessAction::kRead: return "read";
    case AccessAction::kWrite: return "write";
    case AccessAction::kExport: return "export";
    case AccessAction::kErase: return "erase";
    case AccessAction::kDenied: return "denied";
  }
  return "read";
}

std::string CanonicalEntry(const AccessEntry& e) {
  nlohmann::json a = nlohmann::json::array(
      {e.seq, e.id, e.time_ms, e.person_id, std::string(ActorKindName(e.actor.kind)), e.actor.id,
       e.actor.on_behalf_of.value_or(""), std::string(AccessActionName(e.action)), AttributesJson(e.attributes),
       e.purpose, e.legal_basis, e.service_id});
  return a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<AccessEntry> AppendAccess(store::Transaction& tx, AccessEntry e, int64_t now_ms) {
  // Taking the head row first serialises appenders (row lock in PostgreSQL, write lock in SQLite).
  ASSIGN_OR_RETURN(store::Row head,
                   tx.QueryOne("UPDATE vault_access_log_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash", {},
                               "vault.log_head_missing", "Le journal d'accès n'est pas initialisé."));
  e.seq = head.Int(0);
  e.prev_hash = head.Bytes(1);
  if (e.id.empty()) e.id = NewId();
  if (e.time_ms == 0) e.time_ms = now_ms;
  e.hash = Blake2b(e.prev_hash, CanonicalEntry(e));
  RETURN_IF_ERROR(tx.Execute(
      "INSERT INTO vault_access_log (seq, id, time_ms, person_id, actor_kind, actor_id, on_behalf_of, action, "
      "attributes_json, purpose, legal_basis, service_id, prev_hash, hash) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
      {e.seq, e.id, e.time_ms, e.person_id, std::string(ActorKindName(e.actor.kind)), e.actor.id,
       e.actor.on_behalf_of.value_or(""), std::string(AccessActionName(e.action)), AttributesJson(e.attributes),
       e.purpose, e.legal_basis, e.service_id, store::Blob{e.prev_hash}, store::Blob{e.hash}}));
  RETURN_IF_ERROR(tx.Execute("UPDATE vault_access_log_head SET hash = $1 WHERE id = 1", {store::Blob{e.hash}}));
  return e;
}

Result<std::vector<AccessEntry>> ReadAccessLog(store::Transaction& tx, const std::string& person_id, int limit) {
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx.Query(std::string("SELECT ") + kColumns +
                                " FROM vault_access_log WHERE person_id = $1 ORDER BY seq DESC LIMIT $2",
                            {person_id, int64_t{limit}}));
  std::vector<AccessEntry> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(FromRow(r));
  return out;
}

Result<VerifyReport> VerifyAccessLog(store::Database& db, const std::optional<std::string>& expected_head_hex) {
  ASSIGN_OR_RETURN(auto tx, db.BeginRead());
  VerifyReport report;
  auto fail = [&report](int64_t seq, std::string problem) {
    if (!report.ok) return;
    report.ok = false;
    report.first_bad_seq = seq;
    report.problem = std::move(problem);
  };
  std::string running;  // hash of the previous entry
  int64_t last_seq = 0;
  bool expected_seen = !expected_head_hex.has_value();
  constexpr int64_t kPage = 1000;
  for (;;) {
    ASSIGN_OR_RETURN(store::Rows rows,
                     tx->Query(std::string("SELECT ") + kColumns +
                                   " FROM vault_access_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                               {last_seq, kPage}));
    for (const auto& r : rows) {
      const int64_t seq = r.Int("seq");
      ++report.entries;
      if (seq != last_seq + 1) {
        fail(seq, "Entrée " + std::to_string(last_seq + 1) + " absente : des entrées ont été supprimées ou déplacées.");
      }
      if (r.Bytes("prev_hash") != running) {
        fail(seq, "L'entrée " + std::to_string(seq) +
                      " ne suit pas l'entrée précédente : entrées supprimées, insérées ou réordonnées.");
      }
      const std::string hash = Blake2b(r.Bytes("prev_hash"), CanonicalRow(r));
      if (hash != r.Bytes("hash")) fail(seq, "L'entrée " + std::to_string(seq) + " a été modifiée.");
      running = r.Bytes("hash");
      if (!expected_seen && Hex(running) == *expected_head_hex) expected_seen = true;
      last_seq = seq;
    }
    if (static_cast<int64_t>(rows.size()) < kPage) break;
  }
  ASSIGN_OR_RETURN(store::Row head, tx->QueryOne("SELECT seq, hash FROM vault_access_log_head WHERE id = 1", {},
                                                 "vault.log_head_missing", "Le journal d'accès n'est pas initialisé."));
  if (head.Int(0) != last_seq || head.Bytes(1) != running) {
    fail(last_seq + 1, "La fin du journal ne correspond pas à sa tête : des entrées finales ont été supprimées "
                       "ou la tête a été modifiée.");
  }
  if (!expected_seen) {
    fail(0, "Le hachage de tête attendu ne figure plus dans le journal : le journal a été réécrit.");
  }
  report.head_hash_hex = Hex(running);
  return report;
}

}  // namespace parcours::vault
