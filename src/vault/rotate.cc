// Key rotation: re-seal every value sealed under a key other than the active one.
#include <nlohmann/json.hpp>

#include "parcours/store/events.h"
#include "parcours/store/store.h"
#include "parcours/vault/crypto.h"
#include "vault_impl.h"

namespace parcours::vault {
namespace {

constexpr int64_t kBatch = 200;

// One batch of `table` (keyed by `key_sql`): returns how many values were re-sealed.
Result<int64_t> RotateBatch(store::Transaction& tx, const KeyRing& keys, bool history) {
  const std::string select =
      history ? "SELECT id, person_id, name, key_id, value_cipher FROM vault_attribute_history "
                "WHERE value_cipher IS NOT NULL AND key_id <> $1 LIMIT $2"
              : "SELECT '' AS id, person_id, name, key_id, value_cipher FROM vault_attributes "
                "WHERE value_cipher IS NOT NULL AND key_id <> $1 LIMIT $2";
  ASSIGN_OR_RETURN(store::Rows rows, tx.Query(select, {keys.active_key_id(), kBatch}));
  for (const auto& r : rows) {
    const std::string context = detail::SealContext(r.Text("person_id"), r.Text("name"));
    if (!keys.HasKey(r.Text("key_id"))) {
      return InvalidArgument("vault.unknown_key", "Des valeurs sont chiffrées avec la clé « " + r.Text("key_id") +
                                                      " », absente du fichier de clés : ajoutez-la avant de tourner.");
    }
    ASSIGN_OR_RETURN(std::string plain, keys.Open(context, Sealed{r.Text("key_id"), r.Bytes("value_cipher")}));
    Sealed sealed = keys.Seal(context, plain);
    if (history) {
      RETURN_IF_ERROR(tx.Execute("UPDATE vault_attribute_history SET value_cipher = $1, key_id = $2 WHERE id = $3",
                                 {store::Blob{sealed.bytes}, sealed.key_id, r.Text("id")}));
    } else {
      RETURN_IF_ERROR(tx.Execute("UPDATE vault_attributes SET value_cipher = $1, key_id = $2 "
                                 "WHERE person_id = $3 AND name = $4",
                                 {store::Blob{sealed.bytes}, sealed.key_id, r.Text("person_id"), r.Text("name")}));
    }
  }
  return static_cast<int64_t>(rows.size());
}

}  // namespace

Result<int64_t> RotateKeys(store::Database& db, const KeyRing& keys) {
  int64_t total = 0;
  for (bool history : {false, true}) {
    for (;;) {
      int64_t n = 0;
      Status s = db.InTransaction([&](store::Transaction& tx) -> Status {
        ASSIGN_OR_RETURN(n, RotateBatch(tx, keys, history));
        if (n == 0) return Status::Ok();
        store::Event e;
        e.type = "fr.parcours.vault.keys_rotated";
        e.source = "/vault";
        e.actor = "system";
        e.channel = "system";
        e.data_json = nlohmann::json{{"key_id", keys.active_key_id()}, {"values", n}, {"history", history}}.dump();
        return store::AppendEvent(tx, std::move(e)).status();
      });
      if (!s.ok()) return s;
      total += n;
      if (n < kBatch) break;
    }
  }
  return total;
}

}  // namespace parcours::vault
