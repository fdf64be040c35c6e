// Runner of Publicodes case files (the upstream `mécanismes/*.yaml` format): each file
// is a model; each rule carrying `exemples` is evaluated for every example and compared
// with `valeur attendue`, `unité attendue`, `variables manquantes`, `exception`, `type`.
// Numbers must match to the precision they are written with (one unit of their last
// written decimal). Used by the conformance test and by `parcours rules test DIR`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace parcours::rules {

struct CaseFailure {
  std::string name;     // "rule [example name]" or "rule (3)"
  std::string details;  // what differed
};

struct CaseFileReport {
  std::string file;
  int passed = 0;
  int total = 0;
  std::vector<CaseFailure> failures;
  std::string load_error;  // non-empty when the model itself failed to load
};

// Runs every example of `file` (flag filterNotApplicablePossibilities set).
CaseFileReport RunCaseFile(const std::filesystem::path& file);

// The case files (*.yaml) of a directory, sorted.
std::vector<std::filesystem::path> ListCaseFiles(const std::filesystem::path& dir);

}  // namespace parcours::rules
