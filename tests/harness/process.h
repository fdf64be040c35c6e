// Internal helpers of the harness (not for tests).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace parcours::harness {

// Forks and execs the parcours binary with `args`, the caller's environment minus every
// PARCOURS_* variable plus `env`, stdin from /dev/null, stdout/stderr appended to the files.
pid_t Spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::string& cwd, const std::string& out_path, const std::string& err_path);
// Waits up to `timeout` for `pid` to exit; true and its exit code when it did.
bool WaitFor(pid_t pid, std::chrono::milliseconds timeout, int* exit_code);
std::string MakeTempDir();
std::string ReadWholeFile(const std::string& path);

}  // namespace parcours::harness
