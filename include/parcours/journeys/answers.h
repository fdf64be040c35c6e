// Checking what a person types against the catalogue's questions: every answer becomes its
// canonical text or a field error naming the question, with a French message. Used by the
// JSON API (typed values) and by the HTML forms (strings), so both refuse the same things.
// Thread-safety: free functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "parcours/base/json.h"
#include "parcours/base/status.h"
#include "parcours/catalog/catalog.h"
#include "parcours/journeys/plan.h"

namespace parcours::journeys {

// The reasons of the field errors below (FieldError::reason), stable and language-free, so a
// page words them in its own language; their parameters (FieldError::params) are listed.
inline constexpr char kNotANumber[] = "not_a_number";
inline constexpr char kNotInteger[] = "not_integer";         // a count or an age with decimals
inline constexpr char kOutOfRange[] = "out_of_range";        // "min" and/or "max" (canonical numbers)
inline constexpr char kNotBoolean[] = "not_boolean";
inline constexpr char kUnknownChoice[] = "unknown_choice";
inline constexpr char kBadDate[] = "bad_date";
inline constexpr char kTooLong[] = "too_long";                // "max" (characters)
inline constexpr char kForbiddenCharacters[] = "forbidden_characters";
inline constexpr char kUnknownQuestion[] = "unknown_question";  // "event" (JSON only)
inline constexpr char kWrongType[] = "wrong_type";  // "expected": boolean, number, string, date (JSON only)
inline constexpr char kEmptyAnswer[] = "empty_answer";  // JSON only: null erases
inline constexpr char kNotAnObject[] = "not_an_object";  // JSON only
inline constexpr char kDateTooFar[] = "date_too_far";    // the event date: "today" (AAAA-MM-JJ)
// The longest text answer, in bytes.
inline constexpr std::size_t kMaxTextAnswer = 500;

// The canonical text of one raw answer (a form string) for `question`, or InvalidArgument
// ("journeys.invalid_answer") whose one field error is `field`, with its reason (above). An empty string means "no answer".
Result<std::string> CanonicalAnswer(const catalog::Question& question, std::string_view raw, std::string_view field);

// Checks a JSON object {rule: value} (booleans, numbers, strings; null erases) against the
// event's questions. Unknown names, wrong types and out-of-range values are all reported at
// once as field errors "<prefix>/<rule>". Erased answers map to "".
Result<Answers> AnswersFromJson(const catalog::Event& event, const Json& object, std::string_view prefix);

// Same for form fields: the fields named like a question's rule are read; others are ignored.
// Empty fields are left out (the person did not answer), unless `erase_empty` is set.
Result<Answers> AnswersFromForm(const catalog::Event& event, const std::multimap<std::string, std::string>& form,
                                bool erase_empty);

// The JSON value of a canonical answer (true/false, number, string).
Json AnswerToJson(const catalog::Question& question, std::string_view canonical);

}  // namespace parcours::journeys
