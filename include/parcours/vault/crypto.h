// Encryption at rest of sensitive attributes (libsodium secretbox, XSalsa20-Poly1305).
//
// Keys come from a key file or the environment, one key per line: `<key id> <base64 of 32
// bytes>`; the LAST line is the active key used to seal new values, earlier lines still open
// older values. Each sealed value records the key id it was sealed with, so keys rotate with
// `parcours vault rotate-key` (append a key, re-seal every value, then drop the old line).
// Sealed bytes are nonce (24) || ciphertext; the plaintext is bound to its context (person and
// attribute name), so a ciphertext copied to another row does not open.
// Key material never reaches a log or a Status message.
// Thread-safety: a KeyRing is immutable after loading and safe to share.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "parcours/base/status.h"

namespace parcours::store {
class Database;
}

namespace parcours::vault {

struct Sealed {
  std::string key_id;
  std::string bytes;  // nonce || ciphertext
};

class KeyRing {
 public:
  // Parses the key file format above (blank lines and '#' comments allowed).
  static Result<KeyRing> Parse(std::string_view text);
  static Result<KeyRing> LoadFile(const std::filesystem::path& path);
  // From PARCOURS_VAULT_KEY_FILE (a path) or PARCOURS_VAULT_KEYS (the file's content, lines
  // separated by newlines or ';'). vault.no_key when neither is set.
  static Result<KeyRing> FromEnvironment();
  // Loads `path`, or creates it (mode 0600, parent folder included) holding one new key.
  static Result<KeyRing> LoadOrCreateFile(const std::filesystem::path& path);
  // A new random key line `<id> <base64>` (id "k" + UTC date + random suffix).
  static std::string GenerateKeyLine();

  const std::string& active_key_id() const { return active_; }
  bool HasKey(std::string_view key_id) const { return keys_.count(std::string(key_id)) > 0; }
  std::size_t size() const { return keys_.size(); }

  // Seals `plaintext` bound to `context` under the active key.
  Sealed Seal(std::string_view context, std::string_view plaintext) const;
  // Opens a value; vault.unknown_key or vault.decrypt_failed (tampered, wrong context).
  Result<std::string> Open(std::string_view context, const Sealed& sealed) const;

 private:
  std::map<std::string, std::string> keys_;  // id -> 32 raw bytes
  std::string active_;
};

// Re-seals with `keys`' active key every stored value sealed under another key (current
// values and history), in batches of small transactions. Returns how many values were
// re-sealed. Stops with vault.unknown_key on a value whose key is not in `keys` (values
// already re-sealed stay valid: each is sealed under a key of the ring).
Result<int64_t> RotateKeys(store::Database& db, const KeyRing& keys);
}  // namespace parcours::vault
