// The user asking a program to stop: Ctrl+C or SIGTERM on POSIX; Ctrl+C, Ctrl+Break or
// closing the console on Windows (SetConsoleCtrlHandler). For programs, not the library,
// which never takes a process-wide handler of its own.
#pragma once

#include <functional>
#include <string>

namespace hvr {

// Calls `on_interrupt` with the request's name ("SIGINT", "Ctrl+C", ...) each time the user
// asks the program to stop, on a thread of the system's or of its own, never inside a
// signal handler, so it may lock and allocate. Call it once per process.
void OnInterrupt(std::function<void(const std::string& what)> on_interrupt);

}  // namespace hvr
