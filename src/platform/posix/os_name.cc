#include "platform/os_name.hpp"

namespace hvr {

const char* OperatingSystemName() { return "Linux"; }

bool RunningUnderWine() { return false; }

}  // namespace hvr
