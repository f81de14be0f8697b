#include <iostream>

#include "command.hpp"
#include "hvr/version.hpp"

namespace hvrepl {

std::vector<Command> VersionCommands() {
  return {{{"version"}, "", "print the library version", [](const std::vector<std::string>&) {
             std::cout << "hvrepl " << hvr::VersionString() << "\n";
             return 0;
           }}};
}

}  // namespace hvrepl
