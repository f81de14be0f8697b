// A command line run by the system's shell, as an administrator would type it: `sh -c` on
// POSIX, `cmd.exe /c` on Windows (std::system's semantics, with the command UTF-8 on both).
#pragma once

#include <string>

#include "hvr/error.hpp"

namespace hvr {

// Runs `command` and waits for it; the command's own exit status (0 for success). An
// error when the shell could not be started or, on POSIX, a signal ended the command.
Result<int> RunShellCommand(const std::string& command);

}  // namespace hvr
