// Changing the process's environment, which hvr reads for a proxy (HTTPS_PROXY, NO_PROXY,
// ...). Names are case-sensitive on POSIX and not on Windows, where HTTPS_PROXY and
// https_proxy are one variable.
#pragma once

#include <string>

#include "hvr/error.hpp"

namespace hvr {

// Sets `name` to `value`, or removes it when `value` is null.
Status SetEnvironmentValue(const std::string& name, const char* value);

}  // namespace hvr
