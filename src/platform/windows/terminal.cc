#include "platform/terminal.hpp"

#include <windows.h>

namespace hvr {

bool IsTerminal(StandardStream stream) {
  // A console handle has a console mode; a file, a pipe or NUL has none.
  const HANDLE handle = GetStdHandle(stream == StandardStream::kOutput ? STD_OUTPUT_HANDLE : STD_ERROR_HANDLE);
  DWORD mode = 0;
  if (handle == INVALID_HANDLE_VALUE || handle == nullptr || !GetConsoleMode(handle, &mode)) return false;
  SetConsoleMode(handle, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING);
  return true;
}

}  // namespace hvr
