// Complaints end to end through the real binary: the demo usager files a complaint about the
// Caf through the JSON API (bad input refused with French field errors, the acknowledgement
// carrying the due date of the configured SLA), the demo agent of the Caf takes, answers and
// resolves it from the organisation's queue, the usager reads the answer, and the pilote's
// indicators count the complaint and its handling delay once the fold has seen the events.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "harness.h"
#include "parcours/base/clock.h"

namespace parcours::harness {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class ComplaintsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started.message();
  }

  // Logs `client` in with the demo `role`; returns the session's CSRF token.
  static std::string Login(HttpClient& client, const std::string& role) {
    std::smatch m;
    const std::regex token("name=\"csrf_token\" value=\"([^\"]+)\"");
    HttpResponse page = client.Get("/connexion");
    EXPECT_TRUE(std::regex_search(page.body, m, token));
    HttpResponse login = client.PostForm("/connexion/demo", {{"csrf_token", m[1]}, {"role", role}});
    EXPECT_EQ(login.status, 303) << login.body;
    HttpResponse account = client.Get("/compte");
    EXPECT_TRUE(std::regex_search(account.body, m, token)) << account.status;
    return m[1];
  }

  static int64_t Millis(const json& rfc3339) {
    TimePoint t;
    EXPECT_TRUE(ParseRfc3339(rfc3339.get<std::string>(), &t));
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  }

  static ServerOptions Options() {
    ServerOptions options;
    options.env["PARCOURS_DEMO"] = "true";
    options.env["PARCOURS_COMPLAINT_SLA_DAYS"] = "45";
    return options;
  }
  ServerProcess server_{Options()};
};

TEST_F(ComplaintsTest, FiledByTheUsagerResolvedByTheAgentCountedForThePilote) {
  HttpClient usager = server_.Client();
  const HeaderList u = {{"X-CSRF-Token", Login(usager, "usager")}};
  const std::string person = usager.Get("/api/v1/auth/me").Json()["person_id"];
  const std::string base = "/api/v1/persons/" + person + "/complaints";

  // Bad input: every field error at once, in French; an unknown organisation; not JSON.
  HttpResponse bad = usager.PostJson(base, {{"service", "caf"}, {"category", "colere"}, {"text", "court"},
                                            {"reference", std::string(65, 'r')}}, u);
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(bad.Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(bad.Json()["code"], "complaints.invalid");
  EXPECT_EQ(bad.Json()["errors"].size(), 3u) << bad.body;
  for (const auto& e : bad.Json()["errors"]) EXPECT_FALSE(e.value("reason", "").empty()) << e.dump();
  HttpResponse unknown = usager.PostJson(base, {{"service", "poudlard"}, {"category", "delai"},
                                                {"text", "Je n'ai jamais reçu de réponse."}}, u);
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(unknown.Json()["errors"][0]["field"], "service");
  EXPECT_EQ(usager.Post(base, "{\"text\": ", "application/json", u).status, 400);
  EXPECT_EQ(usager.PostJson(base, {{"text", 12}}, u).status, 422);
  EXPECT_EQ(usager.PostJson("/api/v1/persons/someone-else/complaints", {{"service", "caf"}}, u).status, 403);

  HttpResponse filed = usager.PostJson(base, {{"service", "caf"}, {"category", "delai"},
                                              {"text", "Mon aide au logement n'est plus versée depuis mars."},
                                              {"reference", "1234567 A"}}, u);
  ASSERT_EQ(filed.status, 201) << filed.body;
  const json c = filed.Json();
  const std::string id = c["id"];
  EXPECT_EQ(filed.Header("Location"), base + "/" + id);
  EXPECT_EQ(c["status"], "deposee");
  EXPECT_EQ(c["organisation"], "caf");
  EXPECT_EQ(c["sla_days"], 45);
  EXPECT_EQ(Millis(c["acknowledgement"]["due"]) - Millis(c["acknowledgement"]["received"]),
            int64_t{45} * 24 * 3600 * 1000);
  // The message gives the date as people read it (JJ/MM/AAAA), not as the field does.
  static const std::regex french_date("au plus tard le [0-9]{2}/[0-9]{2}/[0-9]{4}\\.$");
  EXPECT_TRUE(std::regex_search(c["acknowledgement"]["message"].get<std::string>(), french_date))
      << c["acknowledgement"]["message"];
  EXPECT_EQ(usager.Get(base).Json()["complaints"].size(), 1u);
  // The usager cannot handle it.
  EXPECT_EQ(usager.Post("/api/v1/organisations/caf/complaints/" + id + "/take", "", "application/json", u).status,
            403);

  // The demo agent works for the Caf: the queue, then take / answer / resolve.
  HttpClient agent = server_.Client();
  const HeaderList a = {{"X-CSRF-Token", Login(agent, "agent")}};
  HttpResponse queue = agent.Get("/api/v1/organisations/caf/complaints");
  ASSERT_EQ(queue.status, 200) << queue.body;
  ASSERT_EQ(queue.Json()["complaints"].size(), 1u);
  EXPECT_EQ(queue.Json()["complaints"][0]["id"], id);
  EXPECT_EQ(queue.Json()["overdue"], 0);
  EXPECT_EQ(agent.Get("/api/v1/organisations/cpam/complaints").status, 403);
  const std::string act = "/api/v1/organisations/caf/complaints/" + id;
  HttpResponse taken = agent.Post(act + "/take", "", "application/json", a);
  ASSERT_EQ(taken.status, 200) << taken.body;
  EXPECT_EQ(taken.Json()["status"], "en_cours");
  HttpResponse twice = agent.Post(act + "/take", "", "application/json", a);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.Json()["code"], "complaints.bad_transition");
  HttpResponse silent = agent.PostJson(act + "/resolve", json::object(), a);
  EXPECT_EQ(silent.status, 409);
  EXPECT_EQ(silent.Json()["code"], "complaints.answer_required");
  EXPECT_EQ(agent.PostJson(act + "/answer", {{"message", ""}}, a).status, 422);
  HttpResponse answered =
      agent.PostJson(act + "/answer", {{"message", "Votre dossier est à jour : le versement reprend ce mois-ci."}}, a);
  ASSERT_EQ(answered.status, 200) << answered.body;
  HttpResponse resolved = agent.PostJson(act + "/resolve", json::object(), a);
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(resolved.Json()["status"], "resolue");
  EXPECT_EQ(agent.Get("/api/v1/organisations/caf/complaints").Json()["complaints"].size(), 0u);
  EXPECT_EQ(agent.Get("/api/v1/organisations/caf/complaints?status=all").Json()["complaints"].size(), 1u);
  EXPECT_EQ(agent.Get("/api/v1/organisations/caf/complaints?status=closed").status, 422);

  // The same truth for the usager.
  const json mine = usager.Get(base + "/" + id).Json();
  EXPECT_EQ(mine["status"], "resolue");
  ASSERT_EQ(mine["messages"].size(), 1u);
  EXPECT_EQ(mine["messages"][0]["body"], "Votre dossier est à jour : le versement reprend ce mois-ci.");
  EXPECT_EQ(mine["messages"][0]["author"], "agent");

  // The pilote's indicators fold the events once they are past the settle window.
  HttpClient pilote = server_.Client();
  Login(pilote, "pilote");
  json complaints, as_of;
  for (int i = 0; i < 60; ++i) {
    HttpResponse r = pilote.Get("/api/v1/insight/indicators?service=caf");
    ASSERT_EQ(r.status, 200) << r.body;
    complaints = r.Json()["complaints"];
    as_of = r.Json()["as_of"];
    if (complaints["resolved"] == 1) break;
    std::this_thread::sleep_for(1s);
  }
  // Counted, so folded: the export says up to when (RFC 3339 UTC), as the CSV does.
  ASSERT_TRUE(as_of.is_string()) << as_of.dump();
  EXPECT_EQ(as_of.get<std::string>().back(), 'Z');
  HttpResponse csv = pilote.Get("/api/v1/insight/indicators.csv?service=caf");
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("\r\ndonnees_a_jour_au,,20"), std::string::npos) << csv.body.substr(0, 200);
  EXPECT_EQ(complaints["filed"], 1) << complaints.dump();
  EXPECT_EQ(complaints["resolved"], 1) << complaints.dump();
  EXPECT_EQ(complaints["delay"]["count"], 1);
  EXPECT_EQ(complaints["delay"]["median_hours"], 1) << "a few seconds round up to the first hour";
}

}  // namespace
}  // namespace parcours::harness
