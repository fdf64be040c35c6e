// Internal to the web module: the public insight pages (open data, feedback form).
#pragma once

#include "parcours/api/services.h"
#include "parcours/base/status.h"
#include "parcours/http/router.h"

namespace parcours::web {

void RegisterInsightPublicPages(http::Router& router, const api::Services& services);
// The refusal page of the insight pages (RefusalPage), leading back to the pilote's home or,
// for the public pages, home.
http::Response InsightRefuse(const api::Services& s, const http::Request& r, const Status& status);

}  // namespace parcours::web
