// hvrepl: replicate Hyper-V disks to Azure page blobs or a local directory, from the shell.
#include <string>
#include <vector>

#include "command.hpp"

int main(int argc, char** argv) {
  hvrepl::Program program{"hvrepl", {}};
  // One command group per line, in the order `hvrepl help` lists them.
  for (auto group : {
           hvrepl::VersionCommands,
           hvrepl::DiskCommands,
           hvrepl::HrlCommands,
           hvrepl::DiffCommands,
           hvrepl::StoreCommands,
           hvrepl::SessionCommands,
           hvrepl::LifecycleCommands,
           hvrepl::FailoverCommands,
       }) {
    for (auto& command : group()) program.commands.push_back(std::move(command));
  }
  return hvrepl::RunProgram(program, std::vector<std::string>(argv + 1, argv + argc));
}
