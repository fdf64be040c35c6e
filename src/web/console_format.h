// Display helpers shared by the agent console's pages. Internal to the web module.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "parcours/api/services.h"
#include "parcours/http/message.h"
#include "parcours/store/events.h"

namespace parcours::web {

// The label of an event type on a timeline (console.events.<type with underscores>), in the
// page's language; the type itself when no label is known.
std::string EventLabel(const api::Services& services, const http::Request& request, const std::string& type);
// A person's timeline as the console's table shows it: when, what (and in words), who, channel.
// `name` is the person's, for staff ("Karim Benali, en personne"); "" when the person reads it
// ("Vous", "Sophie Martin, pour vous").
nlohmann::json TimelineRows(const api::Services& services, const http::Request& request,
                            const std::vector<store::Event>& events, const std::string& person,
                            const std::string& name);
// An organisation (an administration of the catalogue) by its name in `lang`; its id if unknown.
std::string OrganisationName(const api::Services& services, const std::string& id, const std::string& lang);

}  // namespace parcours::web
