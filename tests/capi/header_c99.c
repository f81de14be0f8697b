/* Compiled, not run: hvr.h must be valid C99 under -pedantic -Wall -Wextra -Werror, its
 * INIT macros included. */
#include "header_inits.h"

int hvr_header_c99_compiles(void) { return hvr_header_inits_total() > 0 ? HVR_OK : HVR_INTERNAL; }
