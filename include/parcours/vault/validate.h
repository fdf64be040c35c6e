// Domain validation of personal data: each function accepts what people type (spaces,
// dots, lower case...) and returns the canonical form, or InvalidArgument with a stable
// reason ("vault.invalid_nir"...) and a clear French message that never repeats the input.
// Thread-safety: pure functions; the commune table is immutable and built on first use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"

namespace parcours::vault {

// The reasons of the vault's field errors (FieldError::reason), stable and language-free, so
// a page words them in its own language; their parameters (FieldError::params) are listed.
inline constexpr char kNotANumber[] = "not_a_number";
inline constexpr char kNotInteger[] = "not_integer";
inline constexpr char kOutOfRange[] = "out_of_range";  // "min" or "max" (canonical number)
inline constexpr char kNotBoolean[] = "not_boolean";
inline constexpr char kEmptyValue[] = "empty";
inline constexpr char kTooLong[] = "too_long";  // "max" (characters)
inline constexpr char kForbiddenCharacters[] = "forbidden_characters";
inline constexpr char kUnknownChoice[] = "unknown_choice";  // "choices" (", "-separated)
inline constexpr char kBadDate[] = "bad_date";              // not JJ/MM/AAAA nor AAAA-MM-JJ
inline constexpr char kNonexistentDate[] = "nonexistent_date";
inline constexpr char kDateOutOfRange[] = "date_out_of_range";  // before 1900 or after 2200
inline constexpr char kFutureDate[] = "future_date";
inline constexpr char kDateTooFarAhead[] = "date_too_far_ahead";  // "max_days_ahead"
inline constexpr char kFutureBirthDate[] = "future_birth_date";
inline constexpr char kNirFormat[] = "nir_format";
inline constexpr char kNirFirstDigit[] = "nir_first_digit";
inline constexpr char kNirMonth[] = "nir_month";
inline constexpr char kNirKey[] = "nir_key";
inline constexpr char kIbanFormat[] = "iban_format";
inline constexpr char kIbanCountry[] = "iban_country";
inline constexpr char kIbanChecksum[] = "iban_checksum";
inline constexpr char kBadEmail[] = "bad_email";
inline constexpr char kBadPhone[] = "bad_phone";
inline constexpr char kPostcodeFormat[] = "postcode_format";
inline constexpr char kUnknownPostcode[] = "unknown_postcode";
inline constexpr char kCommuneFormat[] = "commune_format";
inline constexpr char kUnknownCommune[] = "unknown_commune";
inline constexpr char kPostcodeCommuneMismatch[] = "postcode_commune_mismatch";  // "commune" (its name)
inline constexpr char kUnknownAttribute[] = "unknown_attribute";
inline constexpr char kDuplicateAttribute[] = "duplicate_attribute";
inline constexpr char kBadFirstName[] = "bad_first_name";  // "max" (characters)

// The validators below refuse with InvalidArgument carrying one field error with an empty
// field name: the value's reason and parameters; the caller names the field with this. It
// returns the first field error of `s` named `field` (or `s`'s message alone when it has none).
FieldError FieldErrorOf(const Status& s, std::string field);
// The refusal `s` with its one field error named `field`.
Status OnField(const Status& s, std::string field);

// "YYYY-MM-DD" or "JJ/MM/AAAA" -> "YYYY-MM-DD"; a real calendar date between 1900 and 2200.
Result<std::string> ValidateDate(std::string_view text);
// NIR: 13 characters + 2-digit key (spaces allowed, Corsica 2A/2B), key = 97 - (n mod 97).
Result<std::string> ValidateNir(std::string_view text);
// IBAN: country length and mod-97 == 1; returns upper case without spaces.
Result<std::string> ValidateIban(std::string_view text);
// E-mail: one '@', a plausible local part and a dotted domain; returns it trimmed, domain lower.
Result<std::string> ValidateEmail(std::string_view text);
// French numbers (0X XX XX XX XX, +33 ...) or E.164 international -> E.164.
Result<std::string> ValidatePhone(std::string_view text);
// A postcode of the official commune list -> the 5 digits.
Result<std::string> ValidatePostcode(std::string_view text);
// An INSEE commune code of the official commune list -> the code (upper case for 2A/2B).
Result<std::string> ValidateCommune(std::string_view text);
// OK when the commune `insee` is served by `postcode`; vault.postcode_commune_mismatch otherwise.
Status CheckPostcodeCommune(std::string_view postcode, std::string_view insee);

struct Commune {
  std::string insee;
  std::string name;
  std::vector<std::string> postcodes;
};
// The commune with INSEE code `insee`, from @etalab/decoupage-administratif.
std::optional<Commune> FindCommune(std::string_view insee);
// Communes served by `postcode`.
std::vector<Commune> CommunesForPostcode(std::string_view postcode);
// Number of communes in the embedded table.
std::size_t CommuneCount();

}  // namespace parcours::vault
