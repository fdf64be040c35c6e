// Who is acting on the vault. Every vault call takes the acting principal explicitly; the
// `auth` module builds it from the session, API key or mandate it has already checked.
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parcours/base/status.h"

namespace parcours::vault {

enum class ActorKind {
  kUsager,    // the person, or an aidant (on_behalf_of = the person, under a mandate auth checked)
  kAgent,     // a counter, phone or back-office agent (on_behalf_of = the person served)
  kService,   // an agency service, identified by its service id
  kPlatform,  // Parcours itself (journey computation, FranceConnect import, campaigns)
};

struct Actor {
  ActorKind kind = ActorKind::kUsager;
  std::string id;                           // person id, agent id, service id, platform component
  std::optional<std::string> on_behalf_of;  // the person an aidant or agent acts for

  static Actor Usager(std::string person_id) { return {ActorKind::kUsager, std::move(person_id), {}}; }
  static Actor Aidant(std::string aidant_id, std::string person_id) {
    return {ActorKind::kUsager, std::move(aidant_id), std::move(person_id)};
  }
  static Actor Agent(std::string agent_id, std::string person_id) {
    return {ActorKind::kAgent, std::move(agent_id), std::move(person_id)};
  }
  static Actor Service(std::string service_id) { return {ActorKind::kService, std::move(service_id), {}}; }
  static Actor Platform(std::string component) { return {ActorKind::kPlatform, std::move(component), {}}; }

  // True when the actor is the person `person_id` acting for themself.
  bool IsSelf(std::string_view person_id) const {
    return kind == ActorKind::kUsager && !on_behalf_of && id == person_id;
  }
  // "usager:<id>", "agent:<id>", "service:<id>", "platform:<id>" (events, history).
  std::string ToString() const;
};

std::string_view ActorKindName(ActorKind kind);  // "usager", "agent", "service", "platform"
Result<ActorKind> ParseActorKind(std::string_view text);

}  // namespace parcours::vault
