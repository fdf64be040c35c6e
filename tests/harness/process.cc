// Child processes: spawning `parcours` with a controlled environment, waiting, signalling.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness.h"
#include "process.h"

extern char** environ;

namespace parcours::harness {

namespace fs = std::filesystem;

std::string ParcoursBinary() {
  if (const char* bin = std::getenv("PARCOURS_BIN"); bin != nullptr && *bin != '\0') return bin;
  return PARCOURS_BIN_PATH;
}

std::string SourceDir() { return PARCOURS_SOURCE_DIR; }

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

pid_t Spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::string& cwd, const std::string& out_path, const std::string& err_path) {
  // Everything is prepared before fork: the child only calls async-signal-safe functions.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "PARCOURS_", 9) != 0) env_strings.emplace_back(*e);
  }
  for (const auto& [key, value] : env) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings = args;
  argv_strings.insert(argv_strings.begin(), ParcoursBinary());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid != 0) return pid;  // parent (or -1)
  int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  int devnull = open("/dev/null", O_RDONLY);
  if (out < 0 || err < 0 || devnull < 0) _exit(126);
  dup2(devnull, 0);
  dup2(out, 1);
  dup2(err, 2);
  if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
  execve(argv[0], argv.data(), envp.data());
  _exit(127);
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

bool WaitFor(pid_t pid, std::chrono::milliseconds timeout, int* exit_code) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      *exit_code = DecodeWaitStatus(status);
      return true;
    }
    if (r < 0) {
      *exit_code = -1;
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                     "/parcours-test-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) return "";
  return tmpl;
}

CommandResult RunParcours(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env, const std::string& cwd,
                          std::chrono::milliseconds timeout) {
  CommandResult result;
  std::string dir = MakeTempDir();
  std::string out_path = dir + "/stdout", err_path = dir + "/stderr";
  pid_t pid = Spawn(args, env, cwd, out_path, err_path);
  if (pid < 0) {
    result.err = "fork failed";
    return result;
  }
  if (!WaitFor(pid, timeout, &result.exit_code)) {
    kill(pid, SIGKILL);
    WaitFor(pid, std::chrono::milliseconds(10000), &result.exit_code);
    result.err = "timed out; ";
  }
  result.out = ReadWholeFile(out_path);
  result.err += ReadWholeFile(err_path);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return result;
}

}  // namespace parcours::harness
