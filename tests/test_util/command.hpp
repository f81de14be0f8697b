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

// Runs a program (looked up in PATH) without a shell.
CommandResult RunCommand(const std::vector<std::string>& argv);

// Runs a line with /bin/sh; stderr joins the output unless `stdout_only`.
CommandResult RunShell(const std::string& line, bool stdout_only = false);

// True when `tool` is on the PATH.
bool HaveTool(const std::string& tool);

// Runs a program and fails the current test unless it exits 0; returns its output.
std::string RunOrFail(const std::vector<std::string>& argv);

}  // namespace hvr::testing
