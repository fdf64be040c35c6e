// The service objects every route handler reaches: one `Services` value is filled by the
// `parcours serve` start-up code (src/app) and passed by const reference to each module's
// Register...Routes function. Pointers are non-owning: the app owns every object and keeps it
// alive until the server has stopped. A pointer may be null in unit tests that do not need it.
//
// Adding a module: forward-declare its service type below, add one pointer field under
// "Module services", fill it in src/app/serve.cc. Keep this header free of heavy includes.
// Thread-safety: the struct is read-only once the server runs; each pointee documents its own.
#pragma once

namespace parcours {
class Clock;
}
namespace parcours::store {
class Database;
}
namespace parcours::app {
struct Config;
}
namespace parcours::http {
class MetricsRegistry;
}
namespace parcours::web {
class Renderer;
class StaticFiles;
}

namespace parcours::exchange {
class Outbox;
class DeliveryWorker;
}

namespace parcours::auth {
class Auth;
}

namespace parcours::vault {
class Vault;
}

namespace parcours::journeys {
class JourneyService;
}

namespace parcours::insight {
class InsightService;
}

namespace parcours::complaints {
class ComplaintService;
}

namespace parcours::api {

struct Services {
  // Foundation.
  store::Database* db = nullptr;
  const Clock* clock = nullptr;
  const app::Config* config = nullptr;       // the validated configuration (app/config.h)
  http::MetricsRegistry* metrics = nullptr;  // request metrics, served at /metrics
  const web::Renderer* renderer = nullptr;   // HTML templates and i18n catalogues
  const web::StaticFiles* assets = nullptr;  // CSS and images under /static/

  // Module services (one field per module, added by the module's authors).
  exchange::Outbox* outbox = nullptr;                   // declarations fanned out to agencies
  exchange::DeliveryWorker* delivery_worker = nullptr;  // sends the outbox (woken after a submit)
  auth::Auth* auth = nullptr;  // sessions, logins, API keys, policies (auth/auth.h)
  vault::Vault* vault = nullptr;  // once-only data vault: attributes, consents, access log (vault/vault.h)
  journeys::JourneyService* journeys = nullptr;  // life-event catalogue and journeys (journeys/journeys.h)
  insight::InsightService* insight = nullptr;  // indicators and feedback (insight/service.h)
  complaints::ComplaintService* complaints = nullptr;  // complaints with a deadline (complaints/complaints.h)
};

}  // namespace parcours::api
