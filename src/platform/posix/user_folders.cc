#include "platform/user_folders.hpp"

#include <cstdlib>

#include "util/path.hpp"

namespace hvr {

Result<std::string> UserStateFolder() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state == '/') return PathIn(state, "hvr");
  const char* home = std::getenv("HOME");
  if (!home || *home != '/') {
    return Error(Code::kNotFound, "no folder for hvr's own files: neither XDG_STATE_HOME nor HOME is an absolute path");
  }
  return PathIn(home, ".local/state/hvr");
}

}  // namespace hvr
