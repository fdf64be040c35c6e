// The agents' complaint pages: the queue of their organisations and the handling of one
// complaint (see include/parcours/web/complaint_pages.h).
#include "field_errors.h"
#include "complaint_view.h"
#include "parcours/api/complaints.h"
#include "parcours/auth/principal.h"
#include "parcours/base/clock.h"
#include "parcours/complaints/complaints.h"
#include "parcours/web/auth_pages.h"
#include "parcours/web/page.h"

namespace parcours::web {
namespace {

using nlohmann::json;

// One complaint with its action forms; `form` and `error` put an error on one of them.
http::Response DetailPage(const api::Services& s, const http::Request& r, const complaints::Complaint& c,
                          const std::string& form = "", const std::string& error = "",
                          const std::string& draft = "", int status = 200) {
  const auth::Principal* p = auth::PrincipalOf(r);
  json data = detail::ComplaintView(s, r, c, s.clock->NowMillis());
  data["title"] = Msg(s, r, "complaints.agent_detail_title");
  data["csrf_token"] = p ? p->csrf_token : "";
  data["person_id"] = c.person_id;
  data["breadcrumb"] = json::array({{{"href", "/agent/reclamations"}, {"label", Msg(s, r, "complaints.agent_title")}},
                                    {{"href", false}, {"label", Msg(s, r, "complaints.agent_detail_title")}}});
  for (const char* f : {"repondre", "resoudre", "rejeter"}) {
    data[std::string(f) + "_error"] = form == f && !error.empty() ? json(error) : json(false);
    data[std::string(f) + "_draft"] = form == f ? draft : "";
  }
  if (form == "prendre" && !error.empty()) data["notice"] = detail::PageNotice("warning", error);
  if (!error.empty() && form != "prendre") {
    data["errors"] = json::array({{{"href", "#" + form + "-texte"}, {"message", error}}});
  }
  if (auto done = r.Query("fait"); done && error.empty()) {
    data["notice"] = detail::PageNotice("success", Msg(s, r, "complaints.done_" + *done));
  }
  data["take_button"] = detail::PageButton(Msg(s, r, "complaints.take"));
  data["answer_button"] = detail::PageButton(Msg(s, r, "complaints.answer_submit"));
  data["resolve_button"] = detail::PageButton(Msg(s, r, "complaints.resolve_submit"));
  data["reject_button"] = detail::PageButton(Msg(s, r, "complaints.reject_submit"), true);
  return RenderPage(s, r, "complaint_agent", std::move(data), status);
}

void AddAction(http::Router& router, const api::Services& s, const std::string& verb) {
  router.Add(
      "POST", "/agent/reclamations/{complaint_id}/" + verb,
      [&s, verb](http::Request& r) {
        const auto orgs = api::AgentOrganisations(r);
        const std::string id = r.Param("complaint_id");
        const auto fields = r.FormFields();
        const std::string text = detail::FormField(fields, "texte");
        const complaints::Actor actor = api::ComplaintActor(r, false);
        auto act = [&]() -> Result<complaints::Complaint> {
          if (verb == "prendre") return s.complaints->Take(actor, orgs, id);
          if (verb == "repondre") return s.complaints->Answer(actor, orgs, id, text);
          if (verb == "resoudre") return s.complaints->Resolve(actor, orgs, id, text);
          return s.complaints->Reject(actor, orgs, id, text);
        };
        Result<complaints::Complaint> done = act();
        if (done.ok()) return http::Response::Redirect("/agent/reclamations/" + id + "?fait=" + verb);
        const Status& st = done.status();
        if (st.code() != StatusCode::kInvalidArgument && st.code() != StatusCode::kConflict) {
          return RefusalPage(s, r, st);
        }
        auto current = s.complaints->GetForOrganisation(orgs, id);
        if (!current.ok()) return RefusalPage(s, r, current.status());
        // A text refused for a reason of its own (required, too long...) is worded after it, in
        // the page's language; a refusal of the action by the complaint's state, after its reason.
        const std::string lang = PageLanguage(r);
        std::string message;
        if (!st.field_errors().empty() && !st.field_errors()[0].reason.empty()) {
          const FieldError& fe = st.field_errors()[0];
          const std::string label = Msg(s, r, fe.field == "reason" ? "complaints.label_rejection" : "complaints.label_answer");
          message = detail::FieldErrorMessage(*s.renderer, lang, "complaints", fe, label);
        } else if (lang == "fr" && !st.field_errors().empty()) {
          message = st.field_errors()[0].message;
        } else {
          message = detail::RefusalMessage(*s.renderer, lang, st);
        }
        return DetailPage(s, r, *current, verb, message, text, st.code() == StatusCode::kConflict ? 409 : 422);
      },
      "web.complaints.agent_" + verb, "agent");
}

}  // namespace

void RegisterComplaintAgentPages(http::Router& router, const api::Services& services) {
  const api::Services& s = services;

  router.Add(
      "GET", "/agent/reclamations",
      [&s](http::Request& r) {
        const bool all = r.Query("statut").value_or("") == "toutes";
        auto list = s.complaints->Queue(api::AgentOrganisations(r), {.open_only = !all, .limit = 200});
        if (!list.ok()) return RefusalPage(s, r, list.status());
        const int64_t now = s.clock->NowMillis();
        json items = json::array();
        int overdue = 0;
        for (const auto& c : *list) {
          overdue += c.Overdue(now) && complaints::IsOpen(c.state);
          items.push_back(detail::ComplaintView(s, r, c, now));
        }
        json data = {{"title", Msg(s, r, "complaints.agent_title")},
                     {"lead", Msg(s, r, "complaints.agent_lead")},
                     {"complaints", items},
                     {"has_complaints", !items.empty()},
                     {"all", all},
                     {"filter_href", all ? "/agent/reclamations" : "/agent/reclamations?statut=toutes"},
                     {"filter_label", Msg(s, r, all ? "complaints.agent_filter_open" : "complaints.agent_filter_all")},
                     {"caption", Msg(s, r, all ? "complaints.agent_caption_all" : "complaints.agent_caption")}};
        if (overdue > 0) {
          data["notice"] = detail::PageNotice("warning", Msg(s, r, "complaints.agent_overdue_count",
                                                             {{"count", std::to_string(overdue)}}));
        }
        return RenderPage(s, r, "complaints_queue", std::move(data));
      },
      "web.complaints.queue", "agent");

  router.Add(
      "GET", "/agent/reclamations/{complaint_id}",
      [&s](http::Request& r) {
        auto c = s.complaints->GetForOrganisation(api::AgentOrganisations(r), r.Param("complaint_id"));
        if (!c.ok()) return RefusalPage(s, r, c.status());
        return DetailPage(s, r, *c);
      },
      "web.complaints.agent_get", "agent");

  for (const char* verb : {"prendre", "repondre", "resoudre", "rejeter"}) AddAction(router, s, verb);
}

}  // namespace parcours::web
