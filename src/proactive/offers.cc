// Offers made, listed, accepted and declined (see proactive/offers.h).
#include "parcours/proactive/offers.h"

#include <nlohmann/json.hpp>
#include <map>
#include <set>

#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/store/events.h"
#include "parcours/store/store.h"

namespace parcours::proactive {
namespace {

using nlohmann::json;

const journeys::Actor kSystem{"platform:proactive", "system"};

constexpr const char* kColumns =
    "id, person_id, entitlement_id, status, origin, amount, amount_text, explanation, journey_id, created_ms, "
    "decided_ms, explanation_en";

OfferStatus ParseStatus(const std::string& s) {
  if (s == "acceptee") return OfferStatus::kAccepted;
  if (s == "refusee") return OfferStatus::kDeclined;
  return OfferStatus::kOffered;
}

Offer FromRow(const store::Row& r, const Entitlements& entitlements) {
  Offer o;
  o.id = r.Text(0);
  o.person_id = r.Text(1);
  o.entitlement_id = r.Text(2);
  o.status = ParseStatus(r.Text(3));
  o.origin = r.Text(4);
  if (!r.IsNull(5)) o.amount = r.Double(5);
  o.amount_text = r.Text(6);
  o.explanation = r.Text(7);
  o.journey_id = r.OptText(8).value_or("");
  o.created_ms = r.Int(9);
  o.decided_ms = r.OptInt(10);
  o.explanation_en = r.Text(11);
  o.entitlement = entitlements.Find(o.entitlement_id);
  return o;
}

Status OfferNotFound() { return NotFound("proactive.offer_not_found", "Proposition introuvable."); }

Status AppendOfferEvent(store::Transaction& tx, const Clock& clock, std::string_view what, const Offer& offer,
                        const std::string& service, const journeys::Actor& actor, json data) {
  store::Event e;
  e.type = "fr.parcours.proactive.offer." + std::string(what);
  e.source = "/proactive";
  e.subject = offer.id;
  e.person_id = offer.person_id;
  e.actor = actor.id;
  e.channel = actor.channel;
  data["service"] = service;
  data["aid"] = offer.entitlement_id;
  data["offer_id"] = offer.id;
  e.data_json = data.dump();
  return store::AppendEvent(tx, std::move(e), &clock).status();
}

}  // namespace

std::string_view OfferStatusName(OfferStatus s) {
  switch (s) {
    case OfferStatus::kOffered: return "proposee";
    case OfferStatus::kAccepted: return "acceptee";
    case OfferStatus::kDeclined: return "refusee";
  }
  return "proposee";
}

OfferService::OfferService(store::Database& db, const Entitlements& entitlements, journeys::JourneyService& journeys,
                           journeys::SituationSource& situation, const Clock& clock)
    : db_(db), entitlements_(entitlements), journeys_(journeys), situation_(situation), clock_(clock) {}

Result<ConsiderReport> OfferService::Consider(const std::string& person_id, std::string_view origin,
                                              std::string_view only, bool assess_offered) {
  ConsiderReport report;
  if (person_id.empty()) return report;
  std::set<std::string, std::less<>> offered;
  {
    ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
    ASSIGN_OR_RETURN(store::Rows rows,
                     tx->Query("SELECT entitlement_id FROM proactive_offers WHERE person_id = $1", {person_id}));
    for (const store::Row& r : rows) offered.insert(r.Text(0));
  }
  // The situation as the claim's life event reads it (the vault source logs each read).
  std::map<std::string, journeys::Answers, std::less<>> situations;
  auto situation = [&](const std::string& event_id) -> Result<const journeys::Answers*> {
    auto it = situations.find(event_id);
    if (it == situations.end()) {
      ASSIGN_OR_RETURN(journeys::Answers a, situation_.Load(kSystem, person_id, event_id));
      it = situations.emplace(event_id, std::move(a)).first;
    }
    return &it->second;
  };
  ASSIGN_OR_RETURN(std::vector<journeys::Journey> journeys, journeys_.List(person_id));

  // Whether the claim step of `e` is already in progress, sent or done in one of the
  // person's journeys of its event.
  auto claimed = [&](const Entitlement& e) -> Result<bool> {
    for (const journeys::Journey& j : journeys) {
      if (j.event_id != e.event_id) continue;
      ASSIGN_OR_RETURN(journeys::JourneyView view, journeys_.Get(kSystem, person_id, j.id));
      auto it = view.journey.statuses.find(e.step_id);
      if (it != view.journey.statuses.end() &&
          (it->second == journeys::StepStatus::kInProgress || it->second == journeys::StepStatus::kSent ||
           it->second == journeys::StepStatus::kDone)) {
        return true;
      }
    }
    return false;
  };

  struct Pending {
    const Entitlement* entitlement;
    Assessment assessment;
  };
  std::vector<Pending> pending;
  for (const Entitlement& e : entitlements_.list()) {
    if (!only.empty() && e.id != only) continue;
    const bool was_offered = offered.contains(e.id);
    if (was_offered && !assess_offered) {
      report.outcomes.emplace_back(e.id, Outcome::kAlreadyOffered);
      continue;
    }
    if (e.only_with_journey &&
        std::none_of(journeys.begin(), journeys.end(), [&](const journeys::Journey& j) { return j.event_id == e.event_id; })) {
      report.outcomes.emplace_back(e.id, Outcome::kSkipped);
      continue;
    }
    ASSIGN_OR_RETURN(const journeys::Answers* answers, situation(e.event_id));
    ASSIGN_OR_RETURN(Assessment a, Assess(entitlements_, e, *answers));
    if (a.eligibility == Eligibility::kUndetermined) {
      report.outcomes.emplace_back(e.id, Outcome::kUndetermined);
      continue;
    }
    if (a.eligibility == Eligibility::kNotEligible) {
      report.outcomes.emplace_back(e.id, Outcome::kNotEligible);
      continue;
    }
    ++report.eligible;
    if (was_offered) {
      report.outcomes.emplace_back(e.id, Outcome::kAlreadyOffered);
      continue;
    }
    ASSIGN_OR_RETURN(bool is_claimed, claimed(e));
    if (is_claimed) {
      report.outcomes.emplace_back(e.id, Outcome::kClaimed);
      continue;
    }
    pending.push_back({&e, std::move(a)});
  }
  if (pending.empty()) return report;

  std::vector<bool> made(pending.size(), false);
  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    const int64_t now = clock_.NowMillis();
    for (std::size_t i = 0; i < pending.size(); ++i) {
      const Pending& p = pending[i];
      Offer offer;
      offer.id = NewId();
      offer.person_id = person_id;
      offer.entitlement_id = p.entitlement->id;
      // A concurrent trigger or campaign may have offered it since: the unique key keeps one.
      ASSIGN_OR_RETURN(store::Rows rows,
                       tx.Query("INSERT INTO proactive_offers (id, person_id, entitlement_id, status, origin, amount, "
                                "amount_text, explanation, explanation_en, created_ms) VALUES ($1, $2, $3, 'proposee', "
                                "$4, $5, $6, $7, $8, $9) ON CONFLICT (person_id, entitlement_id) DO NOTHING RETURNING id",
                                {offer.id, person_id, offer.entitlement_id, std::string(origin),
                                 store::Nullable(p.assessment.amount), p.assessment.amount_text,
                                 p.assessment.explanation.fr, p.assessment.explanation.en, now}));
      made[i] = !rows.empty();
      if (!made[i]) continue;
      RETURN_IF_ERROR(AppendOfferEvent(tx, clock_, "made", offer, p.entitlement->administration, kSystem,
                                       {{"origin", std::string(origin)}}));
    }
    return Status::Ok();
  }));
  for (std::size_t i = 0; i < pending.size(); ++i) {
    report.outcomes.emplace_back(pending[i].entitlement->id, made[i] ? Outcome::kOffered : Outcome::kAlreadyOffered);
    if (made[i]) ++report.offered;
  }
  return report;
}

Result<std::vector<Offer>> OfferService::List(const std::string& person_id) {
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx->Query(std::string("SELECT ") + kColumns +
                                 " FROM proactive_offers WHERE person_id = $1 ORDER BY created_ms DESC, id DESC",
                             {person_id}));
  std::vector<Offer> out;
  for (const store::Row& r : rows) out.push_back(FromRow(r, entitlements_));
  return out;
}

Result<Offer> OfferService::Get(const std::string& person_id, std::string_view offer_id) {
  if (!IsValidId(offer_id)) return OfferNotFound();
  ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx->Query(std::string("SELECT ") + kColumns + " FROM proactive_offers WHERE id = $1 AND person_id = $2",
                             {std::string(offer_id), person_id}));
  if (rows.empty()) return OfferNotFound();
  return FromRow(rows[0], entitlements_);
}

Result<Accepted> OfferService::Accept(const journeys::Actor& actor, const std::string& person_id,
                                      std::string_view offer_id) {
  ASSIGN_OR_RETURN(Offer offer, Get(person_id, offer_id));
  if (offer.status == OfferStatus::kDeclined) {
    return Conflict("proactive.offer_declined", "Vous avez refusé cette proposition.");
  }
  if (offer.entitlement == nullptr) {
    return Conflict("proactive.unknown_entitlement", "Ce droit n'est plus proposé par le catalogue.");
  }
  const Entitlement& e = *offer.entitlement;
  if (offer.status == OfferStatus::kAccepted) return Accepted{offer, offer.journey_id, e.step_id};

  // The claim's journey: the newest of its event, else a new one dated today.
  std::string journey_id;
  ASSIGN_OR_RETURN(std::vector<journeys::Journey> list, journeys_.List(person_id));
  for (const journeys::Journey& j : list) {
    if (j.event_id == e.event_id) {
      journey_id = j.id;
      break;
    }
  }
  journeys::JourneyView view;
  if (journey_id.empty()) {
    const std::string today = journeys::CivilDate::FromTimePoint(clock_.Now()).ToIso();
    ASSIGN_OR_RETURN(view, journeys_.Start(actor, person_id, e.event_id, today, {}));
    journey_id = view.journey.id;
  } else {
    ASSIGN_OR_RETURN(view, journeys_.Get(actor, person_id, journey_id));
  }
  const journeys::StepPlan* step = view.plan.Find(e.step_id);
  if (step != nullptr && step->applicability == journeys::Applicability::kApplies &&
      step->status == journeys::StepStatus::kTodo) {
    Result<journeys::JourneyView> set =
        journeys_.SetStepStatus(actor, person_id, journey_id, e.step_id, journeys::StepStatus::kInProgress);
    if (!set.ok() && set.status().code() != StatusCode::kConflict) return set.status();
  }

  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    const int64_t now = clock_.NowMillis();
    ASSIGN_OR_RETURN(int64_t n, tx.Execute("UPDATE proactive_offers SET status = 'acceptee', journey_id = $1, "
                                           "decided_ms = $2 WHERE id = $3 AND person_id = $4 AND status = 'proposee'",
                                           {journey_id, now, offer.id, person_id}));
    if (n == 0) {
      ASSIGN_OR_RETURN(store::Row row, tx.QueryOne("SELECT status FROM proactive_offers WHERE id = $1", {offer.id}));
      if (row.Text(0) == "refusee") return Conflict("proactive.offer_declined", "Vous avez refusé cette proposition.");
      return Status::Ok();  // accepted meanwhile by another request
    }
    offer.status = OfferStatus::kAccepted;
    offer.journey_id = journey_id;
    offer.decided_ms = now;
    return AppendOfferEvent(tx, clock_, "accepted", offer, e.administration, actor,
                            {{"journey_id", journey_id}, {"step_id", e.step_id}});
  }));
  ASSIGN_OR_RETURN(offer, Get(person_id, offer.id));
  return Accepted{offer, offer.journey_id, e.step_id};
}

Result<int> OfferService::TakenUpThroughStep(const journeys::Actor& actor, const std::string& person_id,
                                             std::string_view event_id, std::string_view step_id,
                                             const std::string& journey_id) {
  int closed = 0;
  for (const Entitlement& e : entitlements_.list()) {
    if (e.event_id != event_id || e.step_id != step_id) continue;
    RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
      ASSIGN_OR_RETURN(store::Rows rows, tx.Query("SELECT id FROM proactive_offers WHERE person_id = $1 AND "
                                                  "entitlement_id = $2 AND status = 'proposee'",
                                                  {person_id, e.id}));
      for (const store::Row& row : rows) {
        const int64_t now = clock_.NowMillis();
        ASSIGN_OR_RETURN(int64_t n, tx.Execute("UPDATE proactive_offers SET status = 'acceptee', journey_id = $1, "
                                               "decided_ms = $2 WHERE id = $3 AND status = 'proposee'",
                                               {journey_id, now, row.Text(0)}));
        if (n == 0) continue;
        Offer offer;
        offer.id = row.Text(0);
        offer.person_id = person_id;
        offer.entitlement_id = e.id;
        RETURN_IF_ERROR(AppendOfferEvent(tx, clock_, "accepted", offer, e.administration, actor,
                                         {{"journey_id", journey_id}, {"step_id", e.step_id}, {"through", "step"}}));
        ++closed;
      }
      return Status::Ok();
    }));
  }
  return closed;
}

Result<Offer> OfferService::Decline(const journeys::Actor& actor, const std::string& person_id,
                                    std::string_view offer_id) {
  ASSIGN_OR_RETURN(Offer offer, Get(person_id, offer_id));
  if (offer.status == OfferStatus::kAccepted) {
    return Conflict("proactive.offer_accepted", "Vous avez déjà fait la demande pour cette proposition.");
  }
  if (offer.status == OfferStatus::kDeclined) return offer;
  const std::string service = offer.entitlement ? offer.entitlement->administration : "";
  RETURN_IF_ERROR(db_.InTransaction([&](store::Transaction& tx) -> Status {
    const int64_t now = clock_.NowMillis();
    ASSIGN_OR_RETURN(int64_t n, tx.Execute("UPDATE proactive_offers SET status = 'refusee', decided_ms = $1 "
                                           "WHERE id = $2 AND person_id = $3 AND status = 'proposee'",
                                           {now, offer.id, person_id}));
    if (n == 0) {
      ASSIGN_OR_RETURN(store::Row row, tx.QueryOne("SELECT status FROM proactive_offers WHERE id = $1", {offer.id}));
      if (row.Text(0) == "acceptee") {
        return Conflict("proactive.offer_accepted", "Vous avez déjà fait la demande pour cette proposition.");
      }
      return Status::Ok();
    }
    return AppendOfferEvent(tx, clock_, "declined", offer, service, actor, json::object());
  }));
  return Get(person_id, offer.id);
}

}  // namespace parcours::proactive
