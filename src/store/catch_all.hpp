// The last line of "no exception escapes library code": runs a body that reports
// through Result, turning anything it throws (std::bad_alloc from a container, a bug)
// into an error of the right class.
#pragma once

#include <new>
#include <stdexcept>
#include <string>

#include "hvr/error.hpp"

namespace hvr {

template <typename T, typename Body>
Result<T> CatchAll(const char* what, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Error(Code::kLowMemory, std::string(what) + ": out of memory");
  } catch (const std::exception& e) {
    return Error(Code::kInternal, std::string(what) + ": " + e.what());
  } catch (...) {
    return Error(Code::kInternal, std::string(what) + ": unknown exception");
  }
}

}  // namespace hvr
