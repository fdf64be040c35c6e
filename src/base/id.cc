#include "parcours/base/id.h"

#include <sodium.h>

#include <cstdint>
#include <mutex>

#include "parcours/base/clock.h"

namespace parcours {
namespace {

void EnsureSodium() {
  static const int ready = sodium_init();
  (void)ready;  // 1 when already initialised, 0 on first call; -1 cannot happen on Linux
}

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

std::string NewId(const Clock* clock) {
  EnsureSodium();
  uint64_t millis = static_cast<uint64_t>(
      clock ? clock->NowMillis() : SystemClock::Get().NowMillis());
  // Monotonic within the process: same or earlier millisecond -> bump a 12-bit counter.
  static std::mutex mu;
  static uint64_t last_millis = 0;
  static uint16_t counter = 0;
  uint16_t seq;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (millis <= last_millis) {
      millis = last_millis;
      if (++counter > 0x0fff) {
        counter = 0;
        millis = ++last_millis;
      }
    } else {
      last_millis = millis;
      counter = static_cast<uint16_t>(randombytes_uniform(0x0800));  // leave room to count up
    }
    seq = counter;
  }
  uint8_t b[16];
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(millis >> (8 * (5 - i)));
  b[6] = static_cast<uint8_t>(0x70 | ((seq >> 8) & 0x0f));
  b[7] = static_cast<uint8_t>(seq & 0xff);
  randombytes_buf(b + 8, 8);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
  return out;
}

bool IsValidId(std::string_view id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::string RandomHex(std::size_t n) {
  EnsureSodium();
  std::string bytes(n, '\0');
  randombytes_buf(bytes.data(), n);
  std::string out;
  out.reserve(2 * n);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0x0f]);
  }
  return out;
}

}  // namespace parcours
