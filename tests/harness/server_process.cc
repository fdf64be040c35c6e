// ServerProcess: one `parcours serve` child on a free loopback port.
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "harness.h"
#include "parcours/base/id.h"
#include "process.h"

namespace parcours::harness {

namespace fs = std::filesystem;

ServerProcess::ServerProcess(ServerOptions options) : options_(std::move(options)) {
  dir_ = MakeTempDir();
  std::ofstream(dir_ + "/secret.key") << RandomHex(32) << "\n";
  if (!options_.config_yaml.empty()) std::ofstream(dir_ + "/parcours.yaml") << options_.config_yaml;
}

ServerProcess::~ServerProcess() {
  if (running()) Stop();
  if (std::getenv("PARCOURS_KEEP_TEST_DIR") == nullptr && !dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string ServerProcess::database_url() const { return "sqlite:" + dir_ + "/parcours.db"; }

std::map<std::string, std::string> ServerProcess::Environment() const {
  std::map<std::string, std::string> env = {
      {"PARCOURS_DATABASE", database_url()},
      {"PARCOURS_WEB_DIR", SourceDir() + "/web"},
      {"PARCOURS_CATALOG_DIR", SourceDir() + "/catalog"},
      {"PARCOURS_SECRET_KEY_FILE", dir_ + "/secret.key"},
      {"PARCOURS_THREADS", "2"},
      {"PARCOURS_LOG_LEVEL", "info"},
  };
  for (const auto& [key, value] : options_.env) env[key] = value;
  return env;
}

std::string ServerProcess::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

HttpClient ServerProcess::Client() const { return HttpClient(base_url()); }

std::string ServerProcess::Stderr() const { return ReadWholeFile(dir_ + "/stderr"); }

Status ServerProcess::Start() {
  if (running()) return Status::Ok();
  if (dir_.empty()) return Unavailable("harness.start_failed", "mkdtemp failed");
  const std::string port_file = dir_ + "/port";
  std::error_code ec;
  fs::remove(port_file, ec);
  std::vector<std::string> args = {"serve", "--port", "0", "--port-file", port_file};
  if (!options_.config_yaml.empty()) {
    args.insert(args.begin(), {"--config", dir_ + "/parcours.yaml"});
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  pid_ = Spawn(args, Environment(), dir_, dir_ + "/stdout", dir_ + "/stderr");
  if (pid_ < 0) return Unavailable("harness.start_failed", "fork failed");

  auto fail = [this](const std::string& why) {
    std::string err = Stderr();
    if (running()) Kill9();
    return Unavailable("harness.start_failed", why + "\n--- server stderr ---\n" + err);
  };
  const auto deadline = std::chrono::steady_clock::now() + options_.ready_timeout;
  while (port_ == 0) {
    int code = 0;
    if (WaitFor(pid_, std::chrono::milliseconds(0), &code)) {
      pid_ = -1;
      return fail("server exited with code " + std::to_string(code) + " before listening");
    }
    std::ifstream in(port_file);
    int port = 0;
    if (in >> port && port > 0 && port < 65536) {
      port_ = static_cast<uint16_t>(port);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return fail("no port file before timeout");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  HttpClient client(base_url());
  while (true) {
    if (client.Get("/readyz").status == 200) return Status::Ok();
    int code = 0;
    if (WaitFor(pid_, std::chrono::milliseconds(0), &code)) {
      pid_ = -1;
      return fail("server exited with code " + std::to_string(code) + " before ready");
    }
    if (std::chrono::steady_clock::now() >= deadline) return fail("/readyz not 200 before timeout");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int ServerProcess::Stop(std::chrono::milliseconds grace) {
  if (!running()) return -1;
  int code = -1;
  kill(pid_, SIGTERM);
  if (!WaitFor(pid_, grace, &code)) {
    kill(pid_, SIGKILL);
    WaitFor(pid_, std::chrono::milliseconds(10000), &code);
  }
  pid_ = -1;
  port_ = 0;
  return code;
}

void ServerProcess::Kill9() {
  if (!running()) return;
  int code = 0;
  kill(pid_, SIGKILL);
  WaitFor(pid_, std::chrono::milliseconds(10000), &code);
  pid_ = -1;
  port_ = 0;
}

Status ServerProcess::Restart() {
  if (running()) Stop();
  return Start();
}

}  // namespace parcours::harness
