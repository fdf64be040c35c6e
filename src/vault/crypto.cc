// KeyRing: libsodium secretbox with context binding.
#include "parcours/vault/crypto.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <sstream>

#include "parcours/base/file.h"
#include "parcours/base/id.h"

namespace parcours::vault {
namespace {

// The plaintext actually sealed: a version tag, the context, then the value.
std::string Frame(std::string_view context, std::string_view plaintext) {
  std::string framed = "v1";
  framed.push_back('\0');
  framed.append(context);
  framed.push_back('\0');
  framed.append(plaintext);
  return framed;
}

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

Result<KeyRing> KeyRing::Parse(std::string_view text) {
  if (!SodiumReady()) return Internal("vault.sodium", "La bibliothèque de chiffrement n'a pas pu démarrer.");
  KeyRing ring;
  std::string normalized(text);
  for (char& c : normalized) if (c == ';') c = '\n';
  std::istringstream in(normalized);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string id, b64, extra;
    if (!(fields >> id)) continue;
    const std::string where = "ligne " + std::to_string(line_no);
    if (!(fields >> b64) || (fields >> extra)) {
      return InvalidArgument("vault.bad_key_file",
                             "Fichier de clés invalide (" + where + ") : attendu « <identifiant> <clé en base64> ».");
    }
    std::string key(crypto_secretbox_KEYBYTES, '\0');
    std::size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), b64.data(), b64.size(),
                          nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len != crypto_secretbox_KEYBYTES) {
      sodium_memzero(key.data(), key.size());
      return InvalidArgument("vault.bad_key_file",
                             "Fichier de clés invalide (" + where + ") : la clé doit faire 32 octets en base64.");
    }
    if (ring.keys_.count(id)) {
      return InvalidArgument("vault.bad_key_file", "Fichier de clés invalide (" + where + ") : identifiant en double.");
    }
    ring.keys_[id] = std::move(key);
    ring.active_ = id;
  }
  if (ring.keys_.empty()) return InvalidArgument("vault.no_key", "Le fichier de clés ne contient aucune clé.");
  return ring;
}

Result<KeyRing> KeyRing::LoadFile(const std::filesystem::path& path) {
  const std::optional<std::string> text = ReadWholeFile(path);
  if (!text) {
    return Unavailable("vault.key_file_unreadable", "Impossible de lire le fichier de clés " + path.string() + ".");
  }
  return Parse(*text);
}

Result<KeyRing> KeyRing::FromEnvironment() {
  if (const char* file = std::getenv("PARCOURS_VAULT_KEY_FILE"); file && *file) return LoadFile(file);
  if (const char* keys = std::getenv("PARCOURS_VAULT_KEYS"); keys && *keys) return Parse(keys);
  return InvalidArgument("vault.no_key",
                         "Aucune clé de chiffrement du coffre : définissez PARCOURS_VAULT_KEY_FILE ou "
                         "PARCOURS_VAULT_KEYS.");
}

Result<KeyRing> KeyRing::LoadOrCreateFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return LoadFile(path);
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  const std::string line = GenerateKeyLine() + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    return Unavailable("vault.key_file_unwritable", "Impossible de créer le fichier de clés " + path.string() + ".");
  }
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    return Unavailable("vault.key_file_unwritable", "Impossible d'écrire le fichier de clés " + path.string() + ".");
  }
  return Parse(line);
}

std::string KeyRing::GenerateKeyLine() {
  SodiumReady();
  unsigned char key[crypto_secretbox_KEYBYTES];
  crypto_secretbox_keygen(key);
  char b64[sodium_base64_ENCODED_LEN(crypto_secretbox_KEYBYTES, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
  sodium_memzero(key, sizeof key);
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y%m%d", &tm);
  std::string line = "k" + std::string(date) + "-" + RandomHex(3) + " " + b64;
  sodium_memzero(b64, sizeof b64);
  return line;
}

Sealed KeyRing::Seal(std::string_view context, std::string_view plaintext) const {
  const std::string& key = keys_.at(active_);
  std::string framed = Frame(context, plaintext);
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + framed.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(framed.data()),
                        framed.size(), nonce, reinterpret_cast<const unsigned char*>(key.data()));
  sodium_memzero(framed.data(), framed.size());
  return Sealed{active_, std::move(out)};
}

Result<std::string> KeyRing::Open(std::string_view context, const Sealed& sealed) const {
  auto it = keys_.find(sealed.key_id);
  if (it == keys_.end()) {
    return Internal("vault.unknown_key",
                    "La clé « " + sealed.key_id + " » nécessaire pour lire une donnée chiffrée est absente.");
  }
  if (sealed.bytes.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return Internal("vault.decrypt_failed", "Une donnée chiffrée est illisible.");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.bytes.data());
  const std::size_t clen = sealed.bytes.size() - crypto_secretbox_NONCEBYTES;
  std::string framed(clen - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(framed.data()), nonce + crypto_secretbox_NONCEBYTES,
                                 clen, nonce, reinterpret_cast<const unsigned char*>(it->second.data())) != 0) {
    return Internal("vault.decrypt_failed", "Une donnée chiffrée est illisible ou a été altérée.");
  }
  std::string expected = Frame(context, "");
  if (framed.compare(0, expected.size(), expected) != 0) {
    sodium_memzero(framed.data(), framed.size());
    return Internal("vault.decrypt_failed", "Une donnée chiffrée ne correspond pas à sa place.");
  }
  std::string value = framed.substr(expected.size());
  sodium_memzero(framed.data(), framed.size());
  return value;
}

}  // namespace parcours::vault
