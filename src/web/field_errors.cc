#include "field_errors.h"

#include <map>
#include <optional>

#include "parcours/journeys/date.h"

namespace parcours::web::detail {
namespace {

// The catalogue key of a reason: out_of_range says which bounds it has.
std::string ReasonKey(const FieldError& error) {
  if (error.reason != "out_of_range") return error.reason;
  const bool min = error.params.count("min") > 0, max = error.params.count("max") > 0;
  if (min && !max) return "out_of_range_min";
  if (max && !min) return "out_of_range_max";
  return "out_of_range";
}

// Parameters as the page shows them: a decimal comma in French, an event date in words.
std::map<std::string, std::string> Shown(const FieldError& error, std::string_view lang, const std::string& label) {
  std::map<std::string, std::string> out = error.params;
  for (const char* number : {"min", "max"}) {
    auto it = out.find(number);
    if (it == out.end() || lang != "fr") continue;
    for (char& c : it->second) {
      if (c == '.') c = ',';
    }
  }
  if (auto it = out.find("today"); it != out.end()) {
    if (auto date = journeys::CivilDate::Parse(it->second)) it->second = date->ToDisplay(lang);
  }
  out["label"] = label;
  return out;
}

// The catalogue's message at `prefix` + the error's reason key, if the catalogue has one.
std::optional<std::string> Catalogued(const Renderer& renderer, std::string_view lang, const std::string& prefix,
                                      const FieldError& error, const std::string& label) {
  if (error.reason.empty()) return std::nullopt;
  const std::string key = prefix + ReasonKey(error);
  std::string message = renderer.Message(lang, key, Shown(error, lang, label));
  if (message == key) return std::nullopt;  // the catalogue does not know this reason
  return message;
}

}  // namespace

std::string FieldErrorMessage(const Renderer& renderer, std::string_view lang, std::string_view ns,
                              const FieldError& error, const std::string& label) {
  const std::string prefix = std::string(ns) + ".field_error.";
  if (auto message = Catalogued(renderer, lang, prefix, error, label)) return *message;
  if (lang == "fr") return error.message;
  return renderer.Message(lang, prefix + "invalid", {{"label", label}});
}

std::string JourneyFieldErrorMessage(const Renderer& renderer, std::string_view lang, const catalog::Event& event,
                                     const FieldError& error) {
  if (const catalog::Question* q = event.FindQuestion(error.field)) {
    const std::string label = q->label.In(lang);
    if (auto message = Catalogued(renderer, lang, "journeys.field_error.", error, label)) return *message;
    // The vault refused the answer for a reason of its own (a domain check): its wording.
    if (auto vault = Catalogued(renderer, lang, "vault.field_error.", error, label)) {
      return renderer.Message(lang, "journeys.field_error.labelled", {{"label", label}, {"message", *vault}});
    }
    if (lang == "fr") return error.message;
    return renderer.Message(lang, "journeys.field_error.invalid", {{"label", label}});
  }
  if (error.field == "event_date") {
    if (auto message = Catalogued(renderer, lang, "journeys.field_error.event_", error, "")) return *message;
    return lang == "fr" ? error.message : renderer.Message(lang, "journeys.field_error.event_invalid");
  }
  if (auto message = Catalogued(renderer, lang, "journeys.field_error.", error, "")) return *message;
  return lang == "fr" ? error.message : renderer.Message(lang, "journeys.field_error.not_saved");
}

std::string RefusalMessage(const Renderer& renderer, std::string_view lang, const Status& status) {
  // An internal error's message may name internals (as in http::Problem): never shown.
  if (status.code() == StatusCode::kInternal) return renderer.Message(lang, "errors.refusal.other");
  if (lang == "fr") return status.message();
  const std::string& reason = status.reason();
  if (const size_t dot = reason.find('.'); dot != std::string::npos && dot > 0 && dot + 1 < reason.size()) {
    const std::string key = reason.substr(0, dot) + ".refusal." + reason.substr(dot + 1);
    std::string message = renderer.Message(lang, key);
    if (message != key) return message;
  }
  switch (status.code()) {
    case StatusCode::kNotFound:
      return renderer.Message(lang, "errors.refusal.not_found");
    case StatusCode::kUnavailable:
      return renderer.Message(lang, "errors.refusal.unavailable");
    default:
      return renderer.Message(lang, "errors.refusal.other");
  }
}

}  // namespace parcours::web::detail
