// Proactive offers through the real binary: a change of situation makes the server's trigger
// worker offer the prime d'activité (and nothing the rules refuse), the API lists it, another
// role cannot reach it, accepting continues the person's journey with the claim step in
// progress, the events are counted by insight, and `parcours campaign run` is idempotent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "harness.h"

namespace parcours::harness {
namespace {

using nlohmann::json;

std::string Csrf(const std::string& html) {
  static const std::regex re("name=\"csrf_token\" value=\"([^\"]+)\"");
  std::smatch m;
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

// Logs `client` in with the demo login as `role`; returns the session's CSRF token.
std::string DemoLogin(HttpClient& client, const std::string& role) {
  auto page = client.Get("/connexion");
  auto login = client.PostForm("/connexion/demo", {{"csrf_token", Csrf(page.body)}, {"role", role}, {"retour", "/compte"}});
  EXPECT_EQ(login.status, 303) << login.body;
  return Csrf(client.Get("/compte").body);
}

// Polls `fn` until it returns true; the worker and the insight fold run in the background.
template <typename Fn>
bool Eventually(Fn fn) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    if (fn()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

// Runs the binary with `args` against `server`'s database; returns the exit code, fills `out`.
int RunCli(const ServerProcess& server, const std::string& args, std::string* out) {
  // In the server's folder, so that the vault's key file (var/vault.keys) is the server's.
  std::string command = "cd '" + server.dir() + "' && env -i PATH=/usr/bin:/bin PARCOURS_DATABASE='" + server.database_url() +
                        "' PARCOURS_CATALOG_DIR='" + SourceDir() + "/catalog' '" + ParcoursBinary() + "' " + args +
                        " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) out->append(buf);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ProactiveIntegration, SituationChangeOffersAndAcceptContinuesTheJourney) {
  ServerOptions o;
  o.env = {{"PARCOURS_DEMO", "1"}};
  ServerProcess server(o);
  ASSERT_TRUE(server.Start().ok()) << server.Stderr();
  HttpClient lea = server.Client();
  const std::string csrf = DemoLogin(lea, "usager");
  ASSERT_FALSE(csrf.empty());
  const std::string person = lea.Get("/api/v1/auth/me").Json().value("person_id", "");
  ASSERT_FALSE(person.empty());
  const std::string offers_path = "/api/v1/persons/" + person + "/offers";

  // She starts "faire valoir ses droits" without her income: nothing can be decided yet.
  auto started = lea.PostJson("/api/v1/me/journeys",
                              {{"event_id", "faire-valoir-ses-droits"},
                               {"event_date", "2026-01-15"},
                               {"answers", {{"personne . salarié", true}, {"personne . âge", 30}}}},
                              {{"X-CSRF-Token", csrf}});
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string journey = started.Json()["id"];
  auto none = lea.Get(offers_path);
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_TRUE(none.Json()["offers"].empty()) << none.body;

  // Her income becomes known: the worker offers the prime d'activité, not the CSS (above its ceiling).
  auto updated = lea.Send("PATCH", "/api/v1/me/journeys/" + journey + "/situation",
                          json{{"answers", {{"foyer . ressources mensuelles", 1200}}}}.dump(),
                          {{"Content-Type", "application/json"}, {"X-CSRF-Token", csrf}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  json offers;
  ASSERT_TRUE(Eventually([&] {
    offers = lea.Get(offers_path).Json()["offers"];
    return offers.is_array() && !offers.empty();
  })) << server.Stderr();
  ASSERT_EQ(offers.size(), 1u) << offers.dump();
  EXPECT_EQ(offers[0]["entitlement"], "prime-activite");
  EXPECT_EQ(offers[0]["status"], "proposee");
  EXPECT_EQ(offers[0]["administration"], "caf");
  EXPECT_THAT(offers[0]["explanation"].get<std::string>(), ::testing::HasSubstr("potentiellement éligible"));
  // In English, the explanation kept in English: answers by their questions, yes / no.
  const json english = lea.Get(offers_path + (offers_path.find('?') == std::string::npos ? "?" : "&") + "lang=en")
                           .Json()["offers"];
  ASSERT_EQ(english.size(), 1u) << english.dump();
  EXPECT_THAT(english[0]["explanation"].get<std::string>(), ::testing::HasSubstr("”: yes"));
  const std::string offer = offers[0]["id"];

  // A pilote cannot see it (policy "person"); an unknown offer is a 404 problem.
  HttpClient pilote = server.Client();
  ASSERT_FALSE(DemoLogin(pilote, "pilote").empty());
  auto refused = pilote.Get(offers_path);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.Header("Content-Type").rfind("application/problem+json", 0), 0u);
  auto unknown = lea.PostJson(offers_path + "/01890000-0000-7000-8000-000000000000/accept", json::object(),
                              {{"X-CSRF-Token", csrf}});
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(unknown.Json()["code"], "proactive.offer_not_found");

  // One click: her journey continues with the claim step in progress.
  auto accepted = lea.PostJson(offers_path + "/" + offer + "/accept", json::object(), {{"X-CSRF-Token", csrf}});
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.Json()["journey_id"], journey);
  EXPECT_EQ(accepted.Json()["offer"]["status"], "acceptee");
  auto step = lea.Get("/api/v1/me/journeys/" + journey + "/steps/prime-activite");
  ASSERT_EQ(step.status, 200) << step.body;
  EXPECT_EQ(step.Json()["status"], "en_cours") << step.body;
  auto declined = lea.PostJson(offers_path + "/" + offer + "/decline", json::object(), {{"X-CSRF-Token", csrf}});
  EXPECT_EQ(declined.status, 409);
  EXPECT_EQ(declined.Json()["code"], "proactive.offer_accepted");

  // Insight counts the offer and its take-up.
  json proactive;
  std::string indicators;
  ASSERT_TRUE(Eventually([&] {
    auto r = pilote.Get("/api/v1/insight/indicators?service=caf");
    indicators = std::to_string(r.status) + " " + r.body;
    proactive = r.Json().value("proactive", json());
    return proactive.is_object() && proactive["accepted"] == 1;
  })) << indicators;
  EXPECT_EQ(proactive["offers"], 1);

  // A campaign finds her eligible, already offered: no second offer, and twice the same.
  std::string out;
  ASSERT_EQ(RunCli(server, "campaign run --entitlement prime-activite", &out), 0) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("éligibles / eligible: 1"));
  EXPECT_THAT(out, ::testing::HasSubstr("propositions faites / offered: 0"));
  out.clear();
  EXPECT_EQ(RunCli(server, "campaign run --entitlement inconnu", &out), 2) << out;
  EXPECT_EQ(lea.Get(offers_path).Json()["offers"].size(), 1u);
}

}  // namespace
}  // namespace parcours::harness
