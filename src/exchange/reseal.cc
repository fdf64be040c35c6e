// Key rotation of the deliveries' sealed payloads (see outbox.h).
#include "delivery_rows.h"
#include "parcours/exchange/outbox.h"
#include "parcours/store/store.h"
#include "parcours/vault/crypto.h"

namespace parcours::exchange {

Result<int64_t> ResealPayloads(store::Database& db, const vault::KeyRing& keys) {
  constexpr int64_t kBatch = 200;
  int64_t total = 0;
  for (;;) {
    int64_t n = 0;
    Status s = db.InTransaction([&](store::Transaction& tx) -> Status {
      ASSIGN_OR_RETURN(store::Rows rows, tx.Query("SELECT id, payload_key_id, payload FROM exchange_deliveries "
                                                  "WHERE payload IS NOT NULL AND payload_key_id <> $1 LIMIT $2",
                                                  {keys.active_key_id(), kBatch}));
      for (const auto& r : rows) {
        const std::string id = r.Text("id");
        if (!keys.HasKey(r.Text("payload_key_id"))) {
          return InvalidArgument("vault.unknown_key", "Des envois sont chiffrés avec la clé « " + r.Text("payload_key_id") +
                                                          " », absente du fichier de clés : ajoutez-la avant de tourner.");
        }
        ASSIGN_OR_RETURN(std::string plain,
                         keys.Open(PayloadContext(id), vault::Sealed{r.Text("payload_key_id"), r.Bytes("payload")}));
        vault::Sealed sealed = keys.Seal(PayloadContext(id), plain);
        RETURN_IF_ERROR(tx.Execute("UPDATE exchange_deliveries SET payload = $1, payload_key_id = $2 WHERE id = $3",
                                   {store::Blob{std::move(sealed.bytes)}, sealed.key_id, id}));
      }
      n = static_cast<int64_t>(rows.size());
      return Status::Ok();
    });
    if (!s.ok()) return s;
    total += n;
    if (n < kBatch) return total;
  }
}

}  // namespace parcours::exchange
