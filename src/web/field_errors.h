// How a page words a service's field error in its own language. The services answer in French
// (their API contract); each field error also carries a stable reason and its parameters
// (FieldError::reason / params), from which a page takes the message of the catalogue
// "<ns>.field_error.<reason>" in its language, with the field's label in that language.
// Internal to web. Thread-safety: stateless functions.
#pragma once

#include <string>
#include <string_view>

#include "parcours/base/status.h"
#include "parcours/catalog/catalog.h"
#include "parcours/web/renderer.h"

namespace parcours::web::detail {

// The message of `error` in `lang` from the "<ns>.field_error" catalogue ("journeys",
// "vault"), given the error's parameters (numbers in the page's format) and `label` as
// {label}. "out_of_range" picks out_of_range / _min / _max after the bounds it has. Without a
// reason the catalogue knows: the service's French message on a French page,
// "<ns>.field_error.invalid" on another.
std::string FieldErrorMessage(const Renderer& renderer, std::string_view lang, std::string_view ns,
                              const FieldError& error, const std::string& label = "");

// The message of a field error on a journey page: a question's (its label in `lang`; a
// vault's refusal of the answer gets the vault's wording after the label), the event date's
// ("event_date"), another field's, or none (field "": a refusal without field errors).
std::string JourneyFieldErrorMessage(const Renderer& renderer, std::string_view lang, const catalog::Event& event,
                                     const FieldError& error);

// The message of a refusal as a whole (`status`: unknown event or journey, service
// unavailable...) on a page in `lang`. A French page shows the service's own message. Another
// takes the catalogue's "<module>.refusal.<rest>" for the reason "<module>.<rest>"
// (journeys.unknown_event -> journeys.refusal.unknown_event), else a generic message after the
// status code (errors.refusal.not_found, errors.refusal.unavailable, errors.refusal.other).
// An internal error is always worded by errors.refusal.other: its message may name internals.
std::string RefusalMessage(const Renderer& renderer, std::string_view lang, const Status& status);

}  // namespace parcours::web::detail
