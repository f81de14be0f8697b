// The last line of "no exception escapes library code": whatever a body throws
// (std::bad_alloc from a container, a bug) becomes an error of the right class. Every
// boundary that must not throw (the C API, the stores' completion paths, worker threads)
// classifies exceptions here, so they all report them alike.
#pragma once

#include <string_view>
#include <utility>

#include "hvr/error.hpp"

namespace hvr {

// Called inside a catch handler: the exception being handled as an Error, kLowMemory for
// std::bad_alloc and kInternal for anything else, its message prefixed with `what` and ": "
// (nothing when `what` is empty).
Error CurrentExceptionAsError(std::string_view what);

// Runs `body` (returning Result<T>) and turns anything it throws into an Error.
template <typename T, typename Body>
Result<T> CatchAll(std::string_view what, Body&& body) noexcept {
  try {
    return std::forward<Body>(body)();
  } catch (...) {
    return CurrentExceptionAsError(what);
  }
}

}  // namespace hvr
