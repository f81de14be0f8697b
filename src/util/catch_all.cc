#include "util/catch_all.hpp"

#include <exception>
#include <new>
#include <string>

namespace hvr {

Error CurrentExceptionAsError(std::string_view what) {
  std::string prefix(what);
  if (!prefix.empty()) prefix += ": ";
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return Error(Code::kLowMemory, prefix + "out of memory");
  } catch (const std::exception& e) {
    return Error(Code::kInternal, prefix + e.what());
  } catch (...) {
    return Error(Code::kInternal, prefix + "unknown exception");
  }
}

}  // namespace hvr
