// Whether a program's output goes to a terminal that redraws: the reason to show a
// progress bar ('\r') or to rewrite a screen in place (ANSI escape sequences).
#pragma once

namespace hvr {

enum class StandardStream { kOutput, kError };

// True when `stream` is a terminal. On Windows that is a console, which is then told to
// interpret ANSI escape sequences as a POSIX terminal does (Windows 10 and later).
bool IsTerminal(StandardStream stream);

}  // namespace hvr
