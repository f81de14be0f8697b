#include "platform/terminal.hpp"

#include <unistd.h>

namespace hvr {

bool IsTerminal(StandardStream stream) {
  return ::isatty(stream == StandardStream::kOutput ? STDOUT_FILENO : STDERR_FILENO) == 1;
}

}  // namespace hvr
