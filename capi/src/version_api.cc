#include "capi_internal.hpp"
#include "hvr/version.hpp"

extern "C" {

const char* hvr_version(void) { return hvr::VersionString(); }

int hvr_abi_version(void) { return HVR_ABI_VERSION; }

}  // extern "C"
