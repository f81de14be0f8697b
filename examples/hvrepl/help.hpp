// The texts a program of commands shows (program.hpp): a command's usage line and help,
// and the list of commands. They are made from the arguments each command declares on
// its CLI11 app, so they cannot leave one out.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "program.hpp"

namespace hvrepl {

// "hvrepl disk create", or "hvr-fault-proxy" for a command without words.
std::string CommandLine(const std::string& program, const Command& command);

// "hvrepl disk create IMAGE --size SIZE [OPTIONS]": the positional arguments and the
// required options, then [OPTIONS] when there are others.
std::string CommandUsage(const std::string& program, const Command& command, const CLI::App& app);

// The usage line, the description, every argument and option with its value, default,
// range and exclusions, what the value names mean, and the examples.
std::string CommandHelp(const std::string& program, const Command& command, const CLI::App& app);

// One entry of the list of commands: its usage line and its summary.
struct ListedCommand {
  std::string usage;
  std::string summary;
};
std::string CommandList(const std::string& program, const std::vector<ListedCommand>& commands);

}  // namespace hvrepl
