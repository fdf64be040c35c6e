#include "parcours/journeys/answers.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "parcours/base/utf8.h"

namespace parcours::journeys {
namespace {

using catalog::Question;
using catalog::QuestionType;

std::string Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

// Canonical number text for field error parameters: 10000000 -> "10000000", 2.5 -> "2.5".
std::string CanonicalNumberText(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, ptr) : std::to_string(v);
}

// French number formatting for messages: 10000000 -> "10000000", 2.5 -> "2,5".
std::string FormatNumber(double v) {
  std::string s = CanonicalNumberText(v);
  for (char& c : s) {
    if (c == '.') c = ',';
  }
  return s;
}

// One refused answer: the French message, and the reason and parameters a page in another
// language words it from (the question is the field; its label is the page's to give).
Status AnswerError(std::string_view field, std::string reason, std::string message,
                   std::map<std::string, std::string> params = {}) {
  return InvalidArgument("journeys.invalid_answer", message)
      .WithField(FieldError{std::string(field), message, std::move(reason), std::move(params)});
}

Result<std::string> CanonicalNumber(const Question& q, std::string_view raw, std::string_view field) {
  std::string s;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c == ' ') continue;
    // U+00A0 and U+202F (no-break spaces used as French thousands separators).
    if (c == 0xC2 && i + 1 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0xA0) { ++i; continue; }
    if (c == 0xE2 && i + 2 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0x80 &&
        static_cast<unsigned char>(raw[i + 2]) == 0xAF) { i += 2; continue; }
    s.push_back(c == ',' ? '.' : static_cast<char>(c));
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) {
    return AnswerError(field, kNotANumber, "« " + q.label.fr + " » : saisissez un nombre (par exemple 1200 ou 1200,50).");
  }
  if (q.integer && v != std::trunc(v)) {
    return AnswerError(field, kNotInteger, "« " + q.label.fr + " » : saisissez un nombre entier, sans virgule.");
  }
  if ((q.min && v < *q.min) || (q.max && v > *q.max)) {
    std::string range = "« " + q.label.fr + " » : la valeur doit être";
    std::map<std::string, std::string> bounds;
    if (q.min) bounds["min"] = CanonicalNumberText(*q.min);
    if (q.max) bounds["max"] = CanonicalNumberText(*q.max);
    if (q.min && q.max) {
      range += " comprise entre " + FormatNumber(*q.min) + " et " + FormatNumber(*q.max) + ".";
    } else if (q.min) {
      range += " au moins " + FormatNumber(*q.min) + ".";
    } else {
      range += " au plus " + FormatNumber(*q.max) + ".";
    }
    return AnswerError(field, kOutOfRange, range, std::move(bounds));
  }
  char buf[64];
  auto [end, ec2] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec2 == std::errc() ? end : buf);
}

}  // namespace

Result<std::string> CanonicalAnswer(const Question& q, std::string_view raw_in, std::string_view field) {
  const std::string raw = Trim(raw_in);
  if (raw.empty()) return std::string();
  switch (q.type) {
    case QuestionType::kBoolean:
      if (raw == "oui" || raw == "true") return std::string("oui");
      if (raw == "non" || raw == "false") return std::string("non");
      return AnswerError(field, kNotBoolean, "« " + q.label.fr + " » : répondez par oui ou par non.");
    case QuestionType::kNumber:
      return CanonicalNumber(q, raw, field);
    case QuestionType::kChoice:
      for (const catalog::Choice& c : q.choices) {
        if (c.value == raw) return raw;
      }
      return AnswerError(field, kUnknownChoice, "« " + q.label.fr + " » : choisissez une des réponses proposées.");
    case QuestionType::kDate:
      if (CivilDate::Parse(raw)) return raw;
      return AnswerError(field, kBadDate, "« " + q.label.fr + " » : saisissez une date existante au format AAAA-MM-JJ.");
    case QuestionType::kText:
      if (Utf8Length(raw) > kMaxTextAnswer) {
        return AnswerError(field, kTooLong,
                           "« " + q.label.fr + " » : " + std::to_string(kMaxTextAnswer) + " caractères au plus.",
                           {{"max", std::to_string(kMaxTextAnswer)}});
      }
      for (unsigned char c : raw) {
        if (c < 0x20 || c == '\'' || c == '"') {
          return AnswerError(field, kForbiddenCharacters,
                             "« " + q.label.fr + " » : les guillemets et caractères de contrôle sont refusés.");
        }
      }
      return raw;
  }
  return raw;
}

Result<Answers> AnswersFromJson(const catalog::Event& event, const Json& object, std::string_view prefix) {
  const std::string base(prefix);
  if (!object.is_object()) {
    return InvalidArgument("journeys.invalid_answers", "Les réponses doivent être un objet JSON {question: valeur}.")
        .WithField(FieldError{base, "Un objet JSON est attendu.", kNotAnObject, {}});
  }
  Answers answers;
  Status errors = InvalidArgument("journeys.invalid_answers", "Certaines réponses sont invalides.");
  bool failed = false;
  auto fail = [&](const std::string& field, std::string reason, std::string message,
                  std::map<std::string, std::string> params = {}) {
    errors.WithField(FieldError{field, std::move(message), std::move(reason), std::move(params)});
    failed = true;
  };
  for (const auto& [name, value] : object.items()) {
    const std::string field = base + "/" + name;
    const Question* q = event.FindQuestion(name);
    if (q == nullptr) {
      fail(field, kUnknownQuestion, "Question inconnue pour l'événement « " + event.id + " ».", {{"event", event.id}});
      continue;
    }
    if (value.is_null()) {
      answers[name] = "";
      continue;
    }
    std::string raw;
    bool type_ok = false;
    switch (q->type) {
      case QuestionType::kBoolean:
        type_ok = value.is_boolean();
        if (type_ok) raw = value.get<bool>() ? "oui" : "non";
        break;
      case QuestionType::kNumber:
        type_ok = value.is_number();
        if (type_ok) raw = value.dump();
        break;
      default:
        type_ok = value.is_string();
        if (type_ok) raw = value.get<std::string>();
        break;
    }
    if (!type_ok) {
      static const char* kExpected[] = {"un booléen (true / false)", "un nombre", "une chaîne de caractères",
                                        "une chaîne de caractères", "une date AAAA-MM-JJ (chaîne)"};
      static const char* kExpectedType[] = {"boolean", "number", "string", "string", "date"};
      const int type = static_cast<int>(q->type);
      fail(field, kWrongType, std::string("Type invalide : ") + kExpected[type] + " est attendu.",
           {{"expected", kExpectedType[type]}});
      continue;
    }
    Result<std::string> canonical = CanonicalAnswer(*q, raw, field);
    if (!canonical.ok()) {
      for (const FieldError& fe : canonical.status().field_errors()) errors.WithField(fe);
      failed = true;
      continue;
    }
    if (canonical->empty()) {
      fail(field, kEmptyAnswer, "Réponse vide : utilisez null pour effacer une réponse.");
      continue;
    }
    answers[name] = *canonical;
  }
  if (failed) return errors;
  return answers;
}

Result<Answers> AnswersFromForm(const catalog::Event& event, const std::multimap<std::string, std::string>& form,
                                bool erase_empty) {
  Answers answers;
  Status errors = InvalidArgument("journeys.invalid_answers", "Certaines réponses sont invalides.");
  bool failed = false;
  for (const Question& q : event.questions) {
    auto it = form.find(q.rule);
    if (it == form.end()) continue;
    Result<std::string> canonical = CanonicalAnswer(q, it->second, q.rule);
    if (!canonical.ok()) {
      for (const FieldError& fe : canonical.status().field_errors()) errors.WithField(fe);
      failed = true;
      continue;
    }
    if (!canonical->empty() || erase_empty) answers[q.rule] = *canonical;
  }
  if (failed) return errors;
  return answers;
}

Json AnswerToJson(const Question& q, std::string_view canonical) {
  switch (q.type) {
    case QuestionType::kBoolean:
      return canonical == "oui";
    case QuestionType::kNumber: {
      double v = 0;
      std::from_chars(canonical.data(), canonical.data() + canonical.size(), v);
      return v;
    }
    default:
      return std::string(canonical);
  }
}

}  // namespace parcours::journeys
