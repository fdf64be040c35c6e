// Display helpers shared by the agent console's pages. Internal to the web module.
#pragma once

#include <string>

#include "parcours/api/services.h"
#include "parcours/http/message.h"

namespace parcours::web {

// The label of an event type on a timeline (console.events.<type with underscores>), in the
// page's language; the type itself when no label is known.
std::string EventLabel(const api::Services& services, const http::Request& request, const std::string& type);
// An organisation (an administration of the catalogue) by its name in `lang`; its id if unknown.
std::string OrganisationName(const api::Services& services, const std::string& id, const std::string& lang);

}  // namespace parcours::web
