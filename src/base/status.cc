#include "parcours/base/status.h"

namespace parcours {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kUnauthenticated: return "unauthenticated";
    case StatusCode::kPermissionDenied: return "permission_denied";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kConflict: return "conflict";
    case StatusCode::kResourceExhausted: return "resource_exhausted";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += reason_;
  out += ": ";
  out += message_;
  for (const auto& f : fields_) {
    out += " [";
    out += f.field;
    out += ": ";
    out += f.message;
    out += "]";
  }
  return out;
}

#define PARCOURS_STATUS_FACTORY(Name, Code)                   \
  Status Name(std::string reason, std::string message) {      \
    return Status(StatusCode::Code, std::move(reason), std::move(message)); \
  }
PARCOURS_STATUS_FACTORY(InvalidArgument, kInvalidArgument)
PARCOURS_STATUS_FACTORY(Unauthenticated, kUnauthenticated)
PARCOURS_STATUS_FACTORY(PermissionDenied, kPermissionDenied)
PARCOURS_STATUS_FACTORY(NotFound, kNotFound)
PARCOURS_STATUS_FACTORY(Conflict, kConflict)
PARCOURS_STATUS_FACTORY(ResourceExhausted, kResourceExhausted)
PARCOURS_STATUS_FACTORY(Unavailable, kUnavailable)
PARCOURS_STATUS_FACTORY(Internal, kInternal)
#undef PARCOURS_STATUS_FACTORY

}  // namespace parcours
