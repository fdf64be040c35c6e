// Standard Webhooks signatures (https://www.standardwebhooks.com): the headers
// `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256>` over
// "<id>.<timestamp>.<body>", keyed by a secret written "whsec_<base64 key>".
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "parcours/base/status.h"

namespace parcours::exchange {

// A new random secret, "whsec_" + base64 of 32 random bytes.
std::string NewWebhookSecret();

// "v1,<base64 signature>" for the message; fails on a malformed secret.
Result<std::string> SignWebhook(std::string_view secret, std::string_view msg_id, int64_t timestamp_s,
                                std::string_view body);

// Checks a `webhook-signature` header (space-separated list of "v1,<sig>") in constant time
// and that `timestamp_s` is within `tolerance_s` of `now_s` (replay protection).
// Returns Unauthenticated("webhook.bad_signature" / "webhook.stale") otherwise.
Status VerifyWebhook(std::string_view secret, std::string_view msg_id, std::string_view timestamp,
                     std::string_view body, std::string_view signature_header, int64_t now_s,
                     int64_t tolerance_s = 300);

}  // namespace parcours::exchange
