#include "parcours/console/console.h"

#include <nlohmann/json.hpp>

#include "parcours/base/clock.h"
#include "parcours/base/utf8.h"
#include "parcours/store/store.h"

namespace parcours::console {
namespace {

Status Bad(const std::string& field, const std::string& message) {
  return InvalidArgument("console.bad_interaction", message).WithField(field, message);
}

// Trims spaces at both ends.
std::string Trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

bool IsInteractionChannel(const std::string& channel) {
  return channel == "counter" || channel == "phone" || channel == "mail";
}

Result<std::string> RecordInteraction(store::Database& db, const Clock& clock, const Interaction& in) {
  if (in.person_id.empty() || in.actor.empty()) {
    return InvalidArgument("console.bad_interaction", "La personne et l'auteur de l'échange sont requis.");
  }
  if (!IsInteractionChannel(in.channel)) return Bad("canal", "Choisissez le canal : guichet, téléphone ou courrier.");
  const std::string subject = Trim(in.subject);
  const std::string note = Trim(in.note);
  if (subject.empty()) return Bad("objet", "Indiquez l'objet de l'échange.");
  if (Utf8Length(subject) > kMaxSubject) return Bad("objet", "L'objet compte 200 caractères au plus.");
  if (Utf8Length(note) > kMaxNote) return Bad("note", "La note compte 2000 caractères au plus.");
  std::string id;
  Status st = db.InTransaction([&](store::Transaction& tx) -> Status {
    store::Event ev;
    ev.type = "fr.parcours.interaction.recorded";
    ev.source = "/console";
    ev.subject = in.person_id;
    ev.person_id = in.person_id;
    ev.actor = in.actor;
    ev.channel = in.channel;
    nlohmann::json data = {{"subject", subject}, {"note", note}, {"on_behalf_of", in.person_id},
                           {"actor_name", in.actor_name}};
    if (!in.organisation.empty()) data["organisation"] = in.organisation;
    ev.data_json = data.dump();
    ASSIGN_OR_RETURN(id, store::AppendEvent(tx, std::move(ev), &clock));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return id;
}

std::string_view TimelineScope(std::string_view type) {
  static constexpr std::pair<std::string_view, std::string_view> kPrefixes[] = {
      {"fr.parcours.vault.", "vault"},
      {"fr.parcours.journey.", "journeys"},
      {"fr.parcours.proactive.", "journeys"},
      {"fr.parcours.feedback.", "journeys"},
      {"fr.parcours.declaration.", "declarations"},
      {"fr.parcours.delivery.", "declarations"},
      {"fr.parcours.signal.", "declarations"},
      {"fr.parcours.interaction.", ""},
      {"fr.parcours.complaint.", ""},
      {"fr.parcours.auth.mandate.", ""},
  };
  for (const auto& [prefix, scope] : kPrefixes) {
    if (type.starts_with(prefix)) return scope;
  }
  return "*";
}

Result<std::vector<store::Event>> Timeline(store::Database& db, const std::string& person_id, int limit,
                                           const std::function<bool(std::string_view scope)>& covers) {
  if (limit < 1 || limit > 500) {
    return InvalidArgument("console.bad_limit", "« limit » doit être un entier de 1 à 500.").WithField("limit", "De 1 à 500.");
  }
  ASSIGN_OR_RETURN(auto tx, db.BeginRead());
  std::vector<store::Event> out;
  std::string before;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<store::Event> page, store::ReadLatestEvents(*tx, person_id, 500, before));
    for (auto& e : page) {
      if (e.type == "fr.parcours.delivery.failed" || (covers && !covers(TimelineScope(e.type)))) continue;
      out.push_back(std::move(e));
      if (static_cast<int>(out.size()) == limit) return out;
    }
    if (page.size() < 500) return out;
    before = page.back().id;
  }
}

}  // namespace parcours::console
