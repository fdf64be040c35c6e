// Whole files read into memory: models, catalogues, templates, key files, situations.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace parcours {

// The content of the file at `path`, or nullopt when it cannot be opened or read (callers say
// which file and why in their own words). A regular file is read at once into a string of its
// size: a stream buffer grown by doubling, then copied out, would touch three times the memory
// (a model load's time is mostly first touches). A pipe, whose size is unknown, is read through.
std::optional<std::string> ReadWholeFile(const std::filesystem::path& path);

}  // namespace parcours
