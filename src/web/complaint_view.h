// Page data shared by the person's and the agent's complaint pages (complaint_pages.cc,
// complaint_agent_pages.cc).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "parcours/api/services.h"
#include "parcours/complaints/complaints.h"
#include "parcours/http/message.h"

namespace parcours::web::detail {

// Status tag, overdue flag, labels and dates of `c` in the request's language, its messages
// ("author" is the agent's name, or "you" / the person for the person's own messages).
nlohmann::json ComplaintView(const api::Services& s, const http::Request& r, const complaints::Complaint& c,
                             int64_t now_ms);

// Component data with every optional key present (kainjow mustache treats "" as true).
nlohmann::json PageButton(std::string label, bool secondary = false);
nlohmann::json PageLinkButton(std::string label, std::string href);
nlohmann::json PageNotice(std::string kind, std::string text);

// The value of form field `name`, "" when absent.
std::string FormField(const std::multimap<std::string, std::string>& fields, const std::string& name);

}  // namespace parcours::web::detail
