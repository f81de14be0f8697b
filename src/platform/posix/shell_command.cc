#include "platform/shell_command.hpp"

#include <sys/wait.h>

#include <cstdlib>

#include "platform/system_error.hpp"

namespace hvr {

Result<int> RunShellCommand(const std::string& command) {
  const int status = std::system(command.c_str());
  if (status == -1) return LastSystemError("start a shell for '" + command + "'");
  // The shell's wait status, not the command's: unpack it.
  if (WIFSIGNALED(status)) {
    return Error(Code::kCancelled, "'" + command + "' was ended by signal " + std::to_string(WTERMSIG(status)));
  }
  return WEXITSTATUS(status);
}

}  // namespace hvr
