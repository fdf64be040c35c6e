// Complaints ("réclamations") handled with a deadline. A usager (or an aidant / agent acting
// under a mandate) files a complaint about an administration, one of their dossiers (a
// delivery of a declaration) or a step of one of their journeys; the organisation in charge
// is derived from that subject. The complaint is acknowledged at once with a due date
// (filing time + the configured SLA in days). Agents of that organisation see a queue ordered
// by due date, take a complaint, answer the person and resolve it, or reject it with a reason.
//
// State machine (every transition appends its event in the same transaction):
//   deposee --Take--> en_cours --Answer--> en_cours --Resolve--> resolue
//   deposee | en_cours --Reject(reason)--> rejetee
// Events (source "/complaints", subject = complaint id, person_id = the person):
//   fr.parcours.complaint.filed    {service, organisation, category, about, due, sla_days,
//                                   dossier_id?, journey_id?, step_id?}
//   fr.parcours.complaint.assigned {service, organisation, assignee}
//   fr.parcours.complaint.answered {service, organisation}
//   fr.parcours.complaint.resolved {service, organisation, outcome (resolue|rejetee),
//                                   overdue, delay_ms}
// `service` is the administration id (insight's service dimension, docs/INDICATORS.md); the
// complaint's text, answers and reasons never go into events (they stay in the tables).
//
// Thread-safety: ComplaintService holds no mutable state; share it between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"

namespace parcours {
class Clock;
}
namespace parcours::store {
class Database;
class Transaction;
}

namespace parcours::complaints {

inline constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;
inline constexpr std::size_t kMaxTextChars = 4000;      // complaint text, answers, reasons
inline constexpr std::size_t kMinTextChars = 10;        // a complaint says at least something
inline constexpr std::size_t kMaxReferenceChars = 64;   // the person's own reference

// What a complaint is about.
enum class About { kService, kDossier, kStep };
std::string_view AboutName(About about);  // "service" | "dossier" | "step"
std::optional<About> ParseAbout(std::string_view name);

// Categories offered to the person (stable codes).
const std::vector<std::string>& Categories();  // delai, erreur, accueil, information, autre

enum class State { kDeposee, kEnCours, kResolue, kRejetee };
std::string_view StateName(State state);  // "deposee" | "en_cours" | "resolue" | "rejetee"
std::optional<State> ParseState(std::string_view name);
inline bool IsOpen(State s) { return s == State::kDeposee || s == State::kEnCours; }

// The due date of a complaint filed at `filed_ms` under an SLA of `sla_days` calendar days.
int64_t DueMillis(int64_t filed_ms, int sla_days);

// Who acts ("usager:<id>", "aidant:<id>", "agent:<id>"), through which channel, and the name
// shown to the person for an agent's answer.
struct Actor {
  std::string id;
  std::string channel = "web";
  std::string display_name;
};

struct Subject {
  About about = About::kService;
  std::string service;     // kService: an administration id of the catalogue
  std::string dossier_id;  // kDossier: a delivery id of one of the person's declarations
  std::string journey_id;  // kStep: one of the person's journeys...
  std::string step_id;     // ...and one of its steps
};

// The organisation in charge of a subject, the administration id counted by insight, and a
// label for pages ("Caisse d'allocations familiales (Caf)", "CAF - changement de coordonnées").
struct Target {
  std::string organisation_id;
  std::string service;
  std::string label_fr;
  std::string label_en;
};

// Resolves a subject for `person_id`: NotFound (with the field) for an unknown administration,
// a dossier or journey that is not the person's, an unknown step.
using TargetResolver = std::function<Result<Target>(const std::string& person_id, const Subject& subject)>;

struct NewComplaint {
  Subject subject;
  std::string category;
  std::string text;
  std::string reference;  // optional: the person's own file number at the organisation
};

struct Message {
  std::string author_kind;  // "usager" (the person or someone for them) | "agent"
  std::string author_name;  // agents only
  std::string body;
  int64_t created_ms = 0;
};

struct Complaint {
  std::string id;
  std::string person_id;
  std::string organisation_id;
  std::string service;
  Subject subject;
  std::string target_label_fr;
  std::string target_label_en;
  std::string category;
  std::string text;
  std::string reference;
  State state = State::kDeposee;
  std::string channel;
  std::string filed_by;
  std::string assignee;       // actor id of the agent who took it
  std::string assignee_name;
  std::string reason;         // rejection reason
  int sla_days = 0;
  int64_t filed_ms = 0;
  int64_t due_ms = 0;
  std::optional<int64_t> assigned_ms;
  std::optional<int64_t> closed_ms;
  int64_t updated_ms = 0;
  std::vector<Message> messages;  // filled by Get* only, oldest first

  // Open and past its due date at `now_ms`; a closed complaint was overdue when it closed late.
  bool Overdue(int64_t now_ms) const;
};

struct QueueFilter {
  bool open_only = true;  // deposee and en_cours; false = every complaint of the organisation
  int limit = 100;        // 1..500
};

class ComplaintService {
 public:
  // `db`, `clock` must outlive the service. `sla_days` is the configured SLA (1..366).
  ComplaintService(store::Database& db, const Clock& clock, TargetResolver targets, int sla_days);

  int sla_days() const { return sla_days_; }

  // Validates and records a complaint (state deposee, due date = now + SLA) and appends
  // fr.parcours.complaint.filed in the same transaction. Errors (InvalidArgument with field
  // errors, French messages): complaints.invalid (category, text, reference), and the
  // resolver's NotFound for the subject.
  Result<Complaint> File(const Actor& actor, const std::string& person_id, const NewComplaint& input);

  // The person's complaints, newest first (without messages).
  Result<std::vector<Complaint>> ListForPerson(const std::string& person_id, int limit = 100);
  // One complaint of the person, with its messages. NotFound complaints.not_found otherwise.
  Result<Complaint> GetForPerson(const std::string& person_id, std::string_view complaint_id);

  // The organisation's queue, ordered by due date (earliest first), then filing.
  Result<std::vector<Complaint>> Queue(const std::vector<std::string>& organisation_ids, const QueueFilter& filter);
  // One complaint of one of the organisations, with its messages.
  Result<Complaint> GetForOrganisation(const std::vector<std::string>& organisation_ids,
                                       std::string_view complaint_id);

  // Transitions by an agent of one of `organisation_ids` (else NotFound complaints.not_found).
  // Conflict complaints.bad_transition when the state does not allow it (e.g. taking a
  // complaint another agent already took, answering a closed one).
  Result<Complaint> Take(const Actor& agent, const std::vector<std::string>& organisation_ids,
                         std::string_view complaint_id);
  // Sends `message` to the person (en_cours only; the agent takes it first when deposee).
  Result<Complaint> Answer(const Actor& agent, const std::vector<std::string>& organisation_ids,
                           std::string_view complaint_id, const std::string& message);
  // Closes as resolue. `message`, when not empty, is sent first as a final answer; a complaint
  // with no answer at all is refused (complaints.answer_required): the person must be told.
  Result<Complaint> Resolve(const Actor& agent, const std::vector<std::string>& organisation_ids,
                            std::string_view complaint_id, const std::string& message);
  // Closes as rejetee with `reason` (shown to the person; required).
  Result<Complaint> Reject(const Actor& agent, const std::vector<std::string>& organisation_ids,
                           std::string_view complaint_id, const std::string& reason);

 private:
  Status AnswerIn(store::Transaction& tx, Complaint& c, const Actor& agent, const std::string& message, int64_t now);

  store::Database& db_;
  const Clock& clock_;
  TargetResolver targets_;
  int sla_days_;
};

}  // namespace parcours::complaints

namespace parcours::catalog {
class Catalog;
}
namespace parcours::journeys {
class JourneyService;
}

namespace parcours::complaints {

// The resolver of a server node: administrations from the catalogue, dossiers from the
// exchange's deliveries, steps from the person's journeys. All references must outlive it.
TargetResolver NewTargetResolver(store::Database& db, const catalog::Catalog& catalog,
                                 journeys::JourneyService& journeys);

}  // namespace parcours::complaints
