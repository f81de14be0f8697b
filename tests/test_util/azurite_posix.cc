// Azurite as a child process of the test (Azurite::Start, Azurite::Stop).
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "test_util/azurite.hpp"

namespace hvr {
namespace {

bool Exited(pid_t pid, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  do {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

// Where the pinned Azurite is installed; empty if it is not.
std::string Executable() {
  const std::string path =
      std::string(HVR_TEST_SOURCE_DIR) + "/.deps/azurite/node_modules/.bin/azurite-blob";
  return ::access(path.c_str(), X_OK) == 0 ? path : std::string();
}

}  // namespace

void Azurite::Start(const Options& options) {
  const std::string executable = Executable();
  if (executable.empty()) {
    throw std::runtime_error("Azurite is not installed in .deps/azurite: run scripts/install-deps.sh");
  }
  https_ = !options.cert_file.empty();
  const std::string workspace = dir_.File("workspace");
  std::filesystem::create_directory(workspace);
  std::vector<std::string> args = {executable,   "--blobHost",          "127.0.0.1",
                                   "--blobPort", "0",                   "--location",
                                   workspace,    "--disableTelemetry",  "--silent"};
  if (https_) {
    args.insert(args.end(), {"--cert", options.cert_file, "--key", options.key_file});
  }
  if (options.loose) args.push_back("--loose");
  if (options.oauth) args.insert(args.end(), {"--oauth", "basic"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const int out = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out < 0 || in < 0) throw std::runtime_error("cannot open " + log_);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    // Only async-signal-safe calls until exec. Azurite dies with the test even when the
    // test crashes before its destructors run.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execv(executable.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out);
  ::close(in);
  if (pid_ < 0) throw std::runtime_error("cannot start " + executable);

  // Azurite prints the address it listens on once it is ready; loaded machines may take
  // a while to load its modules.
  const std::regex listening("listens on https?://127\\.0\\.0\\.1:([0-9]+)");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    const std::string text = Log();
    if (std::regex_search(text, match, listening)) {
      port_ = static_cast<uint16_t>(std::stoi(match[1]));
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("Azurite exited during start:\n" + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string text = Log();
  ::kill(pid_, SIGKILL);
  Exited(pid_, std::chrono::seconds(5));
  pid_ = -1;
  throw std::runtime_error("Azurite did not start within 90 s:\n" + text);
}

void Azurite::Stop() {
  ::kill(pid_, SIGTERM);
  if (!Exited(pid_, std::chrono::seconds(10))) {
    ::kill(pid_, SIGKILL);
    Exited(pid_, std::chrono::seconds(5));
  }
  pid_ = -1;
}

}  // namespace hvr
