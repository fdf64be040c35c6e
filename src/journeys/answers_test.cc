// The reasons of refused answers: a page in another language words them from these.
#include "parcours/journeys/answers.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace parcours::journeys {
namespace {

catalog::Question Q(std::string rule, catalog::QuestionType type) {
  catalog::Question q;
  q.rule = std::move(rule);
  q.label = {"Revenu du foyer", "Household income"};
  q.type = type;
  return q;
}

// The one field error of a refused answer.
FieldError Refused(const catalog::Question& q, std::string_view raw) {
  Result<std::string> r = CanonicalAnswer(q, raw, q.rule);
  EXPECT_FALSE(r.ok()) << raw;
  if (r.ok() || r.status().field_errors().size() != 1) return {};
  EXPECT_EQ(r.status().reason(), "journeys.invalid_answer");
  return r.status().field_errors()[0];
}

TEST(AnswerReasons, NumbersSayWhyAndTheirBounds) {
  catalog::Question q = Q("revenu", catalog::QuestionType::kNumber);
  q.min = 0;
  q.max = 2.5e6;
  FieldError nan = Refused(q, "beaucoup");
  EXPECT_EQ(nan.field, "revenu");
  EXPECT_EQ(nan.reason, kNotANumber);
  EXPECT_TRUE(nan.params.empty());
  EXPECT_EQ(nan.message, "« Revenu du foyer » : saisissez un nombre (par exemple 1200 ou 1200,50).");

  FieldError range = Refused(q, "-1");
  EXPECT_EQ(range.reason, kOutOfRange);
  EXPECT_EQ(range.params, (std::map<std::string, std::string>{{"min", "0"}, {"max", "2500000"}}));
  EXPECT_EQ(range.message, "« Revenu du foyer » : la valeur doit être comprise entre 0 et 2500000.");

  q.min.reset();
  q.max = 12.5;
  FieldError above = Refused(q, "13");
  EXPECT_EQ(above.params, (std::map<std::string, std::string>{{"max", "12.5"}}));
  EXPECT_EQ(above.message, "« Revenu du foyer » : la valeur doit être au plus 12,5.");
  EXPECT_TRUE(CanonicalAnswer(q, "12,5", "revenu").ok());

  // A count is a whole number.
  q.integer = true;
  EXPECT_EQ(Refused(q, "1,5").reason, kNotInteger);
  EXPECT_TRUE(CanonicalAnswer(q, "2", "revenu").ok());
  EXPECT_TRUE(CanonicalAnswer(q, "2.0", "revenu").ok());
}

TEST(AnswerReasons, EachTypeHasItsReason) {
  EXPECT_EQ(Refused(Q("b", catalog::QuestionType::kBoolean), "peut-être").reason, kNotBoolean);
  catalog::Question choice = Q("c", catalog::QuestionType::kChoice);
  choice.choices.push_back({"crèche", {"Crèche", "Nursery"}});
  EXPECT_EQ(Refused(choice, "nounou").reason, kUnknownChoice);
  EXPECT_EQ(Refused(Q("d", catalog::QuestionType::kDate), "2026-02-30").reason, kBadDate);
  const catalog::Question text = Q("t", catalog::QuestionType::kText);
  FieldError long_text = Refused(text, std::string(kMaxTextAnswer + 1, 'a'));
  EXPECT_EQ(long_text.reason, kTooLong);
  EXPECT_EQ(long_text.params.at("max"), "500");
  EXPECT_EQ(long_text.message, "« Revenu du foyer » : 500 caractères au plus.");
  EXPECT_EQ(Refused(text, "l'\"autre\"").reason, kForbiddenCharacters);
}

TEST(AnswerReasons, FormsAndJsonReportEveryFieldWithItsReason) {
  catalog::Event event;
  event.id = "demenager";
  catalog::Question n = Q("revenu", catalog::QuestionType::kNumber);
  n.min = 0;
  event.questions = {n, Q("locataire", catalog::QuestionType::kBoolean)};

  Result<Answers> form = AnswersFromForm(event, {{"revenu", "-5"}, {"locataire", "bof"}, {"autre", "x"}}, false);
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().reason(), "journeys.invalid_answers");
  ASSERT_EQ(form.status().field_errors().size(), 2u);
  EXPECT_EQ(form.status().field_errors()[0].reason, kOutOfRange);
  EXPECT_EQ(form.status().field_errors()[0].params.at("min"), "0");
  EXPECT_EQ(form.status().field_errors()[1].reason, kNotBoolean);

  const Json body = {{"revenu", "mille"}, {"locataire", "oui"}, {"inconnue", true}};
  Result<Answers> json = AnswersFromJson(event, body, "/answers");
  ASSERT_FALSE(json.ok());
  std::map<std::string, FieldError> by_field;
  for (const FieldError& fe : json.status().field_errors()) by_field[fe.field] = fe;
  ASSERT_EQ(by_field.size(), 3u);
  EXPECT_EQ(by_field["/answers/revenu"].reason, kWrongType);
  EXPECT_EQ(by_field["/answers/revenu"].params.at("expected"), "number");
  EXPECT_EQ(by_field["/answers/locataire"].reason, kWrongType);
  EXPECT_EQ(by_field["/answers/locataire"].params.at("expected"), "boolean");
  EXPECT_EQ(by_field["/answers/inconnue"].reason, kUnknownQuestion);
  EXPECT_EQ(by_field["/answers/inconnue"].params.at("event"), "demenager");

  Result<Answers> out_of_range = AnswersFromJson(event, Json{{"revenu", -2}}, "/answers");
  ASSERT_FALSE(out_of_range.ok());
  ASSERT_EQ(out_of_range.status().field_errors().size(), 1u);
  EXPECT_EQ(out_of_range.status().field_errors()[0].field, "/answers/revenu");
  EXPECT_EQ(out_of_range.status().field_errors()[0].reason, kOutOfRange);

  Result<Answers> not_object = AnswersFromJson(event, Json::array(), "/answers");
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.status().field_errors()[0].reason, kNotAnObject);
}

}  // namespace
}  // namespace parcours::journeys
