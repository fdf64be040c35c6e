// The official commune list (@etalab/decoupage-administratif), embedded at build time by
// tools/communes/build-table.mjs as "<insee>\t<name>\t<postcodes,>\n" lines sorted by code.
#include <algorithm>
#include <cctype>
#include <map>

#include "parcours/vault/validate.h"
#include "refusal.h"

namespace parcours::vault {
namespace detail {
extern const std::string_view kCommunesTable;
}  // namespace detail
namespace {

struct Index {
  std::vector<Commune> communes;  // sorted by insee
  std::multimap<std::string, std::size_t, std::less<>> by_postcode;
};

const Index& GetIndex() {
  static const Index index = [] {
    Index idx;
    std::string_view table = detail::kCommunesTable;
    while (!table.empty()) {
      auto eol = table.find('\n');
      std::string_view line = table.substr(0, eol);
      table.remove_prefix(eol == std::string_view::npos ? table.size() : eol + 1);
      auto t1 = line.find('\t');
      auto t2 = line.find('\t', t1 + 1);
      if (t1 == std::string_view::npos || t2 == std::string_view::npos) continue;
      Commune c;
      c.insee = std::string(line.substr(0, t1));
      c.name = std::string(line.substr(t1 + 1, t2 - t1 - 1));
      std::string_view codes = line.substr(t2 + 1);
      while (!codes.empty()) {
        auto comma = codes.find(',');
        c.postcodes.emplace_back(codes.substr(0, comma));
        codes.remove_prefix(comma == std::string_view::npos ? codes.size() : comma + 1);
      }
      idx.communes.push_back(std::move(c));
    }
    for (std::size_t i = 0; i < idx.communes.size(); ++i) {
      for (const auto& pc : idx.communes[i].postcodes) idx.by_postcode.emplace(pc, i);
    }
    return idx;
  }();
  return index;
}

std::string Compact(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

std::optional<Commune> FindCommune(std::string_view insee) {
  const auto& v = GetIndex().communes;
  auto it = std::lower_bound(v.begin(), v.end(), insee,
                             [](const Commune& c, std::string_view code) { return c.insee < code; });
  if (it == v.end() || it->insee != insee) return std::nullopt;
  return *it;
}

std::vector<Commune> CommunesForPostcode(std::string_view postcode) {
  const Index& idx = GetIndex();
  std::vector<Commune> out;
  auto [lo, hi] = idx.by_postcode.equal_range(postcode);
  for (auto it = lo; it != hi; ++it) out.push_back(idx.communes[it->second]);
  return out;
}

std::size_t CommuneCount() { return GetIndex().communes.size(); }

Result<std::string> ValidatePostcode(std::string_view text) {
  std::string s = Compact(text);
  if (s.size() != 5 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return detail::Refusal("vault.invalid_postcode", kPostcodeFormat, "Le code postal doit compter 5 chiffres.");
  }
  if (GetIndex().by_postcode.find(s) == GetIndex().by_postcode.end()) {
    return detail::Refusal("vault.unknown_postcode", kUnknownPostcode,
                           "Ce code postal ne correspond à aucune commune de la liste officielle.");
  }
  return s;
}

Result<std::string> ValidateCommune(std::string_view text) {
  std::string s = Compact(text);
  if (s.size() != 5) {
    return detail::Refusal("vault.invalid_commune", kCommuneFormat,
                           "Le code commune INSEE compte 5 caractères (par exemple 33063 pour "
                           "Bordeaux).");
  }
  if (!FindCommune(s)) {
    return detail::Refusal("vault.unknown_commune", kUnknownCommune,
                           "Ce code commune ne figure pas dans la liste officielle des communes.");
  }
  return s;
}

Status CheckPostcodeCommune(std::string_view postcode, std::string_view insee) {
  auto commune = FindCommune(insee);
  if (!commune) return ValidateCommune(insee).status();
  if (std::find(commune->postcodes.begin(), commune->postcodes.end(), postcode) ==
      commune->postcodes.end()) {
    return detail::Refusal("vault.postcode_commune_mismatch", kPostcodeCommuneMismatch,
                           "Le code postal ne correspond pas à la commune " + commune->name + ".",
                           {{"commune", commune->name}});
  }
  return Status::Ok();
}

}  // namespace parcours::vault
