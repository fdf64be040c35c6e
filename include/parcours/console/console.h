// The omnichannel console's own records (DESIGN.md capability 7): the interactions an agent or
// an aidant has with a person (at a counter, on the phone, by mail), and the person's one
// timeline across channels, read from the event log.
//
// An interaction is an event, "fr.parcours.interaction.recorded", on the person's timeline; its
// actor ("agent:<user id>", "aidant:<user id>") and channel say who acted for whom and where.
// No table of its own: the event log is the record. Dossiers (exchange), journeys and the vault
// keep their own state; the console pages compose them.
// Thread-safety: free functions over a shared Database.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/store/events.h"

namespace parcours {
class Clock;
}
namespace parcours::store {
class Database;
}

namespace parcours::console {

inline constexpr std::size_t kMaxSubject = 200;
inline constexpr std::size_t kMaxNote = 2000;

struct Interaction {
  std::string person_id;   // the person served
  std::string actor;       // "agent:<user id>" or "aidant:<user id>"
  std::string actor_name;  // display name of the actor when it happened (kept in the event)
  std::string organisation;  // the agent's organisation, "" for an aidant
  std::string channel;     // counter | phone | mail
  std::string subject;     // 1..200 characters
  std::string note;        // 0..2000 characters
};

// True for the channels an interaction may be recorded on.
bool IsInteractionChannel(const std::string& channel);

// Validates and appends the interaction's event; returns the event id. InvalidArgument
// "console.bad_interaction" with the field ("canal", "objet", "note") otherwise.
Result<std::string> RecordInteraction(store::Database& db, const Clock& clock, const Interaction& interaction);

// The mandate scope (auth mandates) that covers an event of a person's timeline: "vault",
// "journeys" (journeys, proactive offers, feedback) or "declarations" (declarations, their
// deliveries, agency signals); "" when any mandate does (the helpers' own interactions,
// complaints, the mandates themselves); "*" for anything else (a mandate for everything).
std::string_view TimelineScope(std::string_view event_type);

// The person's most recent events (every module's), newest first, at most `limit` (1..500).
// A delivery's transient failures (fr.parcours.delivery.failed, retried by the worker) are
// left out: the timeline shows what happened, not each retry. With `covers`, only the events
// whose TimelineScope it accepts (a helper's mandate).
Result<std::vector<store::Event>> Timeline(store::Database& db, const std::string& person_id, int limit = 100,
                                           const std::function<bool(std::string_view scope)>& covers = {});

}  // namespace parcours::console
