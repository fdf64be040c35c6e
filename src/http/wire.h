// HTTP/1.1 wire helpers of the server that need no Boost: the response head, request ids,
// target forms. Private to src/http (namespace detail); server.cc is their one user.
// Thread-safety: free functions; NewRequestId() uses per-thread state.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "parcours/http/message.h"

namespace parcours::http::detail {

// Writes into `out` (cleared first; its capacity is reused) the status line and headers of a
// response: the handler's headers except those the server manages (Content-Length,
// Transfer-Encoding, Connection, Date) and any whose name is not a token or whose value holds
// CR, LF or NUL (dropped and logged: no header injection); then X-Request-Id unless the
// handler set one, Date, Content-Length (not for 1xx, 204, 304) and, when `keep_alive` is
// false, Connection: close; then the blank line.
void SerializeHead(int status, const Headers& headers, std::string_view request_id,
                   std::size_t body_size, bool keep_alive, std::string* out);

// The reason phrase of a status ("Not Found"); "Unknown" for unlisted codes.
std::string_view ReasonPhrase(int status);

// True for statuses that never carry a body (1xx, 204, 304).
bool NoBodyStatus(int status);

// A new UUIDv7 request id from a per-thread generator seeded once from the OS.
std::string NewRequestId();

// Whether a client's X-Request-Id may be kept: 1 to 128 characters of [A-Za-z0-9._:-].
bool IsSaneRequestId(std::string_view id);

// "http://host/a?b" (absolute-form, RFC 9112 3.2.2) -> "/a?b"; other targets unchanged.
std::string_view OriginForm(std::string_view target);

}  // namespace parcours::http::detail
