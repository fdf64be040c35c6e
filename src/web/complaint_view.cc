#include "complaint_view.h"

#include "parcours/web/page.h"
#include "vault_format.h"

namespace parcours::web::detail {

using nlohmann::json;

json PageButton(std::string label, bool secondary) {
  return {{"label", std::move(label)}, {"href", false}, {"type", false}, {"name", false},
          {"value", false}, {"id", false}, {"secondary", secondary}};
}

json PageLinkButton(std::string label, std::string href) {
  json b = PageButton(std::move(label));
  b["href"] = std::move(href);
  return b;
}

json PageNotice(std::string kind, std::string text) {
  return {{"kind", std::move(kind)}, {"title", false}, {"text", std::move(text)}};
}

std::string FormField(const std::multimap<std::string, std::string>& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

json ComplaintView(const api::Services& s, const http::Request& r, const complaints::Complaint& c, int64_t now_ms) {
  const std::string lang = PageLanguage(r);
  static const std::map<complaints::State, std::string> kKinds = {{complaints::State::kDeposee, "todo"},
                                                                  {complaints::State::kEnCours, "in_progress"},
                                                                  {complaints::State::kResolue, "done"},
                                                                  {complaints::State::kRejetee, "error"}};
  const bool overdue = c.Overdue(now_ms);
  json messages = json::array();
  for (const auto& m : c.messages) {
    const std::string author = m.author_kind == "agent" ? (m.author_name.empty() ? Msg(s, r, "complaints.organisation")
                                                                                  : m.author_name)
                                                        : Msg(s, r, "complaints.person");
    messages.push_back({{"author", author}, {"date", VaultDateTime(m.created_ms, lang)}, {"body", m.body}});
  }
  auto opt = [](const std::string& v) { return v.empty() ? json(false) : json(v); };
  return {{"id", c.id},
          {"subject", lang == "en" ? c.target_label_en : c.target_label_fr},
          {"category", Msg(s, r, "complaints.cat_" + c.category)},
          {"text", c.text},
          {"reference", opt(c.reference)},
          {"reason", opt(c.reason)},
          {"tag", {{"label", Msg(s, r, "complaints.status_" + std::string(complaints::StateName(c.state)))},
                   {"kind", kKinds.at(c.state)}}},
          {"overdue", overdue},
          {"overdue_tag", {{"label", Msg(s, r, "complaints.overdue")}, {"kind", "error"}}},
          {"open", complaints::IsOpen(c.state)},
          {"untaken", c.state == complaints::State::kDeposee},
          {"filed", VaultDateTime(c.filed_ms, lang)},
          {"due", VaultDate(c.due_ms)},
          {"closed", c.closed_ms ? json(VaultDate(*c.closed_ms)) : json(false)},
          {"assignee", opt(c.assignee_name)},
          {"messages", messages},
          {"has_messages", !messages.empty()}};
}

}  // namespace parcours::web::detail
