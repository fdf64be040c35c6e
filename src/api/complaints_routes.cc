// The complaints JSON API (include/parcours/api/complaints.h).
#include <cstdlib>

#include "parcours/api/complaints.h"
#include "parcours/auth/principal.h"
#include "parcours/base/clock.h"
#include "parcours/base/paris_time.h"

namespace parcours::api {
namespace {

using nlohmann::json;

std::string Time(int64_t ms) { return FormatRfc3339(TimePoint(std::chrono::milliseconds(ms))); }

http::Response NoPrincipal(const http::Request& r) {
  return http::Problem(Unauthenticated("auth.login_required", "Connexion requise."), r.request_id);
}

Status WrongType(const std::string& field) {
  const std::string message = "Le champ « " + field + " » doit être un texte.";
  return InvalidArgument("complaints.invalid", message).WithField(field, message);
}

// Reads the optional text `field` of `body` into `out`.
Status TextField(const json& body, const std::string& field, std::string* out) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return WrongType(field);
  *out = it->get<std::string>();
  return Status::Ok();
}

Result<complaints::NewComplaint> ParseNew(const json& body) {
  if (!body.is_object()) return InvalidArgument("complaints.invalid", "Un objet JSON est attendu.");
  complaints::NewComplaint in;
  std::string about = "service";
  for (auto [name, out] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"about", &about},
           {"service", &in.subject.service},
           {"dossier_id", &in.subject.dossier_id},
           {"journey_id", &in.subject.journey_id},
           {"step_id", &in.subject.step_id},
           {"category", &in.category},
           {"text", &in.text},
           {"reference", &in.reference}}) {
    RETURN_IF_ERROR(TextField(body, name, out));
  }
  auto parsed = complaints::ParseAbout(about);
  if (!parsed) {
    const std::string message = "« about » vaut service, dossier ou step.";
    return InvalidArgument("complaints.invalid", message).WithField("about", message);
  }
  in.subject.about = *parsed;
  return in;
}

// The body's text `field` (optional when `required` is false).
Result<std::string> BodyText(const http::Request& req, const std::string& field) {
  if (req.body.empty()) return std::string();
  auto body = req.JsonBody();
  if (!body.ok()) return body.status();
  if (!body->is_object()) return InvalidArgument("complaints.invalid", "Un objet JSON est attendu.");
  std::string out;
  RETURN_IF_ERROR(TextField(*body, field, &out));
  return out;
}

using Transition = Result<complaints::Complaint> (complaints::ComplaintService::*)(
    const complaints::Actor&, const std::vector<std::string>&, std::string_view, const std::string&);

void AddTransition(http::Router& router, const Services& s, const std::string& verb, const std::string& field,
                   Transition fn) {
  router.Add(
      "POST", "/api/v1/organisations/{organisation_id}/complaints/{complaint_id}/" + verb,
      [&s, field, fn](http::Request& req) {
        const auth::Principal* p = auth::PrincipalOf(req);
        if (!p) return NoPrincipal(req);
        const std::string& org = req.Param("organisation_id");
        if (!p->HasRoleIn(auth::Role::kAgent, org)) {
          return http::Problem(PermissionDenied("complaints.agents_only",
                                                "Seuls les agents de l'organisme traitent ses réclamations."),
                               req.request_id);
        }
        std::string text;
        if (!field.empty()) {
          auto t = BodyText(req, field);
          if (!t.ok()) return http::Problem(t.status(), req.request_id);
          text = *t;
        }
        const std::vector<std::string> orgs{org};
        const complaints::Actor actor = ComplaintActor(req, false);
        auto c = field.empty() ? s.complaints->Take(actor, orgs, req.Param("complaint_id"))
                               : (s.complaints->*fn)(actor, orgs, req.Param("complaint_id"), text);
        if (!c.ok()) return http::Problem(c.status(), req.request_id);
        return http::Response::Json(ComplaintJson(*c, req.Language(), s.clock->NowMillis()));
      },
      "api.complaints." + verb, "organisation");
}

}  // namespace

json ComplaintJson(const complaints::Complaint& c, const std::string& lang, int64_t now_ms) {
  json j = {{"id", c.id},
            {"person_id", c.person_id},
            {"organisation", c.organisation_id},
            {"service", c.service},
            {"about", complaints::AboutName(c.subject.about)},
            {"subject_label", lang == "en" ? c.target_label_en : c.target_label_fr},
            {"category", c.category},
            {"text", c.text},
            {"status", complaints::StateName(c.state)},
            {"channel", c.channel},
            {"filed", Time(c.filed_ms)},
            {"due", Time(c.due_ms)},
            {"sla_days", c.sla_days},
            {"overdue", c.Overdue(now_ms)}};
  if (!c.reference.empty()) j["reference"] = c.reference;
  if (!c.subject.dossier_id.empty()) j["dossier_id"] = c.subject.dossier_id;
  if (!c.subject.journey_id.empty()) j["journey_id"] = c.subject.journey_id;
  if (!c.subject.step_id.empty()) j["step_id"] = c.subject.step_id;
  if (!c.assignee_name.empty()) j["assignee_name"] = c.assignee_name;
  if (c.assigned_ms) j["assigned"] = Time(*c.assigned_ms);
  if (c.closed_ms) j["closed"] = Time(*c.closed_ms);
  if (!c.reason.empty()) j["reason"] = c.reason;
  json messages = json::array();
  for (const auto& m : c.messages) {
    json mj = {{"author", m.author_kind}, {"body", m.body}, {"sent", Time(m.created_ms)}};
    if (!m.author_name.empty()) mj["author_name"] = m.author_name;
    messages.push_back(std::move(mj));
  }
  j["messages"] = std::move(messages);
  return j;
}

std::vector<std::string> AgentOrganisations(const http::Request& request) {
  std::vector<std::string> out;
  const auth::Principal* p = auth::PrincipalOf(request);
  if (p == nullptr) return out;
  for (const auto& g : p->grants) {
    if (g.role == auth::Role::kAgent && !g.organisation_id.empty()) out.push_back(g.organisation_id);
  }
  return out;
}

complaints::Actor ComplaintActor(const http::Request& request, bool for_person) {
  const auth::Principal* p = auth::PrincipalOf(request);
  if (p == nullptr) return {"anonymous", "web", ""};
  std::string channel = "web";
  if (p->method == auth::AuthMethod::kApiKey) {
    channel = "api";
  } else if (for_person && p->HasRole(auth::Role::kAgent) && p->person_id.empty()) {
    channel = "counter";
  }
  return {p->Actor(), channel, p->display_name};
}

void RegisterComplaintRoutes(http::Router& router, const Services& services) {
  const Services& s = services;

  router.Add(
      "GET", "/api/v1/persons/{person_id}/complaints",
      [&s](http::Request& req) {
        auto list = s.complaints->ListForPerson(req.Param("person_id"));
        if (!list.ok()) return http::Problem(list.status(), req.request_id);
        json out = json::array();
        for (const auto& c : *list) out.push_back(ComplaintJson(c, req.Language(), s.clock->NowMillis()));
        return http::Response::Json({{"complaints", out}, {"sla_days", s.complaints->sla_days()}});
      },
      "api.complaints.list", "person");

  router.Add(
      "POST", "/api/v1/persons/{person_id}/complaints",
      [&s](http::Request& req) {
        auto body = req.JsonBody();
        if (!body.ok()) return http::Problem(body.status(), req.request_id);
        auto in = ParseNew(*body);
        if (!in.ok()) return http::Problem(in.status(), req.request_id);
        const std::string& person = req.Param("person_id");
        auto c = s.complaints->File(ComplaintActor(req, true), person, *in);
        if (!c.ok()) return http::Problem(c.status(), req.request_id);
        json out = ComplaintJson(*c, req.Language(), s.clock->NowMillis());
        out["acknowledgement"] = {
            {"received", Time(c->filed_ms)},
            {"due", Time(c->due_ms)},
            {"message", "Votre réclamation est enregistrée sous la référence " + c->id +
                            ". L'organisme vous répondra au plus tard le " + ParisDate(c->due_ms) + "."}};
        auto res = http::Response::Json(out, 201);
        res.SetHeader("Location", "/api/v1/persons/" + person + "/complaints/" + c->id);
        return res;
      },
      "api.complaints.create", "person");

  router.Add(
      "GET", "/api/v1/persons/{person_id}/complaints/{complaint_id}",
      [&s](http::Request& req) {
        auto c = s.complaints->GetForPerson(req.Param("person_id"), req.Param("complaint_id"));
        if (!c.ok()) return http::Problem(c.status(), req.request_id);
        return http::Response::Json(ComplaintJson(*c, req.Language(), s.clock->NowMillis()));
      },
      "api.complaints.get", "person");

  // Reading the queue: agents of the organisation and admins (pilotes read indicators only).
  auto may_read = [](const http::Request& req) {
    const auth::Principal* p = auth::PrincipalOf(req);
    const std::string& org = req.Param("organisation_id");
    return p != nullptr && (p->HasRoleIn(auth::Role::kAgent, org) || p->HasRoleIn(auth::Role::kAdmin, org));
  };
  auto refused = [](const http::Request& req) {
    return http::Problem(PermissionDenied("complaints.agents_only",
                                          "Seuls les agents de l'organisme traitent ses réclamations."),
                         req.request_id);
  };

  router.Add(
      "GET", "/api/v1/organisations/{organisation_id}/complaints",
      [&s, may_read, refused](http::Request& req) {
        if (!may_read(req)) return refused(req);
        complaints::QueueFilter filter;
        const std::string status = req.Query("status").value_or("open");
        if (status != "open" && status != "all") {
          return http::Problem(InvalidArgument("complaints.bad_filter", "« status » vaut open ou all.")
                                   .WithField("status", "open ou all."),
                               req.request_id);
        }
        filter.open_only = status == "open";
        if (auto text = req.Query("limit")) {
          char* end = nullptr;
          const long n = std::strtol(text->c_str(), &end, 10);
          filter.limit = (text->empty() || *end != '\0' || n < 1 || n > 500) ? 0 : static_cast<int>(n);
        }
        auto list = s.complaints->Queue({req.Param("organisation_id")}, filter);
        if (!list.ok()) return http::Problem(list.status(), req.request_id);
        const int64_t now = s.clock->NowMillis();
        json out = json::array();
        int overdue = 0;
        for (const auto& c : *list) {
          overdue += c.Overdue(now) && complaints::IsOpen(c.state);
          out.push_back(ComplaintJson(c, req.Language(), now));
        }
        return http::Response::Json({{"complaints", out}, {"overdue", overdue}});
      },
      "api.complaints.queue", "organisation");

  router.Add(
      "GET", "/api/v1/organisations/{organisation_id}/complaints/{complaint_id}",
      [&s, may_read, refused](http::Request& req) {
        if (!may_read(req)) return refused(req);
        auto c = s.complaints->GetForOrganisation({req.Param("organisation_id")}, req.Param("complaint_id"));
        if (!c.ok()) return http::Problem(c.status(), req.request_id);
        return http::Response::Json(ComplaintJson(*c, req.Language(), s.clock->NowMillis()));
      },
      "api.complaints.queue_get", "organisation");

  AddTransition(router, s, "take", "", nullptr);
  AddTransition(router, s, "answer", "message", &complaints::ComplaintService::Answer);
  AddTransition(router, s, "resolve", "message", &complaints::ComplaintService::Resolve);
  AddTransition(router, s, "reject", "reason", &complaints::ComplaintService::Reject);
}

}  // namespace parcours::api
