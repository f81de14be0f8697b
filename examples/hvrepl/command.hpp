// The command table of hvrepl: `hvrepl GROUP VERB args...` or `hvrepl VERB args...`.
// Each command group lives in its own file and contributes a list of Commands.
#pragma once

#include <boost/program_options.hpp>
#include <functional>
#include <string>
#include <vector>

#include "hvr/error.hpp"

namespace hvrepl {

struct Command {
  std::vector<std::string> words;  // e.g. {"hrl", "inspect"}
  std::string usage;               // arguments after the words, e.g. "LOG [--json]"
  std::string summary;             // one line for `hvrepl help`
  // Receives the arguments after the words; returns the process exit code.
  std::function<int(const std::vector<std::string>& args)> run;
};

// Each command group file defines one of these.
std::vector<Command> VersionCommands();
std::vector<Command> DiffCommands();
std::vector<Command> HrlCommands();
std::vector<Command> DiskCommands();
std::vector<Command> StoreCommands();
std::vector<Command> SessionCommands();
std::vector<Command> FailoverCommands();

// Prints "hvrepl: <error>" to stderr and returns the exit code for that error class:
// 1 for non-recoverable, 2 for usage, 3 for recoverable (retry may help), 4 for resync.
int ReportError(const hvr::Error& error);
int UsageError(const std::string& message);

// Parses `args` against `named` options and, in order, one value for each name in
// `positional` (all required). Bad arguments throw, and main reports them with the
// command's usage.
boost::program_options::variables_map ParseArguments(const std::vector<std::string>& args,
                                                     const boost::program_options::options_description& named,
                                                     const std::vector<std::string>& positional = {});

}  // namespace hvrepl
