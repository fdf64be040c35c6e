// Canonical text of values, their Publicodes literal and their display form.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "parcours/base/utf8.h"
#include "parcours/vault/attributes.h"
#include "parcours/vault/validate.h"
#include "refusal.h"

namespace parcours::vault {
namespace {

using detail::Refusal;

// Canonical number text for field error parameters ("0", "2.5").
std::string NumberParam(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

Result<std::string> CanonicalNumber(const AttributeDef& def, std::string_view raw) {
  std::string s;
  for (char c : raw) {
    if (c == ' ' || c == '\t') continue;
    s.push_back(c == ',' ? '.' : c);
  }
  // Drop a trailing unit the person may have typed ("1200€", "1200 €/mois").
  if (!def.unit.empty() && s.size() > def.unit.size() &&
      s.compare(s.size() - def.unit.size(), def.unit.size(), def.unit) == 0) {
    s.resize(s.size() - def.unit.size());
  }
  // Non-breaking space (U+00A0, U+202F) used as thousands separators.
  for (std::string_view nbsp : {"\xC2\xA0", "\xE2\x80\xAF"}) {
    for (auto pos = s.find(nbsp); pos != std::string::npos; pos = s.find(nbsp)) s.erase(pos, nbsp.size());
  }
  const Status bad = Refusal("vault.invalid_number", kNotANumber, "Saisissez un nombre, par exemple 1250,50.");
  if (s.empty() || s.size() > 40) return bad;
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  bool digit = false, dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') digit = true;
    else if (s[i] == '.' && !dot) dot = true;
    else return bad;
  }
  if (!digit) return bad;
  double v = std::strtod(s.c_str(), nullptr);
  if (!std::isfinite(v)) return bad;
  if (def.integer && v != std::trunc(v)) {
    return Refusal("vault.invalid_number", kNotInteger, "Saisissez un nombre entier, sans virgule.");
  }
  if (def.min && v < *def.min) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", *def.min);
    return Refusal("vault.out_of_range", kOutOfRange, std::string("La valeur doit être au moins ") + buf + ".",
                   {{"min", NumberParam(*def.min)}});
  }
  if (def.max && v > *def.max) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", *def.max);
    return Refusal("vault.out_of_range", kOutOfRange, std::string("La valeur doit être au plus ") + buf + ".",
                   {{"max", NumberParam(*def.max)}});
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return std::string(buf);
}

Result<std::string> CanonicalBoolean(std::string_view raw) {
  std::string s;
  for (char c : raw) if (c != ' ') s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s == "oui" || s == "true" || s == "1" || s == "yes") return std::string("oui");
  if (s == "non" || s == "false" || s == "0" || s == "no") return std::string("non");
  return Refusal("vault.invalid_boolean", kNotBoolean, "Répondez par oui ou par non.");
}

Result<std::string> CanonicalText(std::string_view raw) {
  std::string_view s = raw;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return Refusal("vault.empty_value", kEmptyValue, "Ce champ ne peut pas être vide.");
  if (Utf8Length(s) > 500) {
    return Refusal("vault.too_long", kTooLong, "Le texte ne doit pas dépasser 500 caractères.", {{"max", "500"}});
  }
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) {
      return Refusal("vault.invalid_text", kForbiddenCharacters, "Le texte contient des caractères non autorisés.");
    }
  }
  return std::string(s);
}

}  // namespace

Result<std::string> CanonicalValue(const AttributeDef& def, std::string_view raw) {
  Result<std::string> r = InvalidArgument("vault.invalid_value", "Valeur invalide.");
  switch (def.type) {
    case AttributeType::kText: r = CanonicalText(raw); break;
    case AttributeType::kEnum: {
      r = CanonicalText(raw);
      if (r.ok()) {
        bool found = false;
        for (const auto& c : def.choices) found = found || c == *r;
        if (!found) {
          std::string list;
          for (const auto& c : def.choices) list += (list.empty() ? "" : ", ") + c;
          r = Refusal("vault.invalid_choice", kUnknownChoice, "Choisissez une des valeurs proposées : " + list + ".",
                      {{"choices", list}});
        }
      }
      break;
    }
    case AttributeType::kNumber: r = CanonicalNumber(def, raw); break;
    case AttributeType::kBoolean: r = CanonicalBoolean(raw); break;
    case AttributeType::kDate: r = ValidateDate(raw); break;
    case AttributeType::kNir: r = ValidateNir(raw); break;
    case AttributeType::kIban: r = ValidateIban(raw); break;
    case AttributeType::kEmail: r = ValidateEmail(raw); break;
    case AttributeType::kPhone: r = ValidatePhone(raw); break;
    case AttributeType::kPostcode: r = ValidatePostcode(raw); break;
    case AttributeType::kCommune: r = ValidateCommune(raw); break;
  }
  // The field error carries the attribute name so forms show the message beside the field.
  if (!r.ok()) return OnField(r.status(), def.name);
  return r;
}

std::string PublicodesLiteral(const AttributeDef& def, std::string_view v) {
  switch (def.type) {
    case AttributeType::kNumber:
      return def.unit.empty() ? std::string(v) : std::string(v) + " " + def.unit;
    case AttributeType::kBoolean: return std::string(v);
    case AttributeType::kDate:
      if (v.size() == 10) {
        return std::string(v.substr(8, 2)) + "/" + std::string(v.substr(5, 2)) + "/" + std::string(v.substr(0, 4));
      }
      return std::string(v);
    default: {
      // Publicodes strings are quoted; pick the quote the text does not contain.
      const char q = v.find('\'') == std::string_view::npos ? '\'' : '"';
      return q + std::string(v) + q;
    }
  }
}

std::string DisplayValue(const AttributeDef& def, std::string_view v) {
  std::string s(v);
  switch (def.type) {
    case AttributeType::kDate: return PublicodesLiteral(def, v);
    case AttributeType::kIban: {
      std::string out;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (i > 0 && i % 4 == 0) out.push_back(' ');
        out.push_back(s[i]);
      }
      return out;
    }
    case AttributeType::kNir:
      if (s.size() == 15) {
        return s.substr(0, 1) + " " + s.substr(1, 2) + " " + s.substr(3, 2) + " " + s.substr(5, 2) + " " +
               s.substr(7, 3) + " " + s.substr(10, 3) + " " + s.substr(13, 2);
      }
      return s;
    case AttributeType::kPhone:
      if (s.size() == 12 && s.rfind("+33", 0) == 0) {
        std::string national = "0" + s.substr(3), out;
        for (std::size_t i = 0; i < national.size(); ++i) {
          if (i > 0 && i % 2 == 0) out.push_back(' ');
          out.push_back(national[i]);
        }
        return out;
      }
      return s;
    case AttributeType::kCommune: {
      auto c = FindCommune(s);
      return c ? c->name + " (" + s + ")" : s;
    }
    case AttributeType::kNumber: {
      std::string out = s;
      auto dot = out.find('.');
      if (dot != std::string::npos) out[dot] = ',';
      return def.unit.empty() ? out : out + " " + def.unit;
    }
    default: return s;
  }
}

}  // namespace parcours::vault
