// The operating system's name as hvr reports it in the User-Agent of its requests
// ("Linux" or "Windows"), and whether it is Windows as Wine provides it.
#pragma once

namespace hvr {

const char* OperatingSystemName();
// Wine lacks some of what Windows does (docs/windows.md); the tests that need it say so
// and skip there. False on POSIX and on Windows itself.
bool RunningUnderWine();

}  // namespace hvr
