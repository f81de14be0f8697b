// Compiled, not run: hvr.h must also be valid C++ with warnings as errors.
#include "hvr.h"

int hvr_header_cxx_compiles() { return HVR_OK; }
