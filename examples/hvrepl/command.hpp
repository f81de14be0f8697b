// The commands of hvrepl: `hvrepl GROUP VERB args...` or `hvrepl VERB args...`. Each
// command group lives in its own file and contributes a list of Commands (program.hpp).
#pragma once

#include <string>
#include <vector>

#include "hvr/error.hpp"
#include "program.hpp"

namespace hvrepl {

// Each command group file defines one of these.
std::vector<Command> VersionCommands();
std::vector<Command> DiffCommands();
std::vector<Command> HrlCommands();
std::vector<Command> DiskCommands();
std::vector<Command> StoreCommands();
std::vector<Command> SessionCommands();
std::vector<Command> LifecycleCommands();
std::vector<Command> FailoverCommands();

// Prints "hvrepl: <error>" to stderr and returns the exit code for that error class:
// 1 for non-recoverable, 2 for usage, 3 for recoverable (retry may help), 4 for resync.
int ReportError(const hvr::Error& error);
// Prints "hvrepl: <message>" to stderr and returns 2: arguments that parse but do not
// make sense together.
int UsageError(const std::string& message);

}  // namespace hvrepl
