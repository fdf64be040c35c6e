#include "parcours/catalog/catalog.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "event_reader.h"

namespace parcours::catalog {
namespace {

struct KindInfo {
  StepKind kind;
  std::string_view name;
  Text label;
};
const std::array<KindInfo, 5>& Kinds() {
  static const std::array<KindInfo, 5> kKinds = {{
      {StepKind::kInformation, "information", {"Information", "Information"}},
      {StepKind::kOnlineProcedure, "online_procedure", {"Démarche en ligne", "Online procedure"}},
      {StepKind::kServiceRequest, "service_request", {"Demande de prestation", "Benefit or service request"}},
      {StepKind::kAppointment, "appointment", {"Rendez-vous", "Appointment"}},
      {StepKind::kDocument, "document", {"Document à fournir", "Document to provide"}},
  }};
  return kKinds;
}

struct ChannelInfo {
  Channel channel;
  std::string_view name;
  Text label;
};
const std::array<ChannelInfo, 4>& Channels() {
  static const std::array<ChannelInfo, 4> kChannels = {{
      {Channel::kOnline, "online", {"En ligne", "Online"}},
      {Channel::kCounter, "counter", {"Au guichet", "At the counter"}},
      {Channel::kPhone, "phone", {"Par téléphone", "By phone"}},
      {Channel::kPost, "post", {"Par courrier", "By post"}},
  }};
  return kChannels;
}

constexpr std::array<std::pair<QuestionType, std::string_view>, 5> kTypes = {{
    {QuestionType::kBoolean, "boolean"},
    {QuestionType::kNumber, "number"},
    {QuestionType::kChoice, "choice"},
    {QuestionType::kText, "text"},
    {QuestionType::kDate, "date"},
}};

}  // namespace

std::string_view StepKindName(StepKind kind) {
  for (const auto& k : Kinds()) {
    if (k.kind == kind) return k.name;
  }
  return "information";
}
const Text& StepKindLabel(StepKind kind) {
  for (const auto& k : Kinds()) {
    if (k.kind == kind) return k.label;
  }
  return Kinds()[0].label;
}
std::string_view ChannelName(Channel channel) {
  for (const auto& c : Channels()) {
    if (c.channel == channel) return c.name;
  }
  return "online";
}
const Text& ChannelLabel(Channel channel) {
  for (const auto& c : Channels()) {
    if (c.channel == channel) return c.label;
  }
  return Channels()[0].label;
}
std::string_view QuestionTypeName(QuestionType type) {
  for (const auto& [t, name] : kTypes) {
    if (t == type) return name;
  }
  return "boolean";
}

namespace detail {
std::optional<StepKind> ParseStepKind(std::string_view name) {
  for (const auto& k : Kinds()) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}
std::optional<Channel> ParseChannel(std::string_view name) {
  for (const auto& c : Channels()) {
    if (c.name == name) return c.channel;
  }
  return std::nullopt;
}
std::optional<QuestionType> ParseQuestionType(std::string_view name) {
  for (const auto& [t, n] : kTypes) {
    if (n == name) return t;
  }
  return std::nullopt;
}
}  // namespace detail

const Step* Event::FindStep(std::string_view step_id) const {
  for (const Step& s : steps) {
    if (s.id == step_id) return &s;
  }
  return nullptr;
}

const Question* Event::FindQuestion(std::string_view rule) const {
  for (const Question& q : questions) {
    if (q.rule == rule) return &q;
  }
  return nullptr;
}

const Event* Catalog::FindEvent(std::string_view id) const {
  for (const Event& e : events_) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

const Administration* Catalog::FindAdministration(std::string_view id) const {
  auto it = administrations_.find(id);
  return it == administrations_.end() ? nullptr : &it->second;
}

const ExternalModel* Catalog::FindModel(std::string_view id) const {
  auto it = models_.find(id);
  return it == models_.end() ? nullptr : &it->second;
}

const Information* Catalog::FindInformation(std::string_view rule) const {
  auto it = information_.find(rule);
  return it == information_.end() ? nullptr : &it->second;
}

bool Catalog::IsAttribute(std::string_view name) const {
  return std::binary_search(attributes_.begin(), attributes_.end(), name);
}

std::string Diagnostic::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  return out + ": " + message;
}

std::filesystem::path ConfiguredCatalogDir() {
  const char* dir = std::getenv("PARCOURS_CATALOG_DIR");
  return (dir != nullptr && *dir != '\0') ? std::filesystem::path(dir) : std::filesystem::path("catalog");
}

}  // namespace parcours::catalog
