// The agent console and the aidants' space through the real binary: an agent of the CAF works
// the dossiers its services received and moves one along the agency state machine (the person
// sees the same status), records an interaction on the person's timeline; and the refusals: an
// agent of another organisation, an aidant whose mandate has ended, anyone without a mandate,
// and the person posing as their own helper get 403/404 problem+json, each refusal audited.
// Accounts the demo does not have (a CPAM agent, an aidant with an ended mandate) are created
// with the auth module on the server's own database file.
#include <gtest/gtest.h>

#include <regex>

#include "harness.h"
#include "parcours/auth/auth.h"
#include "parcours/base/clock.h"
#include "parcours/store/store.h"

namespace parcours::harness {
namespace {

using nlohmann::json;

const std::regex kToken("name=\"csrf_token\" value=\"([^\"]+)\"");

class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started.message();
  }

  // Demo login as `role`; returns the session's CSRF token.
  std::string DemoLogin(HttpClient& client, const std::string& role) {
    std::smatch m;
    HttpResponse page = client.Get("/connexion");
    EXPECT_TRUE(std::regex_search(page.body, m, kToken));
    HttpResponse login = client.PostForm("/connexion/demo", {{"csrf_token", m[1]}, {"role", role}});
    EXPECT_EQ(login.status, 303) << login.body;
    return SessionToken(client);
  }
  std::string LocalLogin(HttpClient& client, const std::string& username) {
    std::smatch m;
    HttpResponse page = client.Get("/connexion");
    EXPECT_TRUE(std::regex_search(page.body, m, kToken));
    HttpResponse login = client.PostForm("/connexion/agent", {{"csrf_token", m[1]}, {"username", username},
                                                              {"password", "mot de passe solide 42"}});
    EXPECT_EQ(login.status, 303) << login.body;
    return SessionToken(client);
  }
  static std::string SessionToken(HttpClient& client) {
    std::smatch m;
    HttpResponse account = client.Get("/compte");
    EXPECT_EQ(account.status, 200);
    EXPECT_TRUE(std::regex_search(account.body, m, kToken));
    return m[1];
  }
  int CountEvents(const std::string& type) {
    auto db = store::Database::Open({.url = server_.database_url()});
    EXPECT_TRUE(db.ok());
    auto tx = (*db)->BeginRead();
    auto rows = (*tx)->Query("SELECT COUNT(*) FROM events WHERE type = $1", {type});
    return static_cast<int>(rows->front().Int(0));
  }

  // The demo usager with a name and an address, who declared a change of address to the CAF
  // and the CPAM; returns the person id and the two dossiers (caf, cpam).
  struct Declared {
    std::string person, caf, cpam;
  };
  Declared Declare() {
    HttpClient usager = server_.Client();
    const HeaderList h = {{"X-CSRF-Token", DemoLogin(usager, "usager")}};
    Declared out;
    out.person = usager.Get("/api/v1/auth/me").Json()["person_id"];
    EXPECT_EQ(usager
                  .PutJson("/api/v1/me/vault/attributes",
                           {{"attributes", {{"individu . nom", "Martin"}, {"individu . prénoms", "Awa"},
                                            {"adresse . code postal", "69003"}, {"adresse . commune", "69383"}}}},
                           h)
                  .status,
              200);
    for (const char* service : {"caf.adresse", "cpam.adresse"}) {
      HttpResponse c = usager.PostJson("/api/v1/me/vault/consents",
                                       {{"service_id", service}, {"purpose", "changement-adresse"}}, h);
      EXPECT_EQ(c.status, 201) << c.body;
    }
    HttpResponse d = usager.PostJson("/api/v1/persons/" + out.person + "/declarations",
                                     {{"bundle", "changement-adresse"}, {"services", {"caf.adresse", "cpam.adresse"}}}, h);
    EXPECT_EQ(d.status, 201) << d.body;
    const json declared = d.Json();  // kept alive: the loop below walks inside it
    for (const auto& v : declared["deliveries"]) {
      if (v["service"] == "caf.adresse") out.caf = v["id"];
      if (v["service"] == "cpam.adresse") out.cpam = v["id"];
    }
    return out;
  }

  static ServerOptions DemoOptions() {
    ServerOptions options;
    options.env["PARCOURS_DEMO"] = "true";
    return options;
  }
  ServerProcess server_{DemoOptions()};
};

TEST_F(ConsoleTest, AgentWorksTheQueueAndThePersonSeesTheSameStatus) {
  const Declared decl = Declare();
  ASSERT_FALSE(decl.caf.empty());
  HttpClient agent = server_.Client();
  const HeaderList h = {{"X-CSRF-Token", DemoLogin(agent, "agent")}};

  // The CAF's queue holds the CAF dossier only, with its age.
  json queue = agent.Get("/api/v1/agent/dossiers").Json();
  ASSERT_EQ(queue["dossiers"].size(), 1u) << queue.dump();
  EXPECT_EQ(queue["organisations"], json::array({"caf"}));
  EXPECT_EQ(queue["dossiers"][0]["id"], decl.caf);
  EXPECT_EQ(queue["dossiers"][0]["age_days"], 0);
  EXPECT_EQ(queue["dossiers"][0]["person_id"], decl.person);
  EXPECT_EQ(agent.Get("/api/v1/agent/dossiers?status=acceptee").Json()["dossiers"].size(), 0u);
  EXPECT_EQ(agent.Get("/api/v1/agent/dossiers?status=bof").status, 422);
  EXPECT_EQ(agent.Get("/agent").status, 200);

  // Moving the status: the agency machine, with the agent named as the actor.
  HttpResponse moved = agent.PostJson("/api/v1/agency/deliveries/" + decl.caf + "/status",
                                      {{"status", "en_instruction"}, {"message", "Dossier en cours d'examen."}}, h);
  ASSERT_EQ(moved.status, 200) << moved.body;
  HttpResponse illegal = agent.PostJson("/api/v1/agency/deliveries/" + decl.caf + "/status", {{"status", "payee"}}, h);
  EXPECT_EQ(illegal.status, 409);
  EXPECT_EQ(illegal.Json()["code"], "exchange.illegal_transition");
  EXPECT_EQ(agent.Get("/api/v1/agent/dossiers/" + decl.caf).Json()["status"], "en_instruction");

  // The web form goes through the same machine.
  HttpResponse page = agent.Get("/agent/dossiers/" + decl.caf);
  ASSERT_EQ(page.status, 200);
  HttpResponse form = agent.PostForm("/agent/dossiers/" + decl.caf + "/statut",
                                     {{"csrf_token", h[0].second}, {"statut", "acceptee"}, {"message", "Adresse à jour."}});
  EXPECT_EQ(form.status, 303) << form.body;
  HttpResponse refused = agent.PostForm("/agent/dossiers/" + decl.caf + "/statut",
                                        {{"csrf_token", h[0].second}, {"statut", "recue"}});
  EXPECT_EQ(refused.status, 409);

  // The person sees the same status, and who moved it is on the timeline.
  HttpClient usager = server_.Client();
  DemoLogin(usager, "usager");
  json mine = usager.Get("/api/v1/persons/" + decl.person + "/declarations").Json();
  for (const auto& d : mine["declarations"][0]["deliveries"]) {
    if (d["id"] == decl.caf) {
      EXPECT_EQ(d["status"], "acceptee");
    }
    if (d["id"] == decl.cpam) {
      EXPECT_EQ(d["status"], "envoyee");
    }
  }

  // An interaction at the counter, then a look at the timeline.
  HttpResponse note = agent.PostJson("/api/v1/persons/" + decl.person + "/interactions",
                                     {{"channel", "counter"}, {"subject", "Justificatif de domicile"},
                                      {"note", "Présenté au guichet."}},
                                     h);
  ASSERT_EQ(note.status, 201) << note.body;
  EXPECT_EQ(agent.PostJson("/api/v1/persons/" + decl.person + "/interactions", {{"channel", "web"}, {"subject", "x"}}, h)
                .status,
            422);
  // The person reads it in her own history, with who noted it for her.
  HttpResponse history = usager.Get("/mon-historique");
  EXPECT_EQ(history.status, 200);
  EXPECT_NE(history.body.find("Justificatif de domicile"), std::string::npos) << history.body;
  EXPECT_NE(history.body.find(", pour vous"), std::string::npos);
  json timeline = agent.Get("/api/v1/persons/" + decl.person + "/timeline").Json();
  ASSERT_GE(timeline["events"].size(), 3u);
  const json& latest = timeline["events"][0];
  EXPECT_EQ(latest["type"], "fr.parcours.interaction.recorded");
  EXPECT_EQ(latest["actor_kind"], "agent");
  EXPECT_EQ(latest["channel"], "counter");
  EXPECT_EQ(latest["on_behalf_of"], decl.person);
  int moves_by_agent = 0;
  for (const auto& e : timeline["events"]) {
    if (e["type"] == "fr.parcours.delivery.status_changed" && e["actor_kind"] == "agent") ++moves_by_agent;
  }
  EXPECT_EQ(moves_by_agent, 2);

  // The person view reads the vault as the agent: the person sees it in the access log. It speaks
  // of the person, not to them, and in words rather than ids.
  HttpResponse view = agent.Get("/agent/personnes/" + decl.person);
  EXPECT_EQ(view.status, 200);
  EXPECT_NE(view.body.find("Déclaré par la personne"), std::string::npos);
  EXPECT_EQ(view.body.find("Déclaré par vous"), std::string::npos);
  EXPECT_EQ(view.body.find("elle-même"), std::string::npos);
  EXPECT_NE(view.body.find("Déclarer mon changement"), std::string::npos);  // the bundle's title
  EXPECT_EQ(view.body.find("caf.adresse"), std::string::npos);
  EXPECT_EQ(view.body.find("fr.parcours."), std::string::npos);
  bool agent_read = false;
  const json log = usager.Get("/api/v1/me/vault/access-log").Json();
  for (const auto& e : log["entries"]) {
    agent_read = agent_read || e.dump().find("agent") != std::string::npos;
  }
  EXPECT_TRUE(agent_read);
}

TEST_F(ConsoleTest, RefusalsAreProblemsAndAudited) {
  const Declared decl = Declare();
  // A CPAM agent and an aidant whose mandate has ended, on the server's own database.
  {
    auto db = store::Database::Open({.url = server_.database_url()});
    ASSERT_TRUE(db.ok());
    const int64_t now = SystemClock::Get().NowMillis();
    ManualClock past(TimePoint(std::chrono::milliseconds(now - int64_t{10} * 24 * 3600 * 1000)));
    auth::AuthOptions options;
    options.password_cost.mem_limit = 8u << 20;
    auth::Auth a(**db, past, options);
    ASSERT_TRUE(a.CreateLocalAccount("agent.cpam", "mot de passe solide 42", "Agent CPAM",
                                     {{auth::Role::kAgent, "cpam"}})
                    .ok());
    auto aidant = a.CreateLocalAccount("aidant.parti", "mot de passe solide 42", "Aidant parti",
                                       {{auth::Role::kAidant, ""}});
    ASSERT_TRUE(aidant.ok());
    ASSERT_TRUE(a.GrantMandate(*aidant, decl.person, {"*"}, now - int64_t{24} * 3600 * 1000, "admin:test").ok());
  }
  const int denied_before = CountEvents("fr.parcours.auth.access.denied");

  HttpClient cpam = server_.Client();
  const HeaderList hc = {{"X-CSRF-Token", LocalLogin(cpam, "agent.cpam")}};
  // Another organisation's dossier: refused, as JSON and as a page.
  HttpResponse other = cpam.Get("/api/v1/agent/dossiers/" + decl.caf);
  EXPECT_EQ(other.status, 403);
  EXPECT_NE(other.Header("Content-Type").find("application/problem+json"), std::string::npos);
  EXPECT_EQ(other.Json()["code"], "auth.forbidden");
  EXPECT_EQ(cpam.Get("/agent/dossiers/" + decl.caf).status, 403);
  EXPECT_EQ(cpam.PostForm("/agent/dossiers/" + decl.caf + "/statut", {{"csrf_token", hc[0].second}, {"statut", "recue"}})
                .status,
            403);
  EXPECT_EQ(cpam.PostJson("/api/v1/agency/deliveries/" + decl.caf + "/status", {{"status", "recue"}}, hc).status, 403);
  // Its own dossier is in its queue; an unknown one is not found.
  json queue = cpam.Get("/api/v1/agent/dossiers").Json();
  ASSERT_EQ(queue["dossiers"].size(), 1u);
  EXPECT_EQ(queue["dossiers"][0]["id"], decl.cpam);
  HttpResponse unknown = cpam.Get("/api/v1/agent/dossiers/01900000-0000-7000-8000-000000000000");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.Header("Content-Type").find("application/problem+json"), std::string::npos);
  // No mandate for the person: no person view, no timeline, no interaction.
  EXPECT_EQ(cpam.Get("/api/v1/persons/" + decl.person + "/timeline").status, 403);
  EXPECT_EQ(cpam.Get("/agent/personnes/" + decl.person).status, 403);
  EXPECT_EQ(cpam.PostJson("/api/v1/persons/" + decl.person + "/interactions",
                          {{"channel", "phone"}, {"subject", "Appel"}}, hc)
                .status,
            403);

  // An aidant whose mandate has ended reaches their home, not the person.
  HttpClient aidant = server_.Client();
  LocalLogin(aidant, "aidant.parti");
  EXPECT_EQ(aidant.Get("/aidant").status, 200);
  EXPECT_EQ(aidant.Get("/api/v1/aidant/persons").Json()["persons"].size(), 0u);
  HttpResponse ended = aidant.Get("/api/v1/persons/" + decl.person + "/timeline");
  EXPECT_EQ(ended.status, 403);
  EXPECT_NE(ended.Header("Content-Type").find("application/problem+json"), std::string::npos);
  EXPECT_EQ(aidant.Get("/agent/personnes/" + decl.person).status, 403);
  EXPECT_EQ(aidant.Get("/agent").status, 403);

  // The person cannot pose as their own helper.
  HttpClient usager = server_.Client();
  const HeaderList hu = {{"X-CSRF-Token", DemoLogin(usager, "usager")}};
  HttpResponse self = usager.PostJson("/api/v1/persons/" + decl.person + "/interactions",
                                      {{"channel", "counter"}, {"subject", "Moi"}}, hu);
  EXPECT_EQ(self.status, 403);
  EXPECT_EQ(self.Json()["code"], "console.not_a_helper");
  EXPECT_EQ(usager.Get("/aidant").status, 403);

  // Every refusal is audited.
  EXPECT_GE(CountEvents("fr.parcours.auth.access.denied") - denied_before, 10);
}

TEST_F(ConsoleTest, PersonViewShowsOnlyWhatTheMandateCovers) {
  const Declared decl = Declare();
  // Two aidants: one mandated for the journeys only, one for the vault only.
  {
    auto db = store::Database::Open({.url = server_.database_url()});
    ASSERT_TRUE(db.ok());
    const int64_t now = SystemClock::Get().NowMillis();
    auth::AuthOptions options;
    options.password_cost.mem_limit = 8u << 20;
    auth::Auth a(**db, SystemClock::Get(), options);
    for (const auto& [username, scope] :
         {std::pair{"aidant.parcours", "journeys"}, std::pair{"aidant.coffre", "vault"}}) {
      auto aidant = a.CreateLocalAccount(username, "mot de passe solide 42", "Aidant", {{auth::Role::kAidant, ""}});
      ASSERT_TRUE(aidant.ok());
      ASSERT_TRUE(a.GrantMandate(*aidant, decl.person, {scope}, now + int64_t{7} * 24 * 3600 * 1000, "admin:test").ok());
    }
  }
  HttpClient journeys_only = server_.Client();
  const std::string token = LocalLogin(journeys_only, "aidant.parcours");
  HttpResponse view = journeys_only.Get("/agent/personnes/" + decl.person);
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_EQ(view.body.find("Martin"), std::string::npos) << "vault information shown without the vault scope";
  EXPECT_NE(view.body.find("Votre mandat ne couvre pas les informations du coffre de la personne."), std::string::npos);
  EXPECT_NE(view.body.find("Votre mandat ne couvre pas les déclarations de la personne."), std::string::npos);

  HttpClient vault_only = server_.Client();
  const std::string vault_token = LocalLogin(vault_only, "aidant.coffre");
  HttpResponse seen = vault_only.Get("/agent/personnes/" + decl.person);
  ASSERT_EQ(seen.status, 200);
  EXPECT_NE(seen.body.find("Martin"), std::string::npos);
  EXPECT_NE(seen.body.find("Votre mandat ne couvre pas les parcours de la personne."), std::string::npos);
  // Updating a step needs the journeys scope: refused before any journey is looked up.
  const std::string step_url = "/agent/personnes/" + decl.person + "/parcours/01900000-0000-7000-8000-000000000000/etape";
  HttpResponse step = vault_only.PostForm(
      step_url, {{"csrf_token", vault_token}, {"etape", "x"}, {"statut", "fait"}, {"canal", "counter"}});
  EXPECT_EQ(step.status, 403);
  HttpResponse allowed =
      journeys_only.PostForm(step_url, {{"csrf_token", token}, {"etape", "x"}, {"statut", "fait"}, {"canal", "counter"}});
  EXPECT_NE(allowed.status, 403) << allowed.body;

  // The timeline (API as page) lists only the events the mandate covers.
  auto types = [&](HttpClient& client) {
    const json events = client.Get("/api/v1/persons/" + decl.person + "/timeline?limit=500").Json()["events"];
    std::string out;
    for (const auto& e : events) out += e["type"].get<std::string>() + "\n";
    return out;
  };
  const std::string for_journeys = types(journeys_only), for_vault = types(vault_only);
  EXPECT_EQ(for_journeys.find("fr.parcours.vault."), std::string::npos) << for_journeys;
  EXPECT_EQ(for_journeys.find("fr.parcours.declaration."), std::string::npos) << for_journeys;
  EXPECT_NE(for_vault.find("fr.parcours.vault."), std::string::npos) << for_vault;
  EXPECT_EQ(for_vault.find("fr.parcours.declaration."), std::string::npos) << for_vault;
  EXPECT_EQ(journeys_only.Get("/agent/personnes/" + decl.person).body.find("Déclaration envoyée"), std::string::npos);
}

TEST_F(ConsoleTest, DemoAidantReachesTheirHomeAndThePersonView) {
  const Declared decl = Declare();
  HttpClient aidant = server_.Client();
  const HeaderList h = {{"X-CSRF-Token", DemoLogin(aidant, "aidant")}};
  json persons = aidant.Get("/api/v1/aidant/persons").Json()["persons"];
  ASSERT_EQ(persons.size(), 1u);
  EXPECT_EQ(persons[0]["person_id"], decl.person);
  HttpResponse home = aidant.Get("/aidant");
  ASSERT_EQ(home.status, 200);
  EXPECT_NE(home.body.find("/agent/personnes/" + decl.person), std::string::npos);
  EXPECT_NE(home.body.find("Awa Martin"), std::string::npos);
  EXPECT_EQ(aidant.Get("/agent/personnes/" + decl.person).status, 200);
  HttpResponse phone = aidant.PostForm("/agent/personnes/" + decl.person + "/echanges",
                                       {{"csrf_token", h[0].second}, {"canal", "phone"}, {"objet", "Rappel"}, {"note", ""}});
  EXPECT_EQ(phone.status, 303) << phone.body;
  json latest = aidant.Get("/api/v1/persons/" + decl.person + "/timeline?limit=1").Json()["events"][0];
  EXPECT_EQ(latest["actor_kind"], "aidant");
  EXPECT_EQ(latest["channel"], "phone");
  HttpResponse empty = aidant.PostForm("/agent/personnes/" + decl.person + "/echanges",
                                       {{"csrf_token", h[0].second}, {"canal", "phone"}, {"objet", ""}});
  EXPECT_EQ(empty.status, 422);
  EXPECT_NE(empty.body.find("href=\"#objet\""), std::string::npos);
}

}  // namespace
}  // namespace parcours::harness
