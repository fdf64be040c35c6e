// GET /composants: every component of the theme with sample data (see the template).
#include <nlohmann/json.hpp>

#include "components_page.h"
#include "parcours/web/page.h"

namespace parcours::web {

using nlohmann::json;

http::Response ComponentsPage(const api::Services& services, const http::Request& request) {
  auto t = [&](std::string_view key) { return Msg(services, request, key); };
  auto c = [&](std::string_view key) { return t("components." + std::string(key)); };
  auto status = [&](std::string_view kind) {
    return json{{"label", t("status." + std::string(kind))}, {"kind", kind}};
  };
  json data;
  data["title"] = c("title");
  data["breadcrumb"] = {{{"href", "/"}, {"label", c("breadcrumb_home")}},
                        {{"href", nullptr}, {"label", c("title")}}};
  data["notices"] = {
      {{"kind", "info"}, {"title", c("notice_info_title")}, {"text", c("notice_info")}},
      {{"kind", "success"}, {"title", nullptr}, {"text", c("notice_success")}},
      {{"kind", "warning"}, {"title", nullptr}, {"text", c("notice_warning")}}};
  data["errors"] = {{{"href", "#date-evenement"}, {"message", c("field_date_error")}}};
  json field_defaults = {{"hint", nullptr}, {"error", nullptr}, {"value", ""},
                         {"type", "text"},  {"required", true}, {"autocomplete", nullptr},
                         {"inputmode", nullptr}, {"width", nullptr}};
  auto field = [&](json overrides) {
    json f = field_defaults;
    f.update(overrides);
    return f;
  };
  data["fields"] = {
      field({{"id", "nom"}, {"name", "nom"}, {"label", c("field_name")},
             {"autocomplete", "family-name"}, {"value", "Martin"}}),
      field({{"id", "date-evenement"}, {"name", "date_evenement"}, {"label", c("field_date")},
             {"hint", c("field_date_hint")}, {"error", c("field_date_error")},
             {"value", "31/02/2026"}, {"width", "medium"}}),
      field({{"id", "courriel"}, {"name", "courriel"}, {"label", c("field_email")},
             {"type", "email"}, {"autocomplete", "email"}, {"required", false}})};
  data["radios"] = {{"id", "allocataire"},
                    {"name", "allocataire"},
                    {"legend", c("radios_legend")},
                    {"hint", c("radios_hint")},
                    {"error", nullptr},
                    {"required", false},
                    {"options",
                     {{{"value", "oui"}, {"label", c("radios_yes")}, {"checked", true}},
                      {{"value", "non"}, {"label", c("radios_no")}, {"checked", false}},
                      {{"value", "nsp"}, {"label", c("radios_unknown")}, {"checked", false},
                       {"option_hint", c("radios_unknown_hint")}}}}};
  data["submit"] = {{"label", c("submit")}, {"href", nullptr}, {"secondary", false},
                    {"type", "submit"}, {"name", nullptr}, {"value", nullptr}, {"id", nullptr}};
  data["cancel"] = {{"label", c("cancel")}, {"href", "/"}, {"secondary", true}, {"id", nullptr}};
  data["tasks"] = {
      {{"id", "tache-naissance"}, {"href", "#tache-naissance"}, {"label", c("task_birth")},
       {"hint", nullptr}, {"deadline", c("task_birth_deadline")}, {"status", status("in_progress")}},
      {{"id", "tache-caf"}, {"href", "#tache-caf"}, {"label", c("task_caf")}, {"hint", nullptr},
       {"deadline", nullptr}, {"status", status("sent")}},
      {{"id", "tache-cpam"}, {"href", "#tache-cpam"}, {"label", c("task_cpam")}, {"hint", nullptr},
       {"deadline", nullptr}, {"status", status("todo")}},
      {{"id", "tache-conge"}, {"href", nullptr}, {"label", c("task_leave")}, {"hint", nullptr},
       {"deadline", nullptr}, {"status", status("not_concerned")}}};
  auto row = [](std::string channel, std::string count, std::string share) {
    return json{{"cells",
                 {{{"value", channel}, {"header", true}, {"numeric", false}},
                  {{"value", count}, {"header", false}, {"numeric", true}},
                  {{"value", share}, {"header", false}, {"numeric", true}}}}};
  };
  data["table"] = {{"caption", c("table_caption")},
                   {"head",
                    {{{"label", c("table_channel")}, {"numeric", false}},
                     {{"label", c("table_count")}, {"numeric", true}},
                     {{"label", c("table_share")}, {"numeric", true}}}},
                   {"rows",
                    {row(c("table_web"), "1 284", "71 %"), row(c("table_counter"), "392", "22 %"),
                     row(c("table_phone"), "127", "7 %")}}};
  data["pagination"] = {
      {"previous", {{"href", "/composants?page=1"}}},
      {"next", {{"href", "/composants?page=3"}}},
      {"pages",
       {{{"href", "/composants?page=1"}, {"number", 1}, {"current", false}},
        {{"href", "/composants?page=2"}, {"number", 2}, {"current", true}},
        {{"href", "/composants?page=3"}, {"number", 3}, {"current", false}}}}};
  return RenderPage(services, request, "components", std::move(data));
}

}  // namespace parcours::web
