// The vault through the real binary: the owner reads and writes their own data through the
// API, a rejected batch changes nothing, nobody else gets in, the export holds everything,
// and the raw database file holds no sensitive value in clear.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness.h"

namespace parcours::harness {
namespace {

using ::testing::HasSubstr;

class VaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started.message();
  }

  // Logs `client` in as the demo `role`; returns the session's CSRF token (read on `page`).
  std::string LoginDemo(HttpClient& client, const std::string& role, const std::string& page = "/compte") {
    HttpResponse login_page = client.Get("/connexion");
    std::smatch m;
    std::regex token("name=\"csrf_token\" value=\"([^\"]+)\"");
    EXPECT_TRUE(std::regex_search(login_page.body, m, token)) << login_page.status;
    HttpResponse login = client.PostForm("/connexion/demo", {{"csrf_token", m[1]}, {"role", role}});
    EXPECT_EQ(login.status, 303) << login.body;
    HttpResponse after = client.Get(page);
    EXPECT_EQ(after.status, 200);
    EXPECT_TRUE(std::regex_search(after.body, m, token)) << page;
    return m[1];
  }
  std::string LoginDemoUsager(HttpClient& client) { return LoginDemo(client, "usager", "/mes-informations"); }

  static ServerOptions DemoOptions() {
    ServerOptions options;
    options.env["PARCOURS_DEMO"] = "true";
    return options;
  }
  ServerProcess server_{DemoOptions()};
};

TEST_F(VaultTest, OwnerWritesReadsExportsThroughTheApi) {
  HttpClient client = server_.Client();
  const std::string csrf = LoginDemoUsager(client);
  const HeaderList headers = {{"X-CSRF-Token", csrf}};

  // One bad value: the whole batch is refused with field errors, nothing is written.
  HttpResponse bad = client.PutJson(
      "/api/v1/me/vault/attributes",
      {{"attributes", {{"individu . nom", "Martin"}, {"banque . IBAN", "FR76 3000 6000 0112 3456 7890 188"}}}},
      headers);
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(bad.Json()["errors"][0]["field"], "banque . IBAN");
  EXPECT_EQ(bad.Json()["errors"][0]["reason"], "iban_checksum");  // for pages in other languages
  EXPECT_EQ(client.Get("/api/v1/me/vault").Json()["attributes"].size(), 0u);
  EXPECT_EQ(client.Get("/api/v1/me/vault/history/zzz").status, 404);
  // A number where a text is expected, a count with decimals: refused too, with their reasons.
  HttpResponse typed = client.PutJson(
      "/api/v1/me/vault/attributes", {{"attributes", {{"individu . nom", 42}, {"foyer . enfants à charge", 1.5}}}},
      headers);
  EXPECT_EQ(typed.status, 422) << typed.body;
  EXPECT_EQ(typed.Json()["errors"][0]["reason"], "wrong_type");
  HttpResponse decimals =
      client.PutJson("/api/v1/me/vault/attributes", {{"attributes", {{"foyer . enfants à charge", 1.5}}}}, headers);
  EXPECT_EQ(decimals.Json()["errors"][0]["reason"], "not_integer");
  EXPECT_EQ(client.Get("/api/v1/me/vault").Json()["attributes"].size(), 0u);

  HttpResponse ok = client.PutJson(
      "/api/v1/me/vault/attributes",
      {{"attributes",
        {{"individu . nom", "Martin"},
         {"banque . IBAN", "FR76 3000 6000 0112 3456 7890 189"},
         {"individu . NIR", "2 94 03 75 120 005 91"},
         {"adresse . code postal", "33000"},
         {"adresse . commune", "33063"}}}},
      headers);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json()["attributes"].size(), 5u);

  HttpResponse prefill =
      client.PostJson("/api/v1/me/vault/prefill",
                      {{"attributes", {"individu . nom", "individu . NIR", "revenus . salaire net mensuel"}}}, headers);
  ASSERT_EQ(prefill.status, 200) << prefill.body;
  EXPECT_EQ(prefill.Json()["known"].size(), 2u);
  EXPECT_EQ(prefill.Json()["missing"], nlohmann::json::array({"revenus . salaire net mensuel"}));

  HttpResponse exported = client.Get("/api/v1/me/vault/export");
  ASSERT_EQ(exported.status, 200);
  EXPECT_THAT(exported.Header("Content-Disposition"), HasSubstr("attachment"));
  EXPECT_EQ(exported.Json()["attributes"].size(), 5u);

  // The database file on disk: no NIR nor IBAN in clear (SQLite file and its WAL).
  server_.Stop();
  std::string bytes;
  for (const char* name : {"parcours.db", "parcours.db-wal"}) {
    std::filesystem::path p = std::filesystem::path(server_.dir()) / name;
    if (!std::filesystem::exists(p)) continue;
    std::ifstream in(p, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    bytes += buf.str();
  }
  EXPECT_NE(bytes.find("Martin"), std::string::npos);
  EXPECT_EQ(bytes.find("294037512000591"), std::string::npos);
  EXPECT_EQ(bytes.find("FR7630006000011234567890189"), std::string::npos);
}

TEST_F(VaultTest, NobodyElseGetsIn) {
  HttpClient anonymous = server_.Client();
  EXPECT_EQ(anonymous.Get("/api/v1/me/vault").status, 401);
  EXPECT_EQ(anonymous.Get("/api/v1/me/vault/export").status, 401);
  EXPECT_EQ(anonymous.Get("/api/v1/persons/01a22291-3644-74fb-af57-cb1feb55ca7b/vault").status, 401);
  HttpResponse page = anonymous.Get("/mes-informations");
  EXPECT_TRUE(page.status == 303 || page.status == 302 || page.status == 401) << page.status;
  // Without its CSRF token, a logged-in write is refused.
  HttpClient client = server_.Client();
  LoginDemoUsager(client);
  EXPECT_EQ(client.PutJson("/api/v1/me/vault/attributes", {{"attributes", {{"individu . nom", "X"}}}}).status, 403);
  // The declarations of services are public: what each needs, why, on which legal basis.
  HttpResponse services = anonymous.Get("/api/v1/vault/services");
  EXPECT_EQ(services.status, 200);
  EXPECT_TRUE(services.Json()["services"].is_array());
}

// A refused action on a vault page answers a page the person can read, in the page's
// language, with a way back: not the API's problem document.
TEST_F(VaultTest, ARefusedActionAnswersAReadablePage) {
  HttpClient client = server_.Client();
  const std::string csrf = LoginDemoUsager(client);

  HttpResponse fr = client.PostForm("/mes-consentements/inconnu/retrait", {{"csrf_token", csrf}});
  EXPECT_EQ(fr.status, 404) << fr.body;
  EXPECT_THAT(fr.Header("Content-Type"), HasSubstr("text/html"));
  EXPECT_THAT(fr.body, HasSubstr("a déjà été retiré"));
  EXPECT_THAT(fr.body, HasSubstr("href=\"/mes-informations\""));

  HttpResponse en = client.PostForm("/mes-consentements/inconnu/retrait?lang=en", {{"csrf_token", csrf}});
  EXPECT_EQ(en.status, 404);
  EXPECT_THAT(en.body, HasSubstr("This consent does not exist or was already withdrawn."));

  HttpResponse grant = client.PostForm("/mes-consentements?lang=en",
                                       {{"csrf_token", csrf}, {"service_id", "inconnu"}, {"purpose", "aucune"}});
  EXPECT_EQ(grant.status, 404);
  EXPECT_THAT(grant.Header("Content-Type"), HasSubstr("text/html"));
  EXPECT_THAT(grant.body, HasSubstr("This service has not declared this purpose."));
  // Nothing was granted; each service's purpose reads in the page's language.
  HttpResponse consents = client.Get("/mes-consentements?lang=fr");
  EXPECT_EQ(consents.status, 200);
  EXPECT_THAT(consents.body, HasSubstr("Mettre à jour votre adresse pour vos prestations familiales et aides au logement"));
  const std::string english = client.Get("/mes-consentements?lang=en").body;
  EXPECT_THAT(english, HasSubstr("Update your address for your family benefits and housing aid"));
  EXPECT_THAT(english, HasSubstr("CAF - change of address (caf)"));

  // The other pages of the person's space answer the same way.
  for (const std::string path : {"/mes-declarations/inconnue", "/mes-reclamations/inconnue"}) {
    HttpResponse page = client.Get(path + "?lang=en");
    EXPECT_EQ(page.status, 404) << path;
    EXPECT_THAT(page.Header("Content-Type"), HasSubstr("text/html")) << path;
    EXPECT_THAT(page.body, HasSubstr("Page not found")) << path;
  }
  HttpResponse offer = client.PostForm("/mes-droits/inconnue/demande", {{"csrf_token", csrf}});
  EXPECT_GE(offer.status, 400);
  EXPECT_THAT(offer.Header("Content-Type"), HasSubstr("text/html"));
}

// A service an admin registers through the API is declared to the vault at once: people can
// consent to it right away, and read its purpose in their language.
TEST_F(VaultTest, AServiceRegisteredThroughTheApiCanBeConsentedToAtOnce) {
  HttpClient admin = server_.Client();
  const std::string admin_csrf = LoginDemo(admin, "admin");
  nlohmann::json service = {{"organisation", "mairie"},
                            {"name", {{"fr", "Mairie - état civil"}, {"en", "Town hall - civil status"}}},
                            {"endpoint", "https://mairie.example/hooks"},
                            {"purpose", "etat-civil"},
                            {"purpose_label", "Tenir votre état civil à jour"},
                            {"purpose_label_en", "Keep your civil records up to date"},
                            {"legal_basis", "Code civil, art. 34"},
                            {"attributes", {"individu . nom"}}};
  HttpResponse put = admin.PutJson("/api/v1/admin/services/mairie.etat-civil", service, {{"X-CSRF-Token", admin_csrf}});
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(put.Json()["purpose_label_en"], "Keep your civil records up to date");

  HttpClient client = server_.Client();
  const std::string csrf = LoginDemoUsager(client);
  EXPECT_THAT(client.Get("/mes-consentements?lang=en").body, HasSubstr("Keep your civil records up to date"));
  HttpResponse granted = client.PostForm(
      "/mes-consentements", {{"csrf_token", csrf}, {"service_id", "mairie.etat-civil"}, {"purpose", "etat-civil"}});
  EXPECT_EQ(granted.status, 303) << granted.body;

  // An attribute the vault does not hold is refused, and nothing is registered.
  service["attributes"] = {"personne . licorne"};
  HttpResponse bad = admin.PutJson("/api/v1/admin/services/mairie.licorne", service, {{"X-CSRF-Token", admin_csrf}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(admin.Get("/api/v1/admin/services").body.find("mairie.licorne"), std::string::npos);
}

}  // namespace
}  // namespace parcours::harness
