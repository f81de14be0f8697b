#include <iostream>

#include "command.hpp"
#include "hvr/version.hpp"

namespace hvrepl {

std::vector<Command> VersionCommands() {
  return {{
      .words = {"version"},
      .summary = "print the library version",
      .description = "Prints the version of the hvr library this hvrepl is built with.",
      .examples = {{"", ""}},
      .declare = [](CLI::App&) -> Runner {
        return [] {
          std::cout << "hvrepl " << hvr::VersionString() << "\n";
          return 0;
        };
      },
  }};
}

}  // namespace hvrepl
