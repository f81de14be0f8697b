// A program of commands, `PROGRAM WORDS... ARGS` (hvrepl, hvr-guest), each command
// declaring its arguments on a CLI11 app of its own and explaining itself from that one
// declaration: what the parser accepts is what the help lists (docs/cli.md).
//
//   PROGRAM                          every command, exit 2
//   PROGRAM help | --help | -h       every command
//   PROGRAM help WORDS...            that command's help, or the commands of a group
//   PROGRAM WORDS... --help | -h     that command's help
//   PROGRAM WORDS... ARGS            runs it; bad arguments exit 2 naming the option
//
// Two hidden forms serve the tests: `help --list-options` prints every command with its
// arguments as JSON, `help --check-examples` parses every example without running it.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace hvrepl {

// What a command does once its arguments are parsed; returns the exit code.
using Runner = std::function<int()>;

struct Example {
  std::string args;  // after the program and the command's words
  std::string says;  // what it does, when the line alone does not say
};

struct Command {
  std::vector<std::string> words;  // {"disk", "create"}
  std::string summary;             // one line for the list of commands
  std::string description;         // a paragraph for the command's help
  std::vector<Example> examples;   // at least one
  // Declares the command's arguments on `app` (bound to the runner's own state) and
  // returns the runner.
  std::function<Runner(CLI::App& app)> declare;
};

struct Program {
  std::string name;                // "hvrepl"
  std::vector<Command> commands;   // in the order the list shows them
};

// Runs `args` (the command line after the program's name) and returns the exit code.
int RunProgram(const Program& program, const std::vector<std::string>& args);

}  // namespace hvrepl
