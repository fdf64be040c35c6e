#include "parcours/exchange/inbound.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "parcours/base/clock.h"
#include "parcours/base/utf8.h"
#include "parcours/store/events.h"
#include "parcours/store/store.h"
#include "parcours/vault/vault.h"

namespace parcours::exchange {
namespace {

const std::map<std::string, std::set<std::string>>& Transitions() {
  static const std::map<std::string, std::set<std::string>> kMoves = {
      {"envoyee", {"recue", "en_instruction", "informations_demandees", "acceptee", "refusee"}},
      {"recue", {"en_instruction", "informations_demandees", "acceptee", "refusee"}},
      {"en_instruction", {"informations_demandees", "acceptee", "refusee"}},
      {"informations_demandees", {"en_instruction", "acceptee", "refusee"}},
      {"acceptee", {"payee"}},
  };
  return kMoves;
}

bool IsKnownStatus(const std::string& s) {
  return !AgencyStatusLabel(s).empty() && s != "non_transmise";
}

}  // namespace

bool IsAllowedTransition(const std::string& from, const std::string& to) {
  auto it = Transitions().find(from);
  return it != Transitions().end() && it->second.count(to) > 0;
}

std::string AgencyStatusLabel(const std::string& status, const std::string& lang) {
  static const std::map<std::string, std::pair<const char*, const char*>> kLabels = {
      {"envoyee", {"Envoyée", "Sent"}},
      {"recue", {"Reçue", "Received"}},
      {"en_instruction", {"En cours d'instruction", "Being processed"}},
      {"informations_demandees", {"Informations demandées", "Information requested"}},
      {"acceptee", {"Acceptée", "Accepted"}},
      {"refusee", {"Refusée", "Refused"}},
      {"payee", {"Payée", "Paid"}},
      {"non_transmise", {"Non transmise : rien à transmettre avec votre accord", "Not sent: nothing you agreed to share"}},
  };
  auto it = kLabels.find(status);
  if (it == kLabels.end()) return "";
  return lang == "en" ? it->second.second : it->second.first;
}

Result<bool> UpdateDeliveryStatus(store::Database& db, const Clock& clock, const std::string& organisation,
                                  const std::string& delivery_id, const StatusUpdate& update,
                                  const StatusActor& by) {
  if (!IsKnownStatus(update.status) || update.status == "envoyee") {
    return InvalidArgument("exchange.unknown_status",
                           "Statut inconnu : recue, en_instruction, informations_demandees, acceptee, refusee ou payee.")
        .WithField("status", "Statut inconnu.");
  }
  if (Utf8Length(update.message) > 2000) {
    return InvalidArgument("exchange.message_too_long", "Le message dépasse 2000 caractères.")
        .WithField("message", "2000 caractères au plus.");
  }
  if (Utf8Length(update.reference) > 100) {
    return InvalidArgument("exchange.reference_too_long", "La référence dépasse 100 caractères.")
        .WithField("reference", "100 caractères au plus.");
  }
  if (update.status == "informations_demandees" && update.message.empty()) {
    return InvalidArgument("exchange.message_required",
                           "Une demande d'informations doit dire ce qui est demandé à la personne.")
        .WithField("message", "Précisez les informations demandées.");
  }
  bool changed = false;
  Status st = db.InTransaction([&](store::Transaction& tx) -> Status {
    changed = false;
    ASSIGN_OR_RETURN(store::Row row,
                     tx.QueryOne("SELECT d.agency_status, d.agency_message, d.person_id, d.service_id, d.state "
                                 "FROM exchange_deliveries d JOIN exchange_services s ON s.id = d.service_id "
                                 "WHERE d.id = $1 AND s.organisation = $2",
                                 {delivery_id, organisation}, "exchange.unknown_delivery", "Envoi introuvable."));
    const std::string from = row.Text("agency_status");
    if (from == update.status && row.OptText("agency_message").value_or("") == update.message) {
      return Status::Ok();  // an agency retry
    }
    if (row.Text("state") == "skipped" || !IsAllowedTransition(from, update.status)) {
      return Conflict("exchange.illegal_transition",
                      "Passage du statut « " + AgencyStatusLabel(from) + " » à « " + AgencyStatusLabel(update.status) +
                          " » impossible.");
    }
    const int64_t now = clock.NowMillis();
    RETURN_IF_ERROR(tx.Execute(
        "UPDATE exchange_deliveries SET agency_status = $2, agency_message = $3, "
        "agency_reference = COALESCE($4, agency_reference), updated_ms = $5 WHERE id = $1",
        {delivery_id, update.status, update.message,
         update.reference.empty() ? store::Value() : store::Value(update.reference), now}));
    store::Event ev;
    ev.type = "fr.parcours.delivery.status_changed";
    ev.source = "/agencies/" + organisation;
    ev.subject = delivery_id;
    ev.person_id = row.Text("person_id");
    ev.actor = by.actor.empty() ? "organisation:" + organisation : by.actor;
    ev.channel = by.channel.empty() ? "api" : by.channel;
    ev.time_ms = now;
    nlohmann::json data = {{"service", row.Text("service_id")}, {"from", from}, {"to", update.status}};
    if (!by.actor.empty()) data["organisation"] = organisation;
    ev.data_json = data.dump();
    RETURN_IF_ERROR(store::AppendEvent(tx, std::move(ev), &clock));
    changed = true;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return changed;
}

Result<SignalResult> AcceptSignal(store::Database& db, const Clock& clock, const std::string& organisation,
                                  const nlohmann::json& ce) {
  auto bad = [](const std::string& field, const std::string& msg) {
    return InvalidArgument("exchange.bad_cloudevent", "Événement CloudEvents invalide : " + msg).WithField(field, msg);
  };
  if (!ce.is_object()) return bad("/", "un objet JSON est attendu");
  auto text = [&](const char* key) -> std::string {
    auto it = ce.find(key);
    return it != ce.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (text("specversion") != "1.0") return bad("specversion", "« specversion » doit valoir « 1.0 »");
  const std::string id = text("id"), source = text("source"), type = text("type"), subject = text("subject");
  if (id.empty() || id.size() > 200) return bad("id", "« id » est requis (200 caractères au plus)");
  if (source.empty() || source.size() > 500) return bad("source", "« source » est requis (500 caractères au plus)");
  if (type.empty() || type.size() > 200) return bad("type", "« type » est requis (200 caractères au plus)");
  if (subject.empty() || subject.size() > 100) return bad("subject", "« subject » doit identifier la personne");
  if (ce.contains("time")) {
    TimePoint t;
    if (!ce["time"].is_string() || !ParseRfc3339(ce["time"].get<std::string>(), &t)) {
      return bad("time", "« time » doit être une date RFC 3339");
    }
  }
  if (ce.contains("data") && !ce["data"].is_object()) return bad("data", "« data » doit être un objet");
  const std::string serialised = ce.dump();
  if (serialised.size() > 64 * 1024) {
    return ResourceExhausted("exchange.cloudevent_too_large", "L'événement dépasse 64 Kio.");
  }
  SignalResult result;
  Status st = db.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(store::Rows seen, tx.Query("SELECT event_id FROM exchange_signals WHERE source = $1 AND id = $2",
                                                {source, id}));
    if (!seen.empty()) {
      result = {seen.front().Text(0), true};
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(const bool known, vault::IsLivePerson(tx, subject));
    if (!known) {
      return NotFound("exchange.unknown_person",
                      "Personne inconnue : « subject » doit être l'identifiant Parcours d'une personne.")
          .WithField("subject", "personne inconnue");
    }
    const int64_t now = clock.NowMillis();
    store::Event ev;
    ev.type = "fr.parcours.signal.received";
    ev.source = "/agencies/" + organisation;
    ev.subject = id;
    ev.person_id = subject;
    ev.actor = "organisation:" + organisation;
    ev.channel = "api";
    ev.time_ms = now;
    ev.data_json = nlohmann::json({{"signal", ce}}).dump();
    ASSIGN_OR_RETURN(std::string event_id, store::AppendEvent(tx, std::move(ev), &clock));
    RETURN_IF_ERROR(tx.Execute("INSERT INTO exchange_signals (source, id, organisation, type, person_id, received_ms, "
                               "event_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                               {source, id, organisation, type, subject, now, event_id}));
    result = {event_id, false};
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return result;
}

}  // namespace parcours::exchange
