// The vault as the Publicodes situation, prefill, and form submissions with DLNUF counters.
#include <algorithm>

#include "vault_impl.h"

namespace parcours::vault::detail {
namespace {

bool Current(const AttributeRecord& r, int64_t now) { return !r.valid_until_ms || *r.valid_until_ms > now; }

int AgeOn(const std::string& birth, const std::string& today) {
  int age = std::stoi(today.substr(0, 4)) - std::stoi(birth.substr(0, 4));
  if (today.substr(5) < birth.substr(5)) --age;
  return age;
}

}  // namespace

Result<Situation> VaultImpl::SituationFor(const Actor& actor, const std::string& person_id, const Purpose& purpose) {
  Situation out;
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    ASSIGN_OR_RETURN(std::vector<std::string> names, StoredNames(tx, person_id));
    names.push_back(kHouseholdAttribute);
    Decision d;
    ASSIGN_OR_RETURN(auto records, GatedRead(tx, actor, person_id, names, purpose, &d));
    const int64_t now = Now();
    for (const auto& r : records) {
      const AttributeDef* def = registry_->Find(r.name);
      if (!def || !Current(r, now)) continue;
      out[r.name] = PublicodesLiteral(*def, r.value);
    }
    if (std::find(d.allowed.begin(), d.allowed.end(), kHouseholdAttribute) == d.allowed.end()) {
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(auto household, LoadHousehold(tx, person_id));
    int persons = 1, children = 0, minors = 0;
    bool couple = false;
    if (household) {
      persons = static_cast<int>(household->members.size());
      const std::string today = DateOf(now);
      for (const auto& m : household->members) {
        if (m.role == MemberRole::kEnfant) ++children;
        if (m.role == MemberRole::kConjoint) couple = true;
        if (m.birth_date && AgeOn(*m.birth_date, today) < 18) ++minors;
      }
    }
    out["ménage . nombre de personnes"] = std::to_string(persons);
    out["ménage . enfants à charge"] = std::to_string(children);
    out["ménage . enfants mineurs"] = std::to_string(minors);
    out["ménage . en couple"] = couple ? "oui" : "non";
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<PrefillResult> VaultImpl::Prefill(const Actor& actor, const std::string& person_id,
                                         const std::vector<std::string>& needed, const Purpose& purpose) {
  PrefillResult out;
  if (needed.empty()) return out;
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(auto records, GatedRead(tx, actor, person_id, needed, purpose, nullptr));
    std::map<std::string, const AttributeRecord*> by_name;
    const int64_t now = Now();
    for (const auto& r : records) if (Current(r, now)) by_name[r.name] = &r;
    for (const auto& name : needed) {
      auto it = by_name.find(name);
      const AttributeDef* def = registry_->Find(name);
      if (it == by_name.end() || !def) {
        out.missing.push_back(name);
        continue;
      }
      const AttributeRecord& r = *it->second;
      out.known.push_back({r.name, r.value, DisplayValue(*def, r.value), r.provenance, r.verification,
                           r.collected_at_ms});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<SubmissionResult> VaultImpl::Submit(const Actor& actor, const std::string& person_id,
                                           const FormSubmission& submission) {
  SubmissionResult result;
  if (submission.form_id.empty() || submission.form_id.size() > 200) {
    return InvalidArgument("vault.bad_form", "Identifiant de formulaire manquant ou trop long.");
  }
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    result = SubmissionResult{};
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    std::vector<std::string> names;
    std::vector<AttributeWrite> writes;
    for (const auto& [name, value] : submission.fields) {
      names.push_back(name);
      AttributeWrite w;
      w.name = name;
      w.value = value;
      w.provenance = submission.provenance;
      writes.push_back(std::move(w));
    }
    ASSIGN_OR_RETURN(Decision d, Authorize(tx, Now(), actor, person_id, submission.purpose.code, names,
                                           Operation::kWrite));
    if (!d.denied.empty()) {
      return PermissionDenied("vault.write_not_allowed", "Ce service n'est pas autorisé à transmettre ces informations.");
    }
    // The counters compare the form with what the vault held when the person saw it.
    ASSIGN_OR_RETURN(auto before, LoadCurrent(tx, person_id, names));
    std::map<std::string, std::string> known;
    const int64_t now = Now();
    for (const auto& r : before) if (Current(r, now)) known[r.name] = r.value;
    const std::set<std::string> prefilled(submission.prefilled.begin(), submission.prefilled.end());
    ASSIGN_OR_RETURN(result.written, ApplyWrites(tx, actor, person_id, writes));
    const std::set<std::string> written(result.written.begin(), result.written.end());
    for (const auto& name : names) {
      // Only what the vault held can have been shown prefilled (an API client says what it showed).
      if (prefilled.count(name) && known.count(name)) {
        ++result.prefilled;
        if (written.count(name)) ++result.corrected;
      } else {
        ++result.asked;
        if (known.count(name)) ++result.reasked;
      }
    }
    Decision logged = d;
    logged.allowed = result.written;
    RETURN_IF_ERROR(LogAccess(tx, logged, actor, person_id, AccessAction::kWrite, submission.purpose));
    nlohmann::json data = {{"form", submission.form_id},   {"purpose", submission.purpose.code},
                           {"asked", result.asked},        {"prefilled", result.prefilled},
                           {"reasked", result.reasked},    {"corrected", result.corrected},
                           {"attributes", result.written}};
    if (!result.written.empty()) {
      RETURN_IF_ERROR(Emit(tx, "attributes_changed", person_id, actor, submission.purpose.channel,
                           {{"attributes", result.written}, {"form", submission.form_id}}));
    }
    return Emit(tx, "form_submitted", person_id, actor, submission.purpose.channel, std::move(data));
  });
  if (!s.ok()) return s;
  return result;
}

}  // namespace parcours::vault::detail
