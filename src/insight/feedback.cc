// "Je donne mon avis" (see insight/feedback.h).
#include "parcours/insight/feedback.h"

#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "parcours/base/clock.h"
#include "parcours/base/utf8.h"
#include "parcours/store/events.h"

namespace parcours::insight {
namespace {

bool IsScale(const std::string& s) { return s == "bien" || s == "moyen" || s == "mal"; }

std::optional<int> IntIn(const std::string& s, int lo, int hi) {
  if (s.empty() || s.size() > 2 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const int v = std::stoi(s);
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

}  // namespace

FeedbackService::FeedbackService(store::Database& db, const Clock& clock, FeedbackLimits limits)
    : db_(db), clock_(clock), limits_(limits) {}

Status FeedbackService::Admit(const std::string& client, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (windows_.size() > 100000) {  // forget finished windows so the map stays bounded
    std::erase_if(windows_, [&](const auto& kv) { return now - kv.second.start_ms >= limits_.window_ms; });
  }
  Window& w = windows_[client];
  if (now - w.start_ms >= limits_.window_ms) w = Window{now, 0};
  if (w.count >= limits_.per_window) {
    return ResourceExhausted("insight.feedback_rate_limited",
                             "Vous avez déjà donné plusieurs avis récemment : merci, réessayez dans une heure.");
  }
  ++w.count;
  return Status::Ok();
}

Result<std::string> FeedbackService::Submit(const std::string& client, const std::string& person_id,
                                            const FeedbackInput& in) {
  static const std::regex kCode("[a-z0-9][a-z0-9_-]{0,63}");
  static const std::regex kId("[0-9a-fA-F-]{1,64}");
  static const std::regex kCommune("|[0-9][0-9AB][0-9]{3}");
  Status errors = InvalidArgument("insight.bad_feedback", "Votre avis n'a pas pu être enregistré : vérifiez les réponses.");
  // Each refusal carries a stable reason (and its bounds) for pages in other languages.
  auto refuse = [&errors](const char* field, const char* reason, std::string message,
                          std::map<std::string, std::string> params = {}) {
    errors.WithField(FieldError{field, std::move(message), reason, std::move(params)});
  };
  const auto& known = references_;
  if (!std::regex_match(in.life_event, kCode) || (known.life_event && !known.life_event(in.life_event))) {
    refuse("parcours", "unknown_journey", "Parcours inconnu.");
  }
  if (!in.step_id.empty() && !std::regex_match(in.step_id, kCode)) {
    refuse("etape", "malformed", "Étape mal formée.");
  } else if (!in.step_id.empty() && known.step && !known.step(in.life_event, in.step_id)) {
    refuse("etape", "unknown_step", "Étape inconnue dans ce parcours.");
  }
  if (!in.service.empty() && !std::regex_match(in.service, kCode)) {
    refuse("service", "malformed", "Service mal formé.");
  } else if (!in.service.empty() && known.service && !known.service(in.service)) {
    refuse("service", "unknown_service", "Service inconnu.");
  }
  if (!in.journey_id.empty() && !std::regex_match(in.journey_id, kId)) {
    refuse("parcours_id", "malformed", "Identifiant mal formé.");
  }
  if (!IsScale(in.satisfaction)) refuse("satisfaction", "satisfaction_required", "Dites-nous comment s'est passée la démarche.");
  if (!in.ease.empty() && !IsScale(in.ease)) refuse("facilite", "unknown_answer", "Réponse inconnue.");
  if (!in.clarity.empty() && !IsScale(in.clarity)) refuse("clarte", "unknown_answer", "Réponse inconnue.");
  const bool sought = in.help_sought == "oui";
  if (!in.help_sought.empty() && !sought && in.help_sought != "non") refuse("aide", "yes_or_no", "Répondez oui ou non.");
  if (!in.help_reached.empty() && (!sought || (in.help_reached != "oui" && in.help_reached != "non"))) {
    refuse("aide_obtenue", "yes_or_no_if_sought", "Répondez oui ou non, seulement si vous avez cherché de l'aide.");
  }
  const auto nps = IntIn(in.nps, 0, 10);
  if (!in.nps.empty() && !nps) {
    refuse("recommandation", "out_of_range", "Choisissez une note entière de 0 à 10.", {{"min", "0"}, {"max", "10"}});
  }
  const auto effort = IntIn(in.effort, 1, 7);
  if (!in.effort.empty() && !effort) {
    refuse("effort", "out_of_range", "Choisissez une note entière de 1 à 7.", {{"min", "1"}, {"max", "7"}});
  }
  if (Utf8Length(in.comment) > 2000) {
    refuse("commentaire", "too_long", "Le commentaire ne peut pas dépasser 2000 caractères.", {{"max", "2000"}});
  } else if (!IsValidUtf8(in.comment)) {
    refuse("commentaire", "invalid_characters", "Le commentaire contient des caractères invalides.");
  }
  if (!std::regex_match(in.commune, kCommune)) refuse("commune", "commune_format", "Code commune INSEE mal formé.");
  static const std::regex kChannel("web|counter|phone|mail|api");
  if (!std::regex_match(in.channel, kChannel)) refuse("canal", "unknown_channel", "Canal inconnu.");
  if (!errors.field_errors().empty()) return errors;

  const int64_t now = clock_.NowMillis();
  RETURN_IF_ERROR(Admit(client, now));
  nlohmann::json data = {{"life_event", in.life_event}, {"satisfaction", in.satisfaction}};
  if (!in.step_id.empty()) data["step_id"] = in.step_id;
  if (!in.service.empty()) data["service"] = in.service;
  if (!in.ease.empty()) data["ease"] = in.ease;
  if (!in.clarity.empty()) data["clarity"] = in.clarity;
  if (!in.help_sought.empty()) data["help_sought"] = sought;
  if (sought && !in.help_reached.empty()) data["help_reached"] = in.help_reached == "oui";
  if (nps) data["nps"] = *nps;
  if (effort) data["effort"] = *effort;
  if (!in.comment.empty()) data["comment"] = in.comment;
  if (!in.commune.empty()) data["commune"] = in.commune;
  const bool linked = in.link_identity && !person_id.empty();
  data["linked"] = linked;
  // Without consent nothing leads back to the person: not even the journey id.
  if (linked && !in.journey_id.empty()) data["journey_id"] = in.journey_id;
  store::Event e;
  e.type = "fr.parcours.feedback.submitted";
  e.source = "/insight";
  e.subject = linked ? in.journey_id : "";
  e.person_id = linked ? person_id : "";
  e.actor = linked ? "usager:" + person_id : "anonymous";
  e.channel = in.channel;
  e.time_ms = now;
  e.data_json = data.dump();
  std::string id;
  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(id, store::AppendEvent(tx, e, &clock_));
    return Status::Ok();
  }));
  return id;
}

}  // namespace parcours::insight
