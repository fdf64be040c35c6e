#include "parcours/auth/config.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace parcours::auth {
namespace {

Status Bad(const std::string& variable, const std::string& expected) {
  return InvalidArgument("auth.config_invalid", variable + " : " + expected + ".");
}

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, sep)) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

Result<int> Positive(const EnvFn& env, const std::string& name, int fallback) {
  auto v = env(name);
  if (!v || v->empty()) return fallback;
  if (v->size() > 6 || !std::all_of(v->begin(), v->end(), [](unsigned char c) { return std::isdigit(c); }) ||
      std::stoi(*v) <= 0) {
    return Bad(name, "nombre entier positif attendu");
  }
  return std::stoi(*v);
}

}  // namespace

Result<AuthOptions> OptionsFromEnvironment(const EnvFn& env, const std::string& base_url, bool behind_tls,
                                           bool demo) {
  AuthOptions options;
  options.secure_cookies = behind_tls;
  options.demo = demo;
  ASSIGN_OR_RETURN(int idle, Positive(env, "PARCOURS_SESSION_IDLE_MINUTES", 30));
  ASSIGN_OR_RETURN(int max_hours, Positive(env, "PARCOURS_SESSION_MAX_HOURS", 12));
  options.session_idle = std::chrono::minutes(idle);
  options.session_absolute = std::chrono::hours(max_hours);
  ASSIGN_OR_RETURN(options.mandate_max_days, Positive(env, "PARCOURS_MANDATE_MAX_DAYS", 365));
  if (options.mandate_max_days > 3650) return Bad("PARCOURS_MANDATE_MAX_DAYS", "au plus 3650 jours");

  for (const std::string& id : Split(env("PARCOURS_OIDC_PROVIDERS").value_or(""), ',')) {
    if (!std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '-'; })) {
      return Bad("PARCOURS_OIDC_PROVIDERS", "identifiants en minuscules, chiffres et tirets attendus");
    }
    std::string upper = id;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return c == '-' ? '_' : static_cast<char>(std::toupper(c)); });
    const std::string prefix = "PARCOURS_OIDC_" + upper + "_";
    auto get = [&](const char* key) { return env(prefix + key).value_or(""); };
    if (base_url.empty()) return Bad("PARCOURS_BASE_URL", "requis quand un fournisseur OIDC est configuré");
    ProviderConfig p;
    p.id = id;
    p.label = get("LABEL").empty() ? id : get("LABEL");
    p.issuer = get("ISSUER");
    p.client_id = get("CLIENT_ID");
    p.client_secret = get("CLIENT_SECRET");
    if (const std::string file = get("CLIENT_SECRET_FILE"); !file.empty()) {
      std::ifstream in(file);
      if (!std::getline(in, p.client_secret)) return Bad(prefix + "CLIENT_SECRET_FILE", "fichier illisible");
    }
    if (p.issuer.rfind("https://", 0) != 0 && p.issuer.rfind("http://127.0.0.1", 0) != 0 &&
        p.issuer.rfind("http://localhost", 0) != 0) {
      return Bad(prefix + "ISSUER", "URL https:// attendue (http seulement en local)");
    }
    if (p.client_id.empty()) return Bad(prefix + "CLIENT_ID", "identifiant client requis");
    const std::string role = get("ROLE").empty() ? "usager" : get("ROLE");
    auto parsed = ParseRole(role);
    if (!parsed || *parsed == Role::kIntegrateur) return Bad(prefix + "ROLE", "rôle inconnu");
    p.role = *parsed;
    p.organisation_id = get("ORGANISATION");
    const std::string acr = get("ACR");
    if (acr == "-") {
      p.acr_values.clear();
    } else if (!acr.empty()) {
      p.acr_values = Split(acr, ' ');
    } else if (p.role != Role::kUsager) {
      p.acr_values.clear();
    }
    if (const std::string scopes = get("SCOPES"); !scopes.empty()) p.scopes = Split(scopes, ' ');
    p.redirect_uri = base_url + "/auth/oidc/" + id + "/callback";
    p.post_logout_redirect_uri = base_url + "/deconnexion/fin";
    options.providers.push_back(std::move(p));
  }
  return options;
}

}  // namespace parcours::auth
