#include "hvr/version.hpp"

namespace hvr {

const char* VersionString() { return HVR_VERSION_STRING; }

}  // namespace hvr
