// hvrepl: replicate Hyper-V disks to Azure page blobs or a local directory, from the shell.
#include <iostream>
#include <string>
#include <vector>

#include "command.hpp"

namespace {

std::vector<hvrepl::Command> AllCommands() {
  std::vector<hvrepl::Command> all;
  // One command group per line, in the order `hvrepl help` lists them.
  for (auto group : {
           hvrepl::VersionCommands,
           hvrepl::DiskCommands,
           hvrepl::HrlCommands,
           hvrepl::DiffCommands,
           hvrepl::StoreCommands,
           hvrepl::SessionCommands,
           hvrepl::FailoverCommands,
       }) {
    for (auto& command : group()) all.push_back(std::move(command));
  }
  return all;
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

void PrintHelp(const std::vector<hvrepl::Command>& commands) {
  std::cout << "usage: hvrepl COMMAND [ARGS]\n\ncommands:\n";
  for (const auto& c : commands) {
    const std::string line = Join(c.words) + (c.usage.empty() ? "" : " " + c.usage);
    std::cout << "  " << line << "\n      " << c.summary << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto commands = AllCommands();
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    PrintHelp(commands);
    return args.empty() ? 2 : 0;
  }
  // The longest command whose words prefix the arguments wins.
  const hvrepl::Command* best = nullptr;
  for (const auto& c : commands) {
    if (c.words.size() > args.size()) continue;
    if (!std::equal(c.words.begin(), c.words.end(), args.begin())) continue;
    if (!best || c.words.size() > best->words.size()) best = &c;
  }
  if (!best) return hvrepl::UsageError("unknown command '" + args[0] + "' (try: hvrepl help)");
  const std::vector<std::string> rest(args.begin() + static_cast<long>(best->words.size()), args.end());
  try {
    return best->run(rest);
  } catch (const std::exception& e) {
    // Boost.Program_options reports bad options by throwing.
    return hvrepl::UsageError(Join(best->words) + ": " + e.what() + "\n  usage: hvrepl " +
                              Join(best->words) + " " + best->usage);
  }
}
