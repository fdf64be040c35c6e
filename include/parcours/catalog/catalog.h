// The life-event catalogue: events, their steps, the administrations that run them, the
// questions that personalise a plan and the Publicodes rules those questions feed.
//
// A catalogue is a folder of YAML files (see docs/CATALOG.md for the format):
//   administrations.yaml    administrations and services (id, names, website)
//   models.yaml             external Publicodes models (e.g. npm @betagouv/aides-velo)
//   rules/*.publicodes      the situation model: every attribute a question or a step uses
//   events/*.yaml           one life event per file, with its questions and steps
// `LoadCatalog` reads and validates everything at once: unknown keys, missing fields, bad
// Publicodes expressions, unknown attributes, unknown step references and dependency
// cycles are all reported, each with its file and line. A deployment points the server at
// its own folder to add events, steps and rules without recompiling.
//
// Thread-safety: a loaded Catalog is immutable; share it as std::shared_ptr<const Catalog>.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/rules/engine.h"

namespace parcours::catalog {

// A text in French (required) and English (required: the product is bilingual).
struct Text {
  std::string fr;
  std::string en;
  // The text in `lang` ("en" gives English, anything else French).
  const std::string& In(std::string_view lang) const { return lang == "en" ? en : fr; }
};

// Where a definition sits in the catalogue, for error messages.
struct SourcePos {
  std::string file;  // relative to the catalogue folder
  int line = 0;      // 1-based
};

enum class StepKind { kInformation, kOnlineProcedure, kServiceRequest, kAppointment, kDocument };
enum class Channel { kOnline, kCounter, kPhone, kPost };
enum class QuestionType { kBoolean, kNumber, kChoice, kText, kDate };

// Stable lower_snake names used in YAML, JSON and CSS classes ("online_procedure", "counter"...).
std::string_view StepKindName(StepKind kind);
std::string_view ChannelName(Channel channel);
std::string_view QuestionTypeName(QuestionType type);
// Display labels.
const Text& StepKindLabel(StepKind kind);
const Text& ChannelLabel(Channel channel);

struct Choice {
  std::string value;  // the Publicodes string value ("crèche")
  Text label;
};

// A question that personalises a plan. `rule` is the name of a rule of the situation model
// and, equally, the name of the person's attribute in the vault.
struct Question {
  std::string rule;
  Text label;
  Text hint;  // may be empty
  QuestionType type = QuestionType::kBoolean;
  std::string unit;  // Publicodes unit of a number ("€/mois", "an"), may be empty
  std::optional<double> min;
  std::optional<double> max;
  bool integer = false;         // kNumber: whole numbers only (a count, an age): `integer: true`
  std::vector<Choice> choices;  // kChoice only
  // Sealed at rest in the vault (income, health, disability): `sensitive: true` in YAML.
  bool sensitive = false;
  SourcePos pos;
};

// An official source: a service-public.fr sheet, a legal text, an agency page.
struct Reference {
  Text label;
  std::string url;    // https://...
  std::string sheet;  // service-public.fr sheet id ("F961"), may be empty
  std::string law;    // legal text and article ("Code civil, art. 55"), may be empty
  std::string date;   // version or consultation date of the source (YYYY-MM-DD)
};

// An amount or threshold quoted to the person, with where and when it comes from.
struct Amount {
  Text label;
  std::string value;   // as published ("1 084,43 €")
  std::string source;  // reference of the text fixing it
  std::string date;    // date from which it applies (YYYY-MM-DD)
};

// A deadline relative to the event date: `days` and/or `months` after it (negative = before).
struct Deadline {
  int days = 0;
  int months = 0;
  Text label;       // plain-language ("dans les 5 jours qui suivent la naissance")
  std::string law;  // the text setting it
};

// An aid computed by an external published model (e.g. bike-purchase aids): every rule under
// `rules_prefix` in model `model` is evaluated; those with a positive amount are the aids.
struct AidSpec {
  std::string model;
  std::string rules_prefix;  // "aides . "
};

// What, recorded elsewhere in Parcours, moves a step forward without anyone saying so
// (journeys/sync.h): exactly one of a declaration of an exchange bundle (the step is done once
// it is sent), a delivery to an exchange service (sent, then done once the agency accepts it),
// or an agency's life-event signal of a CloudEvents type (done).
struct Fulfilment {
  std::string declaration;  // bundle id of exchange.yaml
  std::string service;      // service id of exchange.yaml
  std::string signal;       // the signal's CloudEvents type
};

struct Step {
  std::string id;
  StepKind kind = StepKind::kInformation;
  Text title;
  Text summary;
  std::string administration;  // id in administrations.yaml
  // Applicability: a Publicodes expression or mechanism over the situation model, as written
  // (`condition`, for display) and as the name of the rule generated for it in the plan model
  // (`rule`: "parcours . <event> . <step>"; evaluating it gives oui / non / null / missing).
  std::string condition = "oui";
  std::string rule;
  Text why;                         // plain-language reason it applies (shown with the rules' explanation)
  std::optional<Deadline> deadline;
  std::vector<std::string> needs;      // attribute names (rules of the situation model)
  std::vector<std::string> questions;  // rules asked on the step page (prefilled from the situation)
  std::vector<Channel> channels;
  std::vector<Reference> references;
  std::vector<Amount> amounts;
  std::vector<std::string> depends_on;  // step ids of the same event
  std::optional<AidSpec> aid;
  std::string online_url;  // the téléservice, when there is one
  std::optional<Fulfilment> fulfilled_by;
  SourcePos pos;
};

struct Event {
  std::string id;
  Text title;
  Text description;
  Text date_label;  // what the event date means ("Date de naissance (prévue)")
  std::vector<Question> questions;
  std::vector<Step> steps;
  SourcePos pos;

  const Step* FindStep(std::string_view step_id) const;
  const Question* FindQuestion(std::string_view rule) const;
};

struct Administration {
  std::string id;
  Text name;
  std::string url;
};

struct ExternalModel {
  std::string id;
  std::string source;  // provenance ("npm @betagouv/aides-velo 3.6.1")
  std::filesystem::path path;
  rules::ModelPtr model;
};

// A piece of information steps need that is neither a question nor an attribute of the vault
// by that name (information.yaml): how people read it, and the vault attributes that hold it
// when the vault knows it (an address: street, postcode, commune), none when only the person
// can give it (a new address).
struct Information {
  std::string rule;  // attribute of the situation model, as steps name it in `needs`
  Text label;
  std::vector<std::string> vault;
  // `recorded_since: journey_start`: the vault's values are this information only when recorded
  // since the person's journey began (a new address: the vault's address before the move is the
  // old one).
  bool since_journey_start = false;
  SourcePos pos;
};

class Catalog {
 public:
  const std::vector<Event>& events() const { return events_; }
  const Event* FindEvent(std::string_view id) const;
  const Administration* FindAdministration(std::string_view id) const;
  const ExternalModel* FindModel(std::string_view id) const;
  const Information* FindInformation(std::string_view rule) const;
  // The plan model: the situation rules (rules/*.publicodes) plus one generated rule per
  // step holding its applicability (Step::rule). Attributes are its input rules.
  const rules::ModelPtr& plan_model() const { return plan_model_; }
  // True when `name` is a rule of the situation model (an attribute questions may ask).
  bool IsAttribute(std::string_view name) const;
  const std::filesystem::path& root() const { return root_; }

 private:
  friend class CatalogBuilder;
  std::filesystem::path root_;
  std::vector<Event> events_;
  std::map<std::string, Administration, std::less<>> administrations_;
  std::map<std::string, ExternalModel, std::less<>> models_;
  std::map<std::string, Information, std::less<>> information_;
  rules::ModelPtr plan_model_;
  std::vector<std::string> attributes_;  // sorted rule names of the situation model
};

using CatalogPtr = std::shared_ptr<const Catalog>;

// One problem found while loading, with its place.
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;  // French
  std::string ToString() const;  // "events/demenager.yaml:12:5: message"
};

// Loads and validates the catalogue in `dir`. On failure returns InvalidArgument
// ("catalog.invalid") whose message counts the problems and whose field errors hold one
// entry per problem ("file:line:column" -> message). `diagnostics`, when given, receives
// every problem found (also on success: it is then empty).
Result<CatalogPtr> LoadCatalog(const std::filesystem::path& dir,
                               std::vector<Diagnostic>* diagnostics = nullptr);

// The catalogue folder configured for this process: $PARCOURS_CATALOG_DIR, else "catalog".
std::filesystem::path ConfiguredCatalogDir();

}  // namespace parcours::catalog
