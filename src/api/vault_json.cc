#include "vault_json.h"

#include "parcours/base/clock.h"

namespace parcours::api::detail {
namespace {

std::string Time(int64_t ms) { return FormatRfc3339(TimePoint(std::chrono::milliseconds(ms))); }

}  // namespace

nlohmann::json VaultRecordJson(const vault::AttributeRegistry& registry, const vault::AttributeRecord& r,
                               const std::string& lang) {
  const vault::AttributeDef* def = registry.Find(r.name);
  nlohmann::json j = {
      {"name", r.name},
      {"label", def ? (lang == "en" ? def->label_en : def->label_fr) : r.name},
      {"type", vault::AttributeTypeName(r.type)},
      {"value", r.value},
      {"display", def ? vault::DisplayValue(*def, r.value) : r.value},
      {"sensitive", r.sensitive},
      {"provenance",
       {{"kind", vault::ProvenanceKindName(r.provenance.kind)},
        {"source", r.provenance.source},
        {"label", vault::DescribeProvenance(r.provenance, lang)}}},
      {"verification", vault::VerificationName(r.verification)},
      {"collected_at", Time(r.collected_at_ms)},
      {"version", r.version},
  };
  if (r.valid_until_ms) j["valid_until"] = Time(*r.valid_until_ms);
  return j;
}

nlohmann::json VaultConsentJson(const vault::Consent& c) {
  nlohmann::json j = {{"id", c.id},
                      {"service_id", c.service_id},
                      {"purpose", c.purpose},
                      {"attributes", c.attributes},
                      {"channel", c.channel},
                      {"granted_at", Time(c.granted_at_ms)},
                      {"active", c.active}};
  if (c.expires_at_ms) j["expires_at"] = Time(*c.expires_at_ms);
  if (c.revoked_at_ms) j["revoked_at"] = Time(*c.revoked_at_ms);
  return j;
}

nlohmann::json VaultAccessJson(const vault::AccessEntry& e) {
  return {{"time", Time(e.time_ms)},
          {"actor", {{"kind", vault::ActorKindName(e.actor.kind)}, {"id", e.actor.id}}},
          {"on_behalf_of", e.actor.on_behalf_of.value_or("")},
          {"action", vault::AccessActionName(e.action)},
          {"attributes", e.attributes},
          {"purpose", e.purpose},
          {"legal_basis", e.legal_basis},
          {"service_id", e.service_id}};
}

nlohmann::json VaultServiceJson(const vault::ServicePurpose& s) {
  return {{"service_id", s.service_id},     {"purpose", s.purpose},         {"service_name", s.service_name},
          {"agency", s.agency},             {"purpose_label", s.purpose_label}, {"legal_basis", s.legal_basis},
          {"attributes", s.attributes},     {"purpose_label_en", s.purpose_label_en},
          {"service_name_en", s.service_name_en}};
}

}  // namespace parcours::api::detail
