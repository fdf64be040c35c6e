// "Je donne mon avis": feedback at the end of a step or a journey. Each accepted answer is one
// event "fr.parcours.feedback.submitted" in the log; the indicators read it from there (see
// docs/INDICATORS.md). Anonymous unless the person consents to link it: only then does the
// event carry the person id. Managers read comments through insight_comments, which never
// holds an identity.
// Thread-safety: FeedbackService is safe to share between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "parcours/base/status.h"
#include "parcours/store/store.h"

namespace parcours {
class Clock;
}

namespace parcours::insight {

// The answers, as the form or the JSON body gives them (text, validated by Submit).
struct FeedbackInput {
  std::string life_event;     // journey type, e.g. "demenager" (required)
  std::string journey_id;     // optional: the journey (recorded only with link_identity)
  std::string step_id;        // optional: "" = the journey as a whole
  std::string service;        // optional: the administration of the step
  std::string satisfaction;   // "bien" | "moyen" | "mal" (required)
  std::string ease;           // same scale, optional
  std::string clarity;        // same scale, optional
  std::string help_sought;    // "oui" | "non" | "" (optional)
  std::string help_reached;   // "oui" | "non" | "" (only when help_sought is "oui")
  std::string nps;            // "0".."10" or ""
  std::string effort;         // "1".."7" or ""
  std::string comment;        // at most 2000 characters
  std::string commune;        // optional INSEE code when there is no journey
  std::string channel = "web";
  bool link_identity = false; // the person consents to link this answer to them
};

// What the catalogue holds, for Submit to refuse answers about a journey, a step or a service
// it does not know (set by `parcours serve`; without it, only their form is checked).
struct FeedbackReferences {
  std::function<bool(std::string_view life_event)> life_event;
  std::function<bool(std::string_view life_event, std::string_view step)> step;
  std::function<bool(std::string_view service)> service;  // an administration
};

struct FeedbackLimits {
  int per_window = 5;             // answers accepted per client and window
  int64_t window_ms = 3'600'000;  // one hour
};

class FeedbackService {
 public:
  FeedbackService(store::Database& db, const Clock& clock, FeedbackLimits limits = {});

  // Validates and records one answer from `client` (an address or a session: the rate-limit
  // key). `person_id` is recorded only when input.link_identity is true and it is not empty.
  // Errors: kInvalidArgument "insight.bad_feedback" with one field error per bad answer;
  // kResourceExhausted "insight.feedback_rate_limited" past the per-client limit.
  // Returns the event id.
  Result<std::string> Submit(const std::string& client, const std::string& person_id, const FeedbackInput& input);
  // Before serving (not thread-safe with Submit).
  void SetReferences(FeedbackReferences references) { references_ = std::move(references); }

 private:
  Status Admit(const std::string& client, int64_t now);

  store::Database& db_;
  const Clock& clock_;
  FeedbackLimits limits_;
  FeedbackReferences references_;
  std::mutex mu_;
  struct Window {
    int64_t start_ms = 0;
    int count = 0;
  };
  std::map<std::string, Window> windows_;  // guarded by mu_
};

}  // namespace parcours::insight
