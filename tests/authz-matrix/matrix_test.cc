// The authorisation matrix: every route of the real router x every role x own / other's
// object. Expected decisions come from expected.json (per policy); a route whose policy is
// unknown, or whose pattern lacks the policy's object parameter, fails the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "parcours/api/services.h"
#include "parcours/app/config.h"
#include "parcours/app/serve.h"
#include "parcours/auth/auth.h"
#include "parcours/auth/policy.h"
#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/http/metrics.h"
#include "parcours/http/router.h"
#include "parcours/store/migrations.h"
#include "parcours/web/renderer.h"
#include "parcours/web/static_files.h"

namespace parcours {
namespace {

using auth::Principal;
using auth::Role;
using nlohmann::json;

constexpr int64_t kNow = 1'800'000'000'000;

// Each role's principal. "own" objects: person p-own, organisation org-own, journey j-own,
// dossier d-own, service s-own; "other" objects: the same with -other.
std::shared_ptr<Principal> PrincipalFor(Role role) {
  auto p = std::make_shared<Principal>();
  p->user_id = "user-" + std::string(auth::RoleName(role));
  p->csrf_token = "csrf-token-of-the-session-0123456789abcdefghij";
  switch (role) {
    case Role::kUsager:
      p->person_id = "p-own";
      p->grants = {{role, ""}};
      break;
    case Role::kAidant:
      p->grants = {{role, ""}};
      p->mandates = {{"m1", "p-own", {"*"}, kNow + 3600'000}};
      break;
    case Role::kAgent:
      p->grants = {{role, "org-own"}};
      p->mandates = {{"m2", "p-own", {"*"}, kNow + 3600'000}};
      break;
    case Role::kPilote:
      p->grants = {{role, "org-own"}};
      break;
    case Role::kAdmin:
      p->grants = {{role, ""}};
      break;
    case Role::kIntegrateur:
      p->method = auth::AuthMethod::kApiKey;
      p->grants = {{role, "org-own"}};
      p->services = {"s-own"};
      break;
  }
  return p;
}

std::string Fill(const std::string& pattern, const std::string& side) {
  static const std::map<std::string, std::string> kObjects = {
      {"person_id", "p-"}, {"organisation_id", "org-"}, {"journey_id", "j-"}, {"dossier_id", "d-"},
      {"service_id", "s-"}};
  std::string out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] != '{') {
      out.push_back(pattern[i++]);
      continue;
    }
    std::size_t end = pattern.find('}', i);
    std::string name = pattern.substr(i + 1, end - i - 1);
    if (name.size() > 3 && name.substr(name.size() - 3) == "...") name.resize(name.size() - 3);
    auto it = kObjects.find(name);
    out += it != kObjects.end() ? it->second + side : "x1";
    i = end + 1;
  }
  return out;
}

// The `{name}` values of `path` matched against `pattern`, as the router fills them.
std::map<std::string, std::string, std::less<>> PathParams(const std::string& pattern, const std::string& path) {
  std::map<std::string, std::string, std::less<>> params;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < pattern.size() && j <= path.size()) {
    if (pattern[i] != '{') {
      ++i;
      ++j;
      continue;
    }
    const std::size_t end = pattern.find('}', i);
    std::string name = pattern.substr(i + 1, end - i - 1);
    const bool rest = name.size() > 3 && name.substr(name.size() - 3) == "...";
    if (rest) name.resize(name.size() - 3);
    std::size_t stop = rest ? path.size() : path.find('/', j);
    if (stop == std::string::npos) stop = path.size();
    params[name] = path.substr(j, stop - j);
    j = stop;
    i = end + 1;
  }
  return params;
}

class MatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::ifstream in(std::string(PARCOURS_SOURCE_DIR) + "/tests/authz-matrix/expected.json");
    expected_ = new json(json::parse(in));
    path_ = new std::string((std::filesystem::temp_directory_path() / ("authz-" + NewId() + ".db")).string());
    db_ = store::Database::Open({.url = "sqlite:" + *path_}).value().release();
    ASSERT_TRUE(store::Migrate(*db_).ok());
    clock_ = new ManualClock(TimePoint(std::chrono::milliseconds(kNow)));
    config_ = new app::Config();
    metrics_ = new http::MetricsRegistry();
    const std::string web = std::string(PARCOURS_SOURCE_DIR) + "/web";
    renderer_ = web::Renderer::Load({web, ""}).value().release();
    assets_ = web::StaticFiles::Load(web, "").value().release();
    auth_ = new auth::Auth(*db_, *clock_, auth::AuthOptions{});
    services_ = new api::Services();
    services_->db = db_;
    services_->clock = clock_;
    services_->config = config_;
    services_->metrics = metrics_;
    services_->renderer = renderer_;
    services_->assets = assets_;
    services_->auth = auth_;
    router_ = new http::Router();
    app::RegisterRoutes(*router_, *services_, *assets_);
    // Owners of the fixture objects (replacing the modules' database resolvers).
    auto fixture = [](std::string kind) {
      return [kind](std::string_view id) -> Result<auth::ObjectRef> {
        const std::string side = id.size() > 4 && id.substr(id.size() - 4) == "-own" ? "own" : "other";
        if (kind == "service") return auth::ObjectRef{"", "org-" + side, "s-" + side};
        if (kind == "agent_dossier") return auth::ObjectRef{"", "org-" + side, ""};
        return auth::ObjectRef{"p-" + side, "org-" + side, "s-" + side};
      };
    };
    for (const char* kind : {"journey", "dossier", "agent_dossier", "service"}) auth_->authorizer().AddResolver(kind, fixture(kind));
  }
  static void TearDownTestSuite() {
    delete router_;
    delete services_;
    delete auth_;
    delete db_;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(*path_ + suffix);
  }

  static json* expected_;
  static std::string* path_;
  static store::Database* db_;
  static ManualClock* clock_;
  static app::Config* config_;
  static http::MetricsRegistry* metrics_;
  static web::Renderer* renderer_;
  static web::StaticFiles* assets_;
  static auth::Auth* auth_;
  static api::Services* services_;
  static http::Router* router_;
};

json* MatrixTest::expected_ = nullptr;
std::string* MatrixTest::path_ = nullptr;
store::Database* MatrixTest::db_ = nullptr;
ManualClock* MatrixTest::clock_ = nullptr;
app::Config* MatrixTest::config_ = nullptr;
http::MetricsRegistry* MatrixTest::metrics_ = nullptr;
web::Renderer* MatrixTest::renderer_ = nullptr;
web::StaticFiles* MatrixTest::assets_ = nullptr;
auth::Auth* MatrixTest::auth_ = nullptr;
api::Services* MatrixTest::services_ = nullptr;
http::Router* MatrixTest::router_ = nullptr;

TEST_F(MatrixTest, EveryRouteDeclaresAKnownPolicyWithItsObject) {
  const auto routes = router_->Routes();
  ASSERT_GT(routes.size(), 10u);
  for (const auto& route : routes) {
    SCOPED_TRACE(route.method + " " + route.pattern);
    const auth::PolicySpec* spec = auth::FindPolicy(route.policy);
    ASSERT_NE(spec, nullptr) << "unknown policy \"" << route.policy << "\"";
    const std::string base(auth::SplitPolicy(route.policy).first);  // "person:vault" -> "person"
    EXPECT_TRUE(expected_->at("policies").contains(base)) << "policy missing from expected.json";
    if (!spec->param.empty()) {
      EXPECT_NE(route.pattern.find("{" + spec->param + "}"), std::string::npos)
          << "policy " << spec->name << " needs {" << spec->param << "} in the pattern";
    }
  }
  for (const auto& spec : auth::Policies()) {
    EXPECT_TRUE(expected_->at("policies").contains(spec.name)) << spec.name << " missing from expected.json";
  }
}

TEST_F(MatrixTest, EveryRoleOnOwnAndOthersObjects) {
  int allowed = 0;
  int denied = 0;
  for (const auto& route : router_->Routes()) {
    const json& row = expected_->at("policies").at(std::string(auth::SplitPolicy(route.policy).first));
    std::vector<std::pair<std::string, std::shared_ptr<Principal>>> who = {{"anonymous", nullptr}};
    for (Role r : auth::kAllRoles) who.emplace_back(std::string(auth::RoleName(r)), PrincipalFor(r));
    for (const auto& [role, principal] : who) {
      const std::string rule = row.at(role).get<std::string>();
      for (const std::string side : {"own", "other"}) {
        SCOPED_TRACE(route.method + " " + route.pattern + " as " + role + " on " + side);
        const bool expect_allow = rule == "allow" || (rule == "own" && side == "own");
        const std::string path = Fill(route.pattern, side);
        const http::RouteInfo* matched = router_->Match(route.method, path);
        ASSERT_NE(matched, nullptr) << path;
        http::Request request;
        request.method = route.method;
        ASSERT_TRUE(request.SetTarget(path).ok());
        request.remote_address = "127.0.0.1";
        request.principal = principal;
        if (expect_allow) {
          // Allowed cells: the policy layer lets the request through (handlers need real data).
          Status d = auth_->authorizer().Decide(principal.get(), route.policy, PathParams(matched->pattern, path), kNow);
          EXPECT_TRUE(d.ok()) << d.ToString();
          ++allowed;
        } else {
          // Denied cells go through the real middleware chain: refused before the handler.
          if (route.method != "GET" && route.method != "HEAD") {
            request.headers.emplace("X-CSRF-Token", principal ? principal->csrf_token : "");
          }
          http::Response r = router_->Dispatch(request);
          if (principal == nullptr) {
            EXPECT_TRUE(r.status == 401 || (r.status == 303 && r.headers.count("Location") &&
                                            r.headers.find("Location")->second.rfind("/connexion", 0) == 0))
                << r.status << " " << r.body;
          } else {
            EXPECT_EQ(r.status, 403) << r.body;
          }
          ++denied;
        }
      }
    }
  }
  std::cout << "authz matrix: " << router_->Routes().size() << " routes, " << allowed << " allowed cells, "
            << denied << " denied cells\n";
  EXPECT_GT(denied, 0);
}

}  // namespace
}  // namespace parcours
