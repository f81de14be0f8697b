// Folders that belong to the user running hvr rather than to one relationship.
#pragma once

#include <string>

#include "hvr/error.hpp"

namespace hvr {

// Where this user's hvr keeps what is this installation's own (UTF-8, not created):
// $XDG_STATE_HOME/hvr, else $HOME/.local/state/hvr on POSIX; %LOCALAPPDATA%\hvr on
// Windows. kNotFound when the environment names no such folder.
Result<std::string> UserStateFolder();

}  // namespace hvr
