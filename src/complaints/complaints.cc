// ComplaintService: filing, lists and the state machine (complaints.h).
#include "parcours/complaints/complaints.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <nlohmann/json.hpp>

#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/store/events.h"
#include "parcours/store/store.h"
#include "text.h"

namespace parcours::complaints {
namespace {

using nlohmann::json;

constexpr const char* kColumns =
    "id, person_id, organisation_id, service, about, dossier_id, journey_id, step_id, target_label_fr, "
    "target_label_en, category, body, reference, state, channel, filed_by, assignee, assignee_name, reason, "
    "sla_days, filed_ms, due_ms, assigned_ms, closed_ms, updated_ms";

Status NotFoundComplaint() { return NotFound("complaints.not_found", "Réclamation introuvable."); }

Status BadTransition(const Complaint& c, std::string_view action) {
  static const std::map<std::string_view, std::string_view> kStates = {
      {"deposee", "déposée"}, {"en_cours", "en cours de traitement"}, {"resolue", "résolue"},
      {"rejetee", "rejetée"}};
  return Conflict("complaints.bad_transition", "Impossible de " + std::string(action) + " : la réclamation est " +
                                                   std::string(kStates.at(StateName(c.state))) + ".");
}

Complaint FromRow(const store::Row& r) {
  Complaint c;
  c.id = r.Text(0);
  c.person_id = r.Text(1);
  c.organisation_id = r.Text(2);
  c.service = r.Text(3);
  c.subject.about = ParseAbout(r.Text(4)).value_or(About::kService);
  c.subject.service = c.subject.about == About::kService ? c.service : "";
  c.subject.dossier_id = r.OptText(5).value_or("");
  c.subject.journey_id = r.OptText(6).value_or("");
  c.subject.step_id = r.OptText(7).value_or("");
  c.target_label_fr = r.Text(8);
  c.target_label_en = r.Text(9);
  c.category = r.Text(10);
  c.text = r.Text(11);
  c.reference = r.Text(12);
  c.state = ParseState(r.Text(13)).value_or(State::kDeposee);
  c.channel = r.Text(14);
  c.filed_by = r.Text(15);
  c.assignee = r.Text(16);
  c.assignee_name = r.Text(17);
  c.reason = r.Text(18);
  c.sla_days = static_cast<int>(r.Int(19));
  c.filed_ms = r.Int(20);
  c.due_ms = r.Int(21);
  c.assigned_ms = r.OptInt(22);
  c.closed_ms = r.OptInt(23);
  c.updated_ms = r.Int(24);
  return c;
}

std::string AuthorKind(const Actor& actor) { return actor.id.rfind("agent:", 0) == 0 ? "agent" : "usager"; }

json Base(const Complaint& c) { return {{"service", c.service}, {"organisation", c.organisation_id}}; }

Status Append(store::Transaction& tx, const Clock& clock, std::string type, const Actor& actor, const Complaint& c,
              const json& data, int64_t now) {
  store::Event e;
  e.type = "fr.parcours.complaint." + std::move(type);
  e.source = "/complaints";
  e.subject = c.id;
  e.person_id = c.person_id;
  e.actor = actor.id;
  e.channel = actor.channel;
  e.time_ms = now;
  e.data_json = data.dump();
  return store::AppendEvent(tx, std::move(e), &clock).status();
}

Result<std::vector<Message>> LoadMessages(store::Transaction& tx, const std::string& id) {
  ASSIGN_OR_RETURN(store::Rows rows, tx.Query("SELECT author_kind, author_name, body, created_ms FROM "
                                              "complaint_messages WHERE complaint_id = $1 ORDER BY seq",
                                              {id}));
  std::vector<Message> out;
  for (const auto& r : rows) out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3)});
  return out;
}

Status AddMessage(store::Transaction& tx, const Complaint& c, const Actor& actor, const std::string& body,
                  int64_t now) {
  ASSIGN_OR_RETURN(store::Row next, tx.QueryOne("SELECT COALESCE(MAX(seq), 0) + 1 FROM complaint_messages "
                                                "WHERE complaint_id = $1",
                                                {c.id}));
  return tx.Execute("INSERT INTO complaint_messages (complaint_id, seq, author_kind, author, author_name, body, "
                    "created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    {c.id, next.Int(0), AuthorKind(actor), actor.id, actor.display_name, body, now})
      .status();
}

// Loads a complaint of one of `orgs` inside `tx` (NotFound for any other).
Result<Complaint> LoadForOrganisations(store::Transaction& tx, const std::vector<std::string>& orgs,
                                       std::string_view id) {
  ASSIGN_OR_RETURN(store::Rows rows, tx.Query(std::string("SELECT ") + kColumns + " FROM complaints WHERE id = $1",
                                              {std::string(id)}));
  if (rows.empty()) return NotFoundComplaint();
  Complaint c = FromRow(rows[0]);
  if (std::find(orgs.begin(), orgs.end(), c.organisation_id) == orgs.end()) return NotFoundComplaint();
  return c;
}

Status Validate(const NewComplaint& in) {
  Status bad = InvalidArgument("complaints.invalid", "La réclamation contient des erreurs : corrigez-les.");
  bool any = false;
  const auto& cats = Categories();
  if (std::find(cats.begin(), cats.end(), in.category) == cats.end()) {
    std::string known;
    for (const auto& c : cats) known += (known.empty() ? "" : ", ") + std::string(c);
    bad.WithField(FieldError{"category", "Choisissez le motif de votre réclamation.", "unknown_category",
                             {{"choices", known}}});
    any = true;
  }
  for (auto e : {detail::CheckText("text", in.text, kMinTextChars, kMaxTextChars, "Le texte de la réclamation"),
                 detail::CheckText("reference", in.reference, 0, kMaxReferenceChars, "La référence")}) {
    if (!e) continue;
    bad.WithField(std::move(*e));
    any = true;
  }
  return any ? bad : Status::Ok();
}

}  // namespace

ComplaintService::ComplaintService(store::Database& db, const Clock& clock, TargetResolver targets, int sla_days)
    : db_(db), clock_(clock), targets_(std::move(targets)), sla_days_(sla_days) {}

Result<Complaint> ComplaintService::File(const Actor& actor, const std::string& person_id, const NewComplaint& raw) {
  NewComplaint in = raw;
  in.text = detail::Trim(in.text);
  in.reference = detail::Trim(in.reference);
  RETURN_IF_ERROR(Validate(in));
  ASSIGN_OR_RETURN(Target target, targets_(person_id, in.subject));

  Complaint c;
  c.id = NewId(&clock_);
  c.person_id = person_id;
  c.organisation_id = target.organisation_id;
  c.service = target.service;
  c.subject = in.subject;
  c.target_label_fr = target.label_fr;
  c.target_label_en = target.label_en;
  c.category = in.category;
  c.text = in.text;
  c.reference = in.reference;
  c.state = State::kDeposee;
  c.channel = actor.channel;
  c.filed_by = actor.id;
  c.sla_days = sla_days_;
  c.filed_ms = c.updated_ms = clock_.NowMillis();
  c.due_ms = DueMillis(c.filed_ms, sla_days_);
  auto opt = [](const std::string& s) { return s.empty() ? store::Value() : store::Value(s); };
  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO complaints (id, person_id, organisation_id, service, about, dossier_id, journey_id, step_id, "
        "target_label_fr, target_label_en, category, body, reference, state, channel, filed_by, sla_days, filed_ms, "
        "due_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
        "$19, $20)",
        {c.id, c.person_id, c.organisation_id, c.service, std::string(AboutName(c.subject.about)),
         opt(c.subject.dossier_id), opt(c.subject.journey_id), opt(c.subject.step_id), c.target_label_fr,
         c.target_label_en, c.category, c.text, c.reference, std::string(StateName(c.state)), c.channel, c.filed_by,
         int64_t{c.sla_days}, c.filed_ms, c.due_ms, c.updated_ms}));
    json data = Base(c);
    data["category"] = c.category;
    data["about"] = AboutName(c.subject.about);
    data["due"] = FormatRfc3339(TimePoint(std::chrono::milliseconds(c.due_ms)));
    data["sla_days"] = c.sla_days;
    if (!c.subject.dossier_id.empty()) data["dossier_id"] = c.subject.dossier_id;
    if (!c.subject.journey_id.empty()) data["journey_id"] = c.subject.journey_id;
    if (!c.subject.step_id.empty()) data["step_id"] = c.subject.step_id;
    return Append(tx, clock_, "filed", actor, c, data, c.filed_ms);
  }));
  return c;
}

Result<std::vector<Complaint>> ComplaintService::ListForPerson(const std::string& person_id, int limit) {
  limit = std::clamp(limit, 1, 500);
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx->Query(std::string("SELECT ") + kColumns +
                                 " FROM complaints WHERE person_id = $1 ORDER BY filed_ms DESC, id DESC LIMIT $2",
                             {person_id, int64_t{limit}}));
  std::vector<Complaint> out;
  for (const auto& r : rows) out.push_back(FromRow(r));
  return out;
}

Result<Complaint> ComplaintService::GetForPerson(const std::string& person_id, std::string_view id) {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(store::Rows rows, tx->Query(std::string("SELECT ") + kColumns +
                                                   " FROM complaints WHERE id = $1 AND person_id = $2",
                                               {std::string(id), person_id}));
  if (rows.empty()) return NotFoundComplaint();
  Complaint c = FromRow(rows[0]);
  ASSIGN_OR_RETURN(c.messages, LoadMessages(*tx, c.id));
  return c;
}

Result<std::vector<Complaint>> ComplaintService::Queue(const std::vector<std::string>& orgs,
                                                       const QueueFilter& filter) {
  std::vector<Complaint> out;
  if (orgs.empty()) return out;
  if (filter.limit < 1 || filter.limit > 500) {
    return InvalidArgument("complaints.bad_limit", "« limit » doit être un entier de 1 à 500.")
        .WithField("limit", "Entier de 1 à 500.");
  }
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  // One query per organisation (an agent belongs to few), merged by due date.
  for (const auto& org : orgs) {
    ASSIGN_OR_RETURN(store::Rows rows,
                     tx->Query(std::string("SELECT ") + kColumns + " FROM complaints WHERE organisation_id = $1" +
                                   (filter.open_only ? " AND state IN ('deposee', 'en_cours')" : "") +
                                   " ORDER BY due_ms, id LIMIT $2",
                               {org, int64_t{filter.limit}}));
    for (const auto& r : rows) out.push_back(FromRow(r));
  }
  std::sort(out.begin(), out.end(),
            [](const Complaint& a, const Complaint& b) { return std::tie(a.due_ms, a.id) < std::tie(b.due_ms, b.id); });
  if (out.size() > static_cast<std::size_t>(filter.limit)) out.resize(filter.limit);
  return out;
}

Result<Complaint> ComplaintService::GetForOrganisation(const std::vector<std::string>& orgs, std::string_view id) {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(Complaint c, LoadForOrganisations(*tx, orgs, id));
  ASSIGN_OR_RETURN(c.messages, LoadMessages(*tx, c.id));
  return c;
}

Result<Complaint> ComplaintService::Take(const Actor& agent, const std::vector<std::string>& orgs,
                                         std::string_view id) {
  Complaint c;
  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(c, LoadForOrganisations(tx, orgs, id));
    if (c.state != State::kDeposee) return BadTransition(c, "la prendre en charge");
    const int64_t now = clock_.NowMillis();
    ASSIGN_OR_RETURN(int64_t changed,
                     tx.Execute("UPDATE complaints SET state = 'en_cours', assignee = $1, assignee_name = $2, "
                                "assigned_ms = $3, updated_ms = $3 WHERE id = $4 AND state = 'deposee'",
                                {agent.id, agent.display_name, now, c.id}));
    if (changed != 1) return BadTransition(c, "la prendre en charge");
    c.state = State::kEnCours;
    c.assignee = agent.id;
    c.assignee_name = agent.display_name;
    c.assigned_ms = c.updated_ms = now;
    json data = Base(c);
    data["assignee"] = agent.id;
    return Append(tx, clock_, "assigned", agent, c, data, now);
  }));
  return GetForOrganisation(orgs, id);
}

// Sends `message` inside `tx` (taking the complaint first when nobody has).
Status ComplaintService::AnswerIn(store::Transaction& tx, Complaint& c, const Actor& agent,
                                  const std::string& message, int64_t now) {
  if (c.state == State::kDeposee) {
    RETURN_IF_ERROR(tx.Execute("UPDATE complaints SET state = 'en_cours', assignee = $1, assignee_name = $2, "
                               "assigned_ms = $3 WHERE id = $4",
                               {agent.id, agent.display_name, now, c.id})
                        .status());
    c.state = State::kEnCours;
    json data = Base(c);
    data["assignee"] = agent.id;
    RETURN_IF_ERROR(Append(tx, clock_, "assigned", agent, c, data, now));
  }
  RETURN_IF_ERROR(AddMessage(tx, c, agent, message, now));
  RETURN_IF_ERROR(tx.Execute("UPDATE complaints SET updated_ms = $1 WHERE id = $2", {now, c.id}).status());
  c.messages.push_back({AuthorKind(agent), agent.display_name, message, now});
  return Append(tx, clock_, "answered", agent, c, Base(c), now);
}

Result<Complaint> ComplaintService::Answer(const Actor& agent, const std::vector<std::string>& orgs,
                                           std::string_view id, const std::string& raw) {
  const std::string message = detail::Trim(raw);
  if (auto e = detail::CheckText("message", message, 1, kMaxTextChars, "La réponse")) {
    return InvalidArgument("complaints.invalid", e->message).WithField(std::move(*e));
  }
  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(Complaint c, LoadForOrganisations(tx, orgs, id));
    if (!IsOpen(c.state)) return BadTransition(c, "répondre");
    return AnswerIn(tx, c, agent, message, clock_.NowMillis());
  }));
  return GetForOrganisation(orgs, id);
}

Result<Complaint> ComplaintService::Resolve(const Actor& agent, const std::vector<std::string>& orgs,
                                            std::string_view id, const std::string& raw) {
  const std::string message = detail::Trim(raw);
  if (!message.empty()) {
    if (auto e = detail::CheckText("message", message, 1, kMaxTextChars, "La réponse")) {
      return InvalidArgument("complaints.invalid", e->message).WithField(std::move(*e));
    }
  }
  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(Complaint c, LoadForOrganisations(tx, orgs, id));
    if (c.state != State::kEnCours) return BadTransition(c, "la résoudre");
    const int64_t now = clock_.NowMillis();
    if (!message.empty()) {
      RETURN_IF_ERROR(AnswerIn(tx, c, agent, message, now));
    } else {
      ASSIGN_OR_RETURN(store::Row n, tx.QueryOne("SELECT COUNT(*) FROM complaint_messages WHERE complaint_id = $1 "
                                                 "AND author_kind = 'agent'",
                                                 {c.id}));
      if (n.Int(0) == 0) {
        const std::string text = "Répondez à la personne avant de clore sa réclamation.";
        return Conflict("complaints.answer_required", text).WithField("message", text);
      }
    }
    RETURN_IF_ERROR(tx.Execute("UPDATE complaints SET state = 'resolue', closed_ms = $1, updated_ms = $1 "
                               "WHERE id = $2",
                               {now, c.id})
                        .status());
    json data = Base(c);
    data["outcome"] = "resolue";
    data["overdue"] = now > c.due_ms;
    data["delay_ms"] = now - c.filed_ms;
    return Append(tx, clock_, "resolved", agent, c, data, now);
  }));
  return GetForOrganisation(orgs, id);
}

Result<Complaint> ComplaintService::Reject(const Actor& agent, const std::vector<std::string>& orgs,
                                           std::string_view id, const std::string& raw) {
  const std::string reason = detail::Trim(raw);
  if (auto e = detail::CheckText("reason", reason, 1, kMaxTextChars, "Le motif du rejet")) {
    return InvalidArgument("complaints.invalid", e->message).WithField(std::move(*e));
  }
  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(Complaint c, LoadForOrganisations(tx, orgs, id));
    if (!IsOpen(c.state)) return BadTransition(c, "la rejeter");
    const int64_t now = clock_.NowMillis();
    RETURN_IF_ERROR(tx.Execute("UPDATE complaints SET state = 'rejetee', reason = $1, closed_ms = $2, "
                               "updated_ms = $2, assignee = CASE WHEN assignee = '' THEN CAST($3 AS TEXT) ELSE assignee END, "
                               "assignee_name = CASE WHEN assignee_name = '' THEN CAST($4 AS TEXT) ELSE assignee_name "
                               "END "
                               "WHERE id = $5",
                               {reason, now, agent.id, agent.display_name, c.id})
                        .status());
    json data = Base(c);
    data["outcome"] = "rejetee";
    data["overdue"] = now > c.due_ms;
    data["delay_ms"] = now - c.filed_ms;
    return Append(tx, clock_, "resolved", agent, c, data, now);
  }));
  return GetForOrganisation(orgs, id);
}

}  // namespace parcours::complaints
