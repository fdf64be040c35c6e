// Names, categories and dates of complaints (complaints.h).
#include "parcours/complaints/complaints.h"

namespace parcours::complaints {

std::string_view AboutName(About about) {
  switch (about) {
    case About::kService: return "service";
    case About::kDossier: return "dossier";
    case About::kStep: return "step";
  }
  return "service";
}

std::optional<About> ParseAbout(std::string_view name) {
  if (name == "service") return About::kService;
  if (name == "dossier") return About::kDossier;
  if (name == "step") return About::kStep;
  return std::nullopt;
}

const std::vector<std::string>& Categories() {
  static const std::vector<std::string> kCategories = {"delai", "erreur", "accueil", "information", "autre"};
  return kCategories;
}

std::string_view StateName(State state) {
  switch (state) {
    case State::kDeposee: return "deposee";
    case State::kEnCours: return "en_cours";
    case State::kResolue: return "resolue";
    case State::kRejetee: return "rejetee";
  }
  return "deposee";
}

std::optional<State> ParseState(std::string_view name) {
  for (State s : {State::kDeposee, State::kEnCours, State::kResolue, State::kRejetee}) {
    if (StateName(s) == name) return s;
  }
  return std::nullopt;
}

int64_t DueMillis(int64_t filed_ms, int sla_days) { return filed_ms + int64_t{sla_days} * kDayMs; }

bool Complaint::Overdue(int64_t now_ms) const {
  if (IsOpen(state)) return now_ms > due_ms;
  return closed_ms && *closed_ms > due_ms;
}

}  // namespace parcours::complaints
