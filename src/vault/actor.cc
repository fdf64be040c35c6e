#include "parcours/vault/actor.h"

namespace parcours::vault {

std::string_view ActorKindName(ActorKind kind) {
  switch (kind) {
    case ActorKind::kUsager: return "usager";
    case ActorKind::kAgent: return "agent";
    case ActorKind::kService: return "service";
    case ActorKind::kPlatform: return "platform";
  }
  return "usager";
}

Result<ActorKind> ParseActorKind(std::string_view text) {
  for (ActorKind k : {ActorKind::kUsager, ActorKind::kAgent, ActorKind::kService, ActorKind::kPlatform}) {
    if (ActorKindName(k) == text) return k;
  }
  return InvalidArgument("vault.bad_actor", "Type d'acteur inconnu.");
}

std::string Actor::ToString() const {
  return std::string(ActorKindName(kind)) + ":" + id;
}

}  // namespace parcours::vault
