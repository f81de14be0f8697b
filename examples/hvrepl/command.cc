#include "command.hpp"

#include <iostream>

namespace hvrepl {

int ReportError(const hvr::Error& error) {
  std::cerr << "hvrepl: " << error.ToString() << "\n";
  switch (error.error_class()) {
    case hvr::ErrorClass::kRecoverable:
      return 3;
    case hvr::ErrorClass::kResyncRequired:
      return 4;
    case hvr::ErrorClass::kNone:
    case hvr::ErrorClass::kNonRecoverable:
      break;
  }
  return 1;
}

int UsageError(const std::string& message) {
  std::cerr << "hvrepl: " << message << "\n";
  return 2;
}

}  // namespace hvrepl
