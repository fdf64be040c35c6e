// Times as people in metropolitan France read them (Europe/Paris: UTC+1, UTC+2 from the last
// Sunday of March to the last Sunday of October at 01:00 UTC, the EU rule), without a time-zone
// database.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

namespace parcours {

// The calendar fields of `ms` (Unix milliseconds) in Paris.
std::tm ParisTime(int64_t ms);
// "06/01/2027": the day of `ms` in Paris.
std::string ParisDate(int64_t ms);

}  // namespace parcours
