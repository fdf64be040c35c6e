// What a complaint is about, resolved to the organisation in charge (complaints.h).
#include <algorithm>

#include "parcours/catalog/catalog.h"
#include "parcours/complaints/complaints.h"
#include "parcours/exchange/dossier.h"
#include "parcours/journeys/journeys.h"
#include "parcours/store/store.h"

namespace parcours::complaints {
namespace {

Status Missing(const char* field, const std::string& message) {
  return NotFound("complaints.unknown_subject", message).WithField(field, message);
}

Result<Target> ForService(const catalog::Catalog& catalog, const std::string& id) {
  const catalog::Administration* a = catalog.FindAdministration(id);
  if (a == nullptr) return Missing("service", "Choisissez l'organisme concerné par votre réclamation.");
  return Target{a->id, a->id, a->name.fr, a->name.en};
}

Result<Target> ForDossier(store::Database& db, const catalog::Catalog& catalog, const std::string& person_id,
                          const std::string& id) {
  const std::string message = "Ce dossier n'existe pas parmi vos déclarations.";
  ASSIGN_OR_RETURN(auto tx, db.BeginRead());
  auto dossier = exchange::FindDossier(*tx, id);
  if (!dossier.ok() || dossier->person_id != person_id) return Missing("dossier_id", message);
  const catalog::Administration* a = catalog.FindAdministration(dossier->organisation);
  // The service dimension is the administration when the catalogue knows it (as for steps).
  return Target{dossier->organisation, a != nullptr ? a->id : dossier->organisation, dossier->service_name_fr,
                dossier->service_name_en};
}

Result<Target> ForStep(const catalog::Catalog& catalog, journeys::JourneyService& js, const std::string& person_id,
                       const Subject& s) {
  ASSIGN_OR_RETURN(std::vector<journeys::Journey> list, js.List(person_id));
  auto it = std::find_if(list.begin(), list.end(), [&](const journeys::Journey& j) { return j.id == s.journey_id; });
  if (it == list.end()) return Missing("journey_id", "Ce parcours n'existe pas parmi les vôtres.");
  const catalog::Event* event = catalog.FindEvent(it->event_id);
  const catalog::Step* step = event != nullptr ? event->FindStep(s.step_id) : nullptr;
  if (step == nullptr) return Missing("step_id", "Cette étape n'existe pas dans votre parcours.");
  const catalog::Administration* a = catalog.FindAdministration(step->administration);
  const std::string org = a != nullptr ? a->id : step->administration;
  return Target{org, org, step->title.fr + (a ? " (" + a->name.fr + ")" : ""),
                step->title.en + (a ? " (" + a->name.en + ")" : "")};
}

}  // namespace

TargetResolver NewTargetResolver(store::Database& db, const catalog::Catalog& catalog,
                                 journeys::JourneyService& js) {
  return [&db, &catalog, &js](const std::string& person_id, const Subject& s) -> Result<Target> {
    switch (s.about) {
      case About::kService:
        return ForService(catalog, s.service);
      case About::kDossier:
        return ForDossier(db, catalog, person_id, s.dossier_id);
      case About::kStep:
        return ForStep(catalog, js, person_id, s);
    }
    return Missing("about", "Précisez ce que concerne votre réclamation.");
  };
}

}  // namespace parcours::complaints
