// Domain checks: dates, NIR, IBAN, e-mail, phone. Postcodes and communes: communes.cc.
#include "parcours/vault/validate.h"

#include <cctype>
#include <cstdio>
#include <map>
#include <string>

#include "refusal.h"

namespace parcours::vault {
namespace {

std::string StripSeparators(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '.' || c == '-' || c == '\t') continue;
    out.push_back(c);
  }
  return out;
}

bool AllDigits(std::string_view s) {
  for (char c : s) if (c < '0' || c > '9') return false;
  return !s.empty();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Remainder modulo 97 of a long decimal string.
int Mod97(std::string_view digits) {
  int r = 0;
  for (char c : digits) r = (r * 10 + (c - '0')) % 97;
  return r;
}

}  // namespace

namespace detail {
Status Refusal(std::string reason, std::string field_reason, std::string message,
               std::map<std::string, std::string> params) {
  return InvalidArgument(std::move(reason), message)
      .WithField(FieldError{"", message, std::move(field_reason), std::move(params)});
}
}  // namespace detail
using detail::Refusal;

FieldError FieldErrorOf(const Status& s, std::string field) {
  FieldError out = s.field_errors().empty() ? FieldError{"", s.message(), "", {}} : s.field_errors().front();
  out.field = std::move(field);
  return out;
}

Status OnField(const Status& s, std::string field) {
  return Status(s.code(), s.reason(), s.message()).WithField(FieldErrorOf(s, std::move(field)));
}

Result<std::string> ValidateDate(std::string_view text) {
  std::string_view t = Trim(text);
  int y = 0, m = 0, d = 0;
  auto num = [](std::string_view s, int* out) {
    if (!AllDigits(s)) return false;
    *out = std::stoi(std::string(s));
    return true;
  };
  bool parsed = false;
  if (t.size() == 10 && t[4] == '-' && t[7] == '-') {
    parsed = num(t.substr(0, 4), &y) && num(t.substr(5, 2), &m) && num(t.substr(8, 2), &d);
  } else if (t.size() == 10 && t[2] == '/' && t[5] == '/') {
    parsed = num(t.substr(6, 4), &y) && num(t.substr(3, 2), &m) && num(t.substr(0, 2), &d);
  }
  if (!parsed) {
    return Refusal("vault.invalid_date", kBadDate, "La date doit être au format JJ/MM/AAAA, par exemple 05/03/1994.");
  }
  if (m < 1 || m > 12 || d < 1 || d > DaysIn(y, m)) {
    return Refusal("vault.invalid_date", kNonexistentDate, "Cette date n'existe pas dans le calendrier.");
  }
  if (y < 1900 || y > 2200) {
    return Refusal("vault.invalid_date", kDateOutOfRange, "La date doit être comprise entre 1900 et 2200.");
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return std::string(buf);
}

Result<std::string> ValidateNir(std::string_view text) {
  std::string s = StripSeparators(text);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const Status bad_format = Refusal(
      "vault.invalid_nir", kNirFormat,
      "Le numéro de sécurité sociale doit compter 15 caractères : 13 chiffres (2A ou 2B pour la "
      "Corse) puis la clé de 2 chiffres.");
  if (s.size() != 15) return bad_format;
  std::string body = s.substr(0, 13);
  std::string key = s.substr(13, 2);
  // Corsica: department 2A / 2B counts as 19 / 18 in the key computation.
  std::string numeric = body;
  if (body.substr(5, 2) == "2A") numeric.replace(5, 2, "19");
  else if (body.substr(5, 2) == "2B") numeric.replace(5, 2, "18");
  if (!AllDigits(numeric) || !AllDigits(key)) return bad_format;
  if (body[0] != '1' && body[0] != '2' && body[0] != '3' && body[0] != '4' && body[0] != '7' &&
      body[0] != '8') {
    return Refusal("vault.invalid_nir", kNirFirstDigit, "Le numéro de sécurité sociale doit commencer par 1 ou 2.");
  }
  int month = std::stoi(body.substr(3, 2));
  if (!((month >= 1 && month <= 12) || (month >= 20 && month <= 42) || (month >= 50 && month <= 99))) {
    return Refusal("vault.invalid_nir", kNirMonth,
                           "Le mois de naissance du numéro de sécurité sociale n'est pas valide.");
  }
  if (97 - Mod97(numeric) != std::stoi(key)) {
    return Refusal("vault.invalid_nir", kNirKey,
                           "La clé du numéro de sécurité sociale ne correspond pas : vérifiez le "
                           "numéro.");
  }
  return s;
}

Result<std::string> ValidateIban(std::string_view text) {
  // Lengths of the SEPA countries' IBANs (ISO 13616 registry).
  static const std::map<std::string, std::size_t> kLengths = {
      {"AD", 24}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CY", 28}, {"CZ", 24},
      {"DE", 22}, {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18}, {"FR", 27}, {"GB", 22},
      {"GI", 23}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IS", 26}, {"IT", 27},
      {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MT", 31}, {"NL", 18},
      {"NO", 15}, {"PL", 28}, {"PT", 25}, {"RO", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24},
      {"SM", 27}, {"VA", 22}};
  std::string s = StripSeparators(text);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const Status bad = Refusal(
      "vault.invalid_iban", kIbanFormat,
      "L'IBAN n'est pas valide : il commence par le code pays (FR pour la France) suivi de 2 "
      "chiffres de contrôle ; un IBAN français compte 27 caractères.");
  if (s.size() < 15 || s.size() > 34) return bad;
  for (char c : s) if (!std::isalnum(static_cast<unsigned char>(c))) return bad;
  auto it = kLengths.find(s.substr(0, 2));
  if (it == kLengths.end()) {
    return Refusal("vault.invalid_iban", kIbanCountry,
                           "Le pays de cet IBAN n'est pas dans la zone SEPA.");
  }
  if (s.size() != it->second || !AllDigits(s.substr(2, 2))) return bad;
  std::string rearranged = s.substr(4) + s.substr(0, 4);
  std::string digits;
  for (char c : rearranged) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
    else digits += std::to_string(c - 'A' + 10);
  }
  if (Mod97(digits) != 1) {
    return Refusal("vault.invalid_iban", kIbanChecksum,
                           "Les chiffres de contrôle de l'IBAN ne correspondent pas : vérifiez "
                           "l'IBAN.");
  }
  return s;
}

Result<std::string> ValidateEmail(std::string_view text) {
  std::string_view t = Trim(text);
  const Status bad = Refusal(
      "vault.invalid_email", kBadEmail, "L'adresse électronique doit être de la forme nom@domaine.fr.");
  auto at = t.find('@');
  if (t.size() > 254 || at == std::string_view::npos || t.find('@', at + 1) != std::string_view::npos) {
    return bad;
  }
  std::string_view local = t.substr(0, at), domain = t.substr(at + 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.') return bad;
  for (char c : local) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) == std::string_view::npos) {
      return bad;
    }
  }
  if (domain.find('.') == std::string_view::npos) return bad;
  std::string lower;
  std::size_t label = 0;
  for (char c : domain) {
    if (c == '.') {
      if (label == 0 || lower.back() == '-') return bad;
      label = 0;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') {
      if (label == 0 && c == '-') return bad;
      if (++label > 63) return bad;
    } else {
      return bad;
    }
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (label < 2) return bad;  // top-level domain of at least two characters
  return std::string(local) + "@" + lower;
}

Result<std::string> ValidatePhone(std::string_view text) {
  std::string s = StripSeparators(text);
  std::string kept;
  for (char c : s) if (c != '(' && c != ')') kept.push_back(c);
  s = kept;
  const Status bad = Refusal(
      "vault.invalid_phone", kBadPhone,
      "Le numéro de téléphone doit compter 10 chiffres (06 12 34 56 78) ou commencer par + et "
      "l'indicatif du pays.");
  if (s.rfind("00", 0) == 0) s = "+" + s.substr(2);
  if (s.size() == 10 && s[0] == '0' && AllDigits(s)) {
    if (s[1] == '0') return bad;
    return "+33" + s.substr(1);
  }
  if (s.size() >= 2 && s[0] == '+' && AllDigits(s.substr(1))) {
    if (s.rfind("+33", 0) == 0) {
      std::string national = s.substr(3);
      if (!national.empty() && national[0] == '0') national.erase(0, 1);  // +33 (0)6...
      if (national.size() != 9 || national[0] == '0') return bad;
      return "+33" + national;
    }
    if (s.size() < 8 || s.size() > 16 || s[1] == '0') return bad;
    return s;
  }
  return bad;
}

}  // namespace parcours::vault
