// Running programs from tests: with an argument vector (no shell, nothing to quote) or a
// shell line (pipes, redirections). Both wait for the program and capture its output.
#pragma once

#include <string>
#include <vector>

namespace hvr::testing {

struct CommandResult {
  int exit_code = -1;  // -1 when the program could not run or was killed by a signal
  std::string output;  // stdout and stderr, interleaved (stdout only where asked)
};

// Runs a program (looked up in PATH) without a shell; stderr joins the output unless
// `stdout_only`. On Windows (test_util/command_windows.cc), a Windows program.
CommandResult RunCommand(const std::vector<std::string>& argv, bool stdout_only = false);

// The rest on POSIX only (test_util/command.cc).
// Runs a line with /bin/sh; stderr joins the output unless `stdout_only`.
CommandResult RunShell(const std::string& line, bool stdout_only = false);

// True when `tool` is on the PATH.
bool HaveTool(const std::string& tool);

// Runs a program and fails the current test unless it exits 0; returns its output.
std::string RunOrFail(const std::vector<std::string>& argv);

// A program running beside the test, its output going to `log`; killed (SIGKILL) if
// still running when the object goes.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& log);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool running();
  void Kill(int signal);
  // Waits for the end: the exit code, or -signal when a signal ended it.
  int Wait();

 private:
  int pid_ = -1;
  bool done_ = false;
  int status_ = 0;
};

}  // namespace hvr::testing
