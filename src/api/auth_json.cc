#include "auth_json.h"

#include "parcours/base/clock.h"

namespace parcours::api::detail {

using nlohmann::json;

std::string IsoTime(int64_t ms) { return FormatRfc3339(TimePoint(std::chrono::milliseconds(ms))); }

json MandateJson(const auth::MandateInfo& m, int64_t now_ms) {
  const char* status = m.revoked_ms ? "revoked" : m.InForce(now_ms) ? "active" : "expired";
  return {{"id", m.id},
          {"person_id", m.person_id},
          {"holder",
           {{"id", m.holder_user_id},
            {"name", m.holder_name},
            {"organisation_id", m.holder_organisation.empty() ? json(nullptr) : json(m.holder_organisation)}}},
          {"scopes", m.scopes},
          {"starts_at", IsoTime(m.starts_ms)},
          {"ends_at", IsoTime(m.ends_ms)},
          {"revoked_at", m.revoked_ms ? json(IsoTime(*m.revoked_ms)) : json(nullptr)},
          {"status", status}};
}

json UserJson(const auth::UserInfo& u) {
  json roles = json::array();
  for (const auto& g : u.roles) {
    roles.push_back({{"role", std::string(auth::RoleName(g.role))}, {"organisation_id", g.organisation_id}});
  }
  return {{"id", u.id},
          {"display_name", u.display_name},
          {"email", u.email},
          {"username", u.username},
          {"roles", roles},
          {"created_at", IsoTime(u.created_at_ms)},
          {"disabled_at", u.disabled_at_ms ? json(IsoTime(*u.disabled_at_ms)) : json(nullptr)},
          {"last_login_at", u.last_login_ms ? json(IsoTime(*u.last_login_ms)) : json(nullptr)}};
}

}  // namespace parcours::api::detail
