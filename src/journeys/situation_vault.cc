// The vault-backed SituationSource: the person's vault is their Publicodes situation.
#include <algorithm>
#include <set>

#include "parcours/base/clock.h"
#include "parcours/journeys/journeys.h"
#include "parcours/vault/vault.h"

namespace parcours::journeys {
namespace {

// The vault actor of a journeys actor acting on `person_id`: the person themself, their aidant
// (another usager, under a mandate auth checked), an agent serving them, or a service.
vault::Actor VaultActor(const Actor& actor, const std::string& person_id) {
  const std::string_view id = actor.id;
  const auto colon = id.find(':');
  const std::string kind(id.substr(0, colon == std::string_view::npos ? 0 : colon));
  const std::string who(colon == std::string_view::npos ? id : id.substr(colon + 1));
  if (kind == "usager") {
    return who == person_id ? vault::Actor::Usager(who) : vault::Actor::Aidant(who, person_id);
  }
  if (kind == "agent") return vault::Actor::Agent(who, person_id);
  if (kind == "service") return vault::Actor::Service(who);
  return vault::Actor::Platform(who.empty() ? "journeys" : who);
}

bool UnknownOrErased(const Status& s) {
  return s.reason() == "vault.unknown_person" || s.reason() == "vault.person_erased";
}

class VaultSituationSource final : public SituationSource {
 public:
  VaultSituationSource(vault::Vault& vault, catalog::CatalogPtr catalog, const Clock& clock)
      : vault_(vault), catalog_(std::move(catalog)), clock_(clock) {
    std::set<std::string> names = {kCommuneAttribute};
    for (const catalog::Event& e : catalog_->events()) {
      for (const catalog::Question& q : e.questions) names.insert(q.rule);
    }
    names_.assign(names.begin(), names.end());
  }

  Result<Answers> Load(const Actor& actor, const std::string& person_id, std::string_view event_id) override {
    // The plan is computed by the platform for the person (or by the agent or aidant acting for
    // them): the read goes through the vault's gate and into the person's access log.
    vault::Actor reader = VaultActor(actor, person_id);
    if (reader.IsSelf(person_id)) reader = vault::Actor::Platform("journeys");
    Result<std::vector<vault::AttributeRecord>> records =
        vault_.Read(reader, person_id, names_, Purpose(event_id, actor, "Calcul de votre parcours"));
    if (!records.ok()) {
      if (UnknownOrErased(records.status())) return Answers{};
      return records.status();
    }
    const int64_t now = clock_.NowMillis();
    Answers answers;
    for (const vault::AttributeRecord& r : *records) {
      if (r.valid_until_ms && *r.valid_until_ms <= now) continue;
      answers[r.name] = r.value;
    }
    return answers;
  }

  Status Save(const Actor& actor, const std::string& person_id, std::string_view event_id, const Answers& changes,
              const FormSubmission* form) override {
    if (changes.empty() && form == nullptr) return Status::Ok();
    const vault::Actor writer = VaultActor(actor, person_id);
    RETURN_IF_ERROR(vault_.EnsurePerson(writer, person_id));
    const vault::Purpose purpose = Purpose(event_id, actor, "Votre parcours");
    std::vector<std::string> erased;
    if (form != nullptr) {
      vault::FormSubmission submission;
      submission.form_id = form->form_id;
      submission.purpose = purpose;
      submission.prefilled = form->prefilled;
      for (const auto& [name, value] : changes) {
        if (value.empty()) {
          erased.push_back(name);
        } else {
          submission.fields[name] = value;
        }
      }
      Result<vault::SubmissionResult> submitted = vault_.Submit(writer, person_id, submission);
      if (!submitted.ok()) return AsAnswerErrors(submitted.status(), event_id);
    } else {
      std::vector<vault::AttributeWrite> writes;
      for (const auto& [name, value] : changes) {
        if (value.empty()) {
          erased.push_back(name);
          continue;
        }
        vault::AttributeWrite w;
        w.name = name;
        w.value = value;
        writes.push_back(std::move(w));
      }
      if (Status s = vault_.Write(writer, person_id, writes, purpose); !s.ok()) return AsAnswerErrors(s, event_id);
    }
    for (const std::string& name : erased) {
      Status s = vault_.Delete(writer, person_id, name);
      if (!s.ok() && s.reason() != "vault.unknown_attribute") return s;
    }
    return Status::Ok();
  }

  Result<Prefill> PrefillFor(const Actor& actor, const std::string& person_id, std::string_view event_id,
                             const std::vector<std::string>& rules) override {
    Prefill out;
    Result<vault::PrefillResult> found =
        vault_.Prefill(VaultActor(actor, person_id), person_id, rules, Purpose(event_id, actor, "Votre parcours"));
    if (!found.ok()) {
      if (!UnknownOrErased(found.status())) return found.status();
      out.missing = rules;
      return out;
    }
    for (vault::PrefillField& f : found->known) {
      out.known.push_back({std::move(f.name), std::move(f.value), std::move(f.provenance), f.verification,
                           f.collected_at_ms});
    }
    out.missing = std::move(found->missing);
    return out;
  }

 private:
  vault::Purpose Purpose(std::string_view event_id, const Actor& actor, std::string_view what) const {
    vault::Purpose p;
    p.channel = actor.channel;
    p.code = event_id.empty() ? "journey" : "journey." + std::string(event_id);
    p.label = std::string(what);
    if (const catalog::Event* e = catalog_->FindEvent(event_id)) p.label += " « " + e->title.fr + " »";
    return p;
  }

  // The vault's refusals as the journeys' own: one field error per question, the question's
  // label in front of the vault's message.
  Status AsAnswerErrors(const Status& s, std::string_view event_id) const {
    if (s.code() != StatusCode::kInvalidArgument || s.field_errors().empty()) return s;
    Status out = InvalidArgument("journeys.invalid_answers", "Certaines réponses sont invalides.");
    const catalog::Event* event = catalog_->FindEvent(event_id);
    for (const FieldError& fe : s.field_errors()) {
      const catalog::Question* q = event != nullptr ? FindQuestion(*catalog_, *event, fe.field) : nullptr;
      FieldError labelled = fe;  // the vault's reason and parameters stay
      if (q != nullptr) labelled.message = "« " + q->label.fr + " » : " + fe.message;
      out.WithField(std::move(labelled));
    }
    return out;
  }

  vault::Vault& vault_;
  catalog::CatalogPtr catalog_;
  const Clock& clock_;
  std::vector<std::string> names_;  // the attributes plans read: every question's rule, the commune
};

vault::AttributeType VaultType(catalog::QuestionType type) {
  switch (type) {
    case catalog::QuestionType::kBoolean: return vault::AttributeType::kBoolean;
    case catalog::QuestionType::kNumber: return vault::AttributeType::kNumber;
    case catalog::QuestionType::kChoice: return vault::AttributeType::kEnum;
    case catalog::QuestionType::kDate: return vault::AttributeType::kDate;
    case catalog::QuestionType::kText: return vault::AttributeType::kText;
  }
  return vault::AttributeType::kText;
}

}  // namespace

const KnownAnswer* Prefill::Find(std::string_view rule) const {
  for (const KnownAnswer& k : known) {
    if (k.rule == rule) return &k;
  }
  return nullptr;
}

Status RegisterCatalogAttributes(const catalog::Catalog& catalog, vault::AttributeRegistry& registry) {
  // One definition per rule, however many events ask it: the union of choices, the widest
  // bounds, sensitive when any question says so.
  std::map<std::string, vault::AttributeDef> defs;
  std::map<std::string, std::pair<bool, bool>> unbounded;  // rule -> (no min somewhere, no max somewhere)
  for (const catalog::Event& event : catalog.events()) {
    for (const catalog::Question& q : event.questions) {
      auto [it, inserted] = defs.try_emplace(q.rule);
      vault::AttributeDef& d = it->second;
      auto& [no_min, no_max] = unbounded[q.rule];
      if (inserted) {
        d.name = q.rule;
        d.type = VaultType(q.type);
        d.label_fr = q.label.fr;
        d.label_en = q.label.en;
        d.unit = q.unit;
      } else if (d.type != VaultType(q.type)) {
        return InvalidArgument("journeys.attribute_conflict",
                               "La question « " + q.rule + " » a des types différents selon les événements.");
      }
      d.sensitive = d.sensitive || q.sensitive;
      d.integer = inserted ? q.integer : d.integer && q.integer;  // whole only if every event says so
      no_min = no_min || !q.min;
      no_max = no_max || !q.max;
      if (q.min) d.min = d.min ? std::min(*d.min, *q.min) : *q.min;
      if (q.max) d.max = d.max ? std::max(*d.max, *q.max) : *q.max;
      for (const catalog::Choice& c : q.choices) {
        if (std::find(d.choices.begin(), d.choices.end(), c.value) == d.choices.end()) d.choices.push_back(c.value);
      }
    }
  }
  for (auto& [rule, d] : defs) {
    if (unbounded[rule].first) d.min.reset();
    if (unbounded[rule].second) d.max.reset();
    if (const vault::AttributeDef* existing = registry.Find(rule)) {
      if (existing->type != d.type) {
        return InvalidArgument("journeys.attribute_conflict",
                               "L'attribut « " + rule + " » du coffre n'a pas le type de la question du catalogue.");
      }
      continue;  // the vault's own definition (richer domain checks) stays
    }
    RETURN_IF_ERROR(registry.Register(std::move(d)));
  }
  return Status::Ok();
}

std::unique_ptr<SituationSource> NewVaultSituationSource(vault::Vault& vault, catalog::CatalogPtr catalog,
                                                         const Clock& clock) {
  return std::make_unique<VaultSituationSource>(vault, std::move(catalog), clock);
}

}  // namespace parcours::journeys
