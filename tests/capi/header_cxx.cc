// Compiled, not run: hvr.h must also be valid C++ with warnings as errors, its INIT macros
// included.
#include "header_inits.h"

int hvr_header_cxx_compiles() { return hvr_header_inits_total() > 0 ? HVR_OK : HVR_INTERNAL; }
