#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "parcours/http/message.h"

namespace parcours::http {
namespace {

nlohmann::json BodyOf(const Response& r) { return nlohmann::json::parse(r.body); }

TEST(Problem, HasTheRfc9457Shape) {
  Response r = Problem(NotFound("journey.unknown", "Ce parcours n'existe pas."), "req-1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.find("Content-Type")->second, "application/problem+json");
  nlohmann::json b = BodyOf(r);
  EXPECT_EQ(b["type"], "https://parcours.example/problems/journey.unknown");
  EXPECT_EQ(b["title"], "Ressource introuvable");
  EXPECT_EQ(b["status"], 404);
  EXPECT_EQ(b["detail"], "Ce parcours n'existe pas.");
  EXPECT_EQ(b["code"], "journey.unknown");
  EXPECT_EQ(b["request_id"], "req-1");
  EXPECT_FALSE(b.contains("errors"));
}

TEST(Problem, FieldErrorsMakeA422WithErrors) {
  Status s = InvalidArgument("vault.invalid", "Le formulaire contient des erreurs.")
                 .WithField("date_naissance", "La date est dans le futur.")
                 .WithField("nom", "Le nom est obligatoire.");
  Response r = Problem(s);
  EXPECT_EQ(r.status, 422);
  nlohmann::json b = BodyOf(r);
  ASSERT_EQ(b["errors"].size(), 2u);
  EXPECT_EQ(b["errors"][0]["field"], "date_naissance");
  EXPECT_EQ(b["errors"][1]["message"], "Le nom est obligatoire.");
  EXPECT_FALSE(b.contains("request_id"));
}

TEST(Problem, FieldErrorsGiveTheirReasonAndParameters) {
  Status s = InvalidArgument("journeys.invalid_answers", "Certaines réponses sont invalides.")
                 .WithField(FieldError{"/answers/revenu", "« Revenu » : la valeur doit être au moins 0.",
                                       "out_of_range", {{"min", "0"}}})
                 .WithField("nom", "Le nom est obligatoire.");
  nlohmann::json b = BodyOf(Problem(s));
  ASSERT_EQ(b["errors"].size(), 2u);
  EXPECT_EQ(b["errors"][0]["reason"], "out_of_range");
  EXPECT_EQ(b["errors"][0]["params"], nlohmann::json({{"min", "0"}}));
  EXPECT_EQ(b["errors"][0]["message"], "« Revenu » : la valeur doit être au moins 0.");
  // Without a reason the entry keeps its two members only.
  EXPECT_FALSE(b["errors"][1].contains("reason"));
  EXPECT_FALSE(b["errors"][1].contains("params"));
}

TEST(Problem, InternalDetailIsNotLeaked) {
  Response r = Problem(Internal("store.driver", "SQLITE_CORRUPT in table vault_people"), "r");
  EXPECT_EQ(r.status, 500);
  nlohmann::json b = BodyOf(r);
  EXPECT_EQ(b["code"], "store.driver");
  EXPECT_EQ(b["detail"].get<std::string>().find("SQLITE"), std::string::npos);
  EXPECT_EQ(b["title"], "Erreur interne");
}

TEST(HttpStatusFor, MapsEveryCode) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument, true), 422);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInternal), 500);
  EXPECT_EQ(HttpStatusFor(StatusCode::kOk), 500);
}

TEST(HttpStatusFor, ReasonsRefineTheCode) {
  EXPECT_EQ(HttpStatusFor(ResourceExhausted("http.body_too_large", "x")), 413);
  EXPECT_EQ(HttpStatusFor(ResourceExhausted("vault.document_too_large", "x")), 413);
  EXPECT_EQ(HttpStatusFor(ResourceExhausted("auth.rate_limited", "x")), 429);
  EXPECT_EQ(HttpStatusFor(InvalidArgument("http.unsupported_media_type", "x")), 415);
  EXPECT_EQ(HttpStatusFor(InvalidArgument("http.method_not_allowed", "x")), 405);
  EXPECT_EQ(HttpStatusFor(ResourceExhausted("http.header_too_large", "x")), 431);
  Response r = Problem(ResourceExhausted("http.header_too_large", "x"));
  EXPECT_EQ(BodyOf(r)["title"], "En-têtes trop volumineux");
}

}  // namespace
}  // namespace parcours::http
