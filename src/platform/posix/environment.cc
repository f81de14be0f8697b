#include "platform/environment.hpp"

#include <stdlib.h>

#include "platform/system_error.hpp"

namespace hvr {

Status SetEnvironmentValue(const std::string& name, const char* value) {
  const int result = value ? ::setenv(name.c_str(), value, 1) : ::unsetenv(name.c_str());
  if (result != 0) return LastSystemError("set the environment variable " + name);
  return Ok();
}

}  // namespace hvr
