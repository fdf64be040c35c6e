// Life events and journeys through the real binary: the catalogue, starting a journey, the plan
// following the situation (Camille not married -> reconnaissance; married -> not concerned),
// non-linear statuses, Karim's bike aid in Lyon, and problem+json for every kind of bad input
// (422 with field errors for invalid fields, 400 for a malformed body, 404 for unknown objects).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>

#include "harness.h"

namespace parcours::harness {
namespace {

using nlohmann::json;

std::string Csrf(const std::string& html) {
  static const std::regex re("name=\"csrf_token\" value=\"([^\"]+)\"");
  std::smatch m;
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

std::string InDays(int days) {
  const std::time_t t = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

const json* Step(const json& journey, const std::string& id) {
  for (const json& s : journey["steps"]) {
    if (s["id"] == id) return &s;
  }
  return nullptr;
}

class JourneysApi : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.env = {{"PARCOURS_DEMO", "1"}};
    server_ = std::make_unique<ServerProcess>(o);
    ASSERT_TRUE(server_->Start().ok()) << server_->Stderr();
    client_ = std::make_unique<HttpClient>(server_->Client());
    auto page = client_->Get("/connexion");
    auto login = client_->PostForm("/connexion/demo", {{"csrf_token", Csrf(page.body)}, {"role", "usager"}, {"retour", "/compte"}});
    ASSERT_EQ(login.status, 303) << login.body;
    csrf_ = Csrf(client_->Get("/compte").body);
    ASSERT_FALSE(csrf_.empty());
  }

  HttpResponse Post(const std::string& path, const json& body) {
    return client_->PostJson(path, body, {{"X-CSRF-Token", csrf_}});
  }
  HttpResponse Send(const std::string& method, const std::string& path, const json& body) {
    return client_->Send(method, path, body.dump(), {{"Content-Type", "application/json"}, {"X-CSRF-Token", csrf_}});
  }
  static std::vector<std::string> Fields(const HttpResponse& r) {
    std::vector<std::string> out;
    for (const json& e : r.Json().value("errors", json::array())) out.push_back(e.value("field", ""));
    return out;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
  std::string csrf_;
};

TEST_F(JourneysApi, CatalogueIsPublicAndComplete) {
  HttpClient anonymous = server_->Client();
  auto list = anonymous.Get("/api/v1/life-events?lang=en");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.Json()["life_events"].size(), 5u);
  auto event = anonymous.Get("/api/v1/life-events/demenager");
  ASSERT_EQ(event.status, 200);
  EXPECT_GE(event.Json()["steps"].size(), 8u);
  auto unknown = anonymous.Get("/api/v1/life-events/partir-sur-mars");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(unknown.Json()["code"], "journeys.unknown_event");
  EXPECT_EQ(anonymous.Get("/api/v1/me/journeys").status, 401);
}

TEST_F(JourneysApi, CamillesPlanFollowsHerSituation) {
  const std::string date = InDays(30);
  auto started = Post("/api/v1/me/journeys", {{"event_id", "devenir-parent"},
                                              {"event_date", date},
                                              {"answers", {{"naissance . parents mariés", false}}}});
  ASSERT_EQ(started.status, 201) << started.body;
  const json journey = started.Json();
  const std::string id = journey["id"];
  EXPECT_EQ(started.Header("Location"), "/api/v1/me/journeys/" + id);
  ASSERT_NE(Step(journey, "reconnaissance-anticipee"), nullptr);
  EXPECT_EQ((*Step(journey, "reconnaissance-anticipee"))["applicability"], "applies");
  EXPECT_EQ((*Step(journey, "declaration-naissance"))["deadline"], InDays(35));
  // The explanation names the question as it was asked (no rule name), in the response's language.
  EXPECT_THAT((*Step(journey, "reconnaissance-anticipee"))["explanation"].get<std::string>(),
              ::testing::HasSubstr("« Êtes-vous marié(e) avec l'autre parent ? »"));

  auto married = Send("PATCH", "/api/v1/me/journeys/" + id + "/situation",
                      {{"answers", {{"naissance . parents mariés", true}}}});
  ASSERT_EQ(married.status, 200) << married.body;
  EXPECT_EQ((*Step(married.Json(), "reconnaissance-anticipee"))["applicability"], "not_applicable");
  EXPECT_EQ((*Step(married.Json(), "reconnaissance-anticipee"))["status"], "non_concernee");
  // Its page says whom it is for and that this is not her case, not why it would apply.
  const std::string page = client_->Get("/mes-parcours/" + id + "/etapes/reconnaissance-anticipee").body;
  EXPECT_THAT(page, ::testing::HasSubstr("Pourquoi elle ne vous concerne pas"));
  EXPECT_THAT(page, ::testing::HasSubstr("est pas votre situation"));

  auto done = Send("PUT", "/api/v1/me/journeys/" + id + "/steps/declaration-naissance/status", {{"status", "terminee"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.Json()["status"], "terminee");
  auto step = client_->Get("/api/v1/me/journeys/" + id + "/steps/declaration-naissance");
  EXPECT_EQ(step.Json()["status"], "terminee");
  auto conflict = Send("PUT", "/api/v1/me/journeys/" + id + "/steps/reconnaissance-anticipee/status", {{"status", "en_cours"}});
  EXPECT_EQ(conflict.status, 409);
  auto list = client_->Get("/api/v1/me/journeys");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.Json()["journeys"][0]["id"], id);
}

TEST_F(JourneysApi, KarimSeesLyonsBikeAid) {
  auto started = Post("/api/v1/me/journeys",
                      {{"event_id", "demenager"},
                       {"event_date", InDays(20)},
                       {"answers",
                        {{"véhicule . possède un véhicule", true},
                         {"foyer . enfants scolarisés", true},
                         {"localisation . epci", "Métropole de Lyon"},
                         {"revenu fiscal de référence par part . revenu de référence", 30000},
                         {"revenu fiscal de référence par part . nombre de parts", 3},
                         {"vélo . type", "électrique"},
                         {"vélo . prix", 1500}}}});
  ASSERT_EQ(started.status, 201) << started.body;
  const json journey = started.Json();
  EXPECT_EQ((*Step(journey, "carte-grise"))["deadline"].get<std::string>().size(), 10u);
  EXPECT_EQ((*Step(journey, "inscription-scolaire"))["applicability"], "applies");
  const json& velo = *Step(journey, "aide-velo");
  ASSERT_EQ(velo["applicability"], "applies") << velo.dump();
  bool lyon = false;
  for (const json& aid : velo["aids"]) lyon = lyon || (aid["rule"] == "aides . lyon" && aid["amount"] == 400);
  EXPECT_TRUE(lyon) << velo.dump();
}

// Answers sent through the API are a form for the DLNUF indicators: re-sending what the vault
// held counts as asked again, unless the client says it showed it prefilled.
TEST_F(JourneysApi, ApiAnswersAreCountedForDlnuf) {
  const std::string person = client_->Get("/api/v1/auth/me").Json()["person_id"];
  auto last_form = [&]() {
    const json events = client_->Get("/api/v1/persons/" + person + "/timeline?limit=50").Json()["events"];
    for (const json& e : events) {
      if (e["type"] == "fr.parcours.vault.form_submitted") return e["data"];
    }
    return json();
  };
  const json answer = {{"naissance . parents mariés", false}};
  auto started = Post("/api/v1/me/journeys", {{"event_id", "devenir-parent"}, {"event_date", InDays(60)}, {"answers", answer}});
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string id = started.Json()["id"];
  json form = last_form();
  EXPECT_EQ(form["form"], "devenir-parent/api");
  EXPECT_EQ(form["asked"], 1);
  EXPECT_EQ(form["reasked"], 0);

  ASSERT_EQ(Send("PATCH", "/api/v1/me/journeys/" + id + "/situation", {{"answers", answer}}).status, 200);
  form = last_form();
  EXPECT_EQ(form["asked"], 1);
  EXPECT_EQ(form["reasked"], 1);

  auto shown = Send("PATCH", "/api/v1/me/journeys/" + id + "/situation",
                    {{"answers", answer}, {"prefilled", {"naissance . parents mariés", "foyer . enfants à charge"}}});
  ASSERT_EQ(shown.status, 200) << shown.body;
  form = last_form();
  EXPECT_EQ(form["prefilled"], 1);
  EXPECT_EQ(form["asked"], 0);
  EXPECT_EQ(form["reasked"], 0);

  auto bad = Send("PATCH", "/api/v1/me/journeys/" + id + "/situation", {{"answers", answer}, {"prefilled", "tout"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_THAT(Fields(bad), ::testing::ElementsAre("/prefilled"));
}

TEST_F(JourneysApi, BadInputIsProblemJsonWithFieldErrors) {
  auto impossible = Post("/api/v1/me/journeys", {{"event_id", "devenir-parent"}, {"event_date", "2026-02-30"}});
  EXPECT_EQ(impossible.status, 422);
  EXPECT_THAT(Fields(impossible), ::testing::Contains("/event_date"));
  EXPECT_EQ(impossible.Json()["errors"][0]["reason"], "bad_date");
  auto far = Post("/api/v1/me/journeys", {{"event_id", "devenir-parent"}, {"event_date", "2099-01-01"}});
  EXPECT_EQ(far.status, 422);
  auto types = Post("/api/v1/me/journeys", {{"event_id", 7}, {"event_date", true}});
  EXPECT_EQ(types.status, 422);
  EXPECT_THAT(Fields(types), ::testing::UnorderedElementsAre("/event_id", "/event_date"));
  auto unknown = Post("/api/v1/me/journeys", {{"event_id", "partir-sur-mars"}, {"event_date", InDays(1)}});
  EXPECT_EQ(unknown.status, 404);
  auto answers = Post("/api/v1/me/journeys",
                      {{"event_id", "devenir-parent"},
                       {"event_date", InDays(1)},
                       {"answers", {{"foyer . enfants à charge", 99}, {"naissance . parents mariés", "peut-être"}, {"x", 1}}}});
  EXPECT_EQ(answers.status, 422);
  EXPECT_EQ(Fields(answers).size(), 3u);
  // Each field error says why, so a page in another language can word it.
  std::map<std::string, json> why;
  const json problem = answers.Json();
  for (const json& e : problem["errors"]) why[e["field"].get<std::string>()] = e;
  ASSERT_EQ(why.size(), 3u) << answers.body;
  EXPECT_EQ(why["/answers/foyer . enfants à charge"]["reason"], "out_of_range") << answers.body;
  EXPECT_TRUE(why["/answers/foyer . enfants à charge"]["params"].contains("max"));
  EXPECT_EQ(why["/answers/naissance . parents mariés"]["reason"], "wrong_type");
  EXPECT_EQ(why["/answers/x"]["reason"], "unknown_question");
  auto malformed = client_->Post("/api/v1/me/journeys", "{", "application/json", {{"X-CSRF-Token", csrf_}});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(client_->Get("/api/v1/me/journeys/00000000-0000-7000-8000-000000000000").status, 404);
  EXPECT_EQ(client_->Get("/api/v1/me/journeys/not-an-id").status, 404);
  auto ok = Post("/api/v1/me/journeys", {{"event_id", "demenager"}, {"event_date", InDays(1)}});
  ASSERT_EQ(ok.status, 201);
  const std::string id = ok.Json()["id"];
  EXPECT_EQ(Send("PUT", "/api/v1/me/journeys/" + id + "/steps/teleportation/status", {{"status", "terminee"}}).status, 404);
  EXPECT_EQ(Send("PUT", "/api/v1/me/journeys/" + id + "/steps/energie/status", {{"status", "fini"}}).status, 422);
  EXPECT_EQ(Send("PATCH", "/api/v1/me/journeys/" + id + "/situation", json::array()).status, 422);
}

}  // namespace
}  // namespace parcours::harness
