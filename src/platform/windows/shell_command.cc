#include "platform/shell_command.hpp"

#include <cstdlib>

#include "platform/system_error.hpp"
#include "platform/windows/wide_path.hpp"

namespace hvr {

Result<int> RunShellCommand(const std::string& command) {
  // _wsystem runs `cmd.exe /c command` and returns the command's exit code itself; the
  // wide form keeps a command that names non-ASCII paths intact.
  const int status = _wsystem(Utf16(command).c_str());
  if (status == -1) return ErrnoError(errno, "start cmd.exe for '" + command + "'");
  return status;
}

}  // namespace hvr
