// The components showcase page (private to the web module).
#pragma once

#include "parcours/api/services.h"
#include "parcours/http/message.h"

namespace parcours::web {

// GET /composants: renders every component of the theme with sample data.
http::Response ComponentsPage(const api::Services& services, const http::Request& request);

}  // namespace parcours::web
