#include <cassert>
#include <charconv>
#include <cmath>
#include <limits>

#include "parcours/store/store.h"

namespace parcours::store {
namespace {

int64_t ParseInt(const std::string& text) {
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec == std::errc() && ptr == text.data() + text.size()) return out;
  return 0;
}

// Truncates toward zero, saturating at the int64 range (NaN reads as 0).
int64_t Truncate(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (d <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

}  // namespace

std::size_t Row::IndexOf(std::string_view name) const {
  for (std::size_t i = 0; i < names_->size(); ++i) {
    if ((*names_)[i] == name) return i;
  }
  assert(false && "Row::IndexOf: no such column");
  return names_->size();  // at() then throws std::out_of_range: a programming error
}

int64_t Row::Int(std::size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* n = std::get_if<int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return Truncate(*d);
  if (const auto* s = std::get_if<std::string>(&v)) return ParseInt(*s);
  return 0;
}

double Row::Double(std::size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) {
    double out = 0;
    auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
    return ec == std::errc() && ptr == s->data() + s->size() ? out : 0.0;
  }
  return 0.0;
}

std::string Row::Text(std::size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, *d);
    return ec == std::errc() ? std::string(buf, ptr) : std::string();
  }
  if (const auto* b = std::get_if<Blob>(&v)) return b->bytes;
  return {};
}

std::string Row::Bytes(std::size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* b = std::get_if<Blob>(&v)) return b->bytes;
  return Text(i);
}

std::optional<int64_t> Row::OptInt(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::optional<std::string> Row::OptText(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

}  // namespace parcours::store
