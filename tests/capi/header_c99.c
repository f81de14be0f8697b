/* Compiled, not run: hvr.h must be valid C99 under -pedantic -Wall -Wextra -Werror. */
#include "hvr.h"

int hvr_header_c99_compiles(void) { return HVR_OK; }
