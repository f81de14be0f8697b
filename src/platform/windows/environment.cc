#include "platform/environment.hpp"

#include <stdlib.h>

#include "platform/system_error.hpp"

namespace hvr {

Status SetEnvironmentValue(const std::string& name, const char* value) {
  // The C runtime's copy, which getenv reads; an empty value removes the variable.
  const errno_t result = _putenv_s(name.c_str(), value ? value : "");
  if (result != 0) return ErrnoError(result, "set the environment variable " + name);
  return Ok();
}

}  // namespace hvr
