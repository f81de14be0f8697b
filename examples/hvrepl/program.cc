#include "program.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <iostream>
#include <memory>

#include "arguments.hpp"
#include "help.hpp"

namespace hvrepl {
namespace {

// A command's arguments declared on an app of their own, and the runner bound to them.
struct Declared {
  std::unique_ptr<CLI::App> app;
  Runner run;
};

std::string Words(const std::vector<std::string>& words) { return detail::JoinWith(words, " "); }

Declared Declare(const std::string& program, const Command& command) {
  Declared declared{std::make_unique<CLI::App>(command.summary, CommandLine(program, command)), nullptr};
  declared.app->set_help_flag("-h,--help", "print this help and exit");
  // Options are --long or -s on every platform. CLI11 on Windows would also read /name as
  // an option, and so take a path such as /srv/disk.vhdx for one.
  declared.app->allow_windows_style_options(false);
  declared.run = command.declare(*declared.app);
  return declared;
}

bool StartsWith(const std::vector<std::string>& words, const std::vector<std::string>& prefix) {
  return prefix.size() <= words.size() && std::equal(prefix.begin(), prefix.end(), words.begin());
}

// The commands whose words begin with `prefix`, in the program's order.
std::vector<const Command*> CommandsUnder(const Program& program, const std::vector<std::string>& prefix) {
  std::vector<const Command*> found;
  for (const Command& command : program.commands) {
    if (StartsWith(command.words, prefix)) found.push_back(&command);
  }
  return found;
}

std::string List(const Program& program, const std::vector<const Command*>& commands) {
  std::vector<ListedCommand> listed;
  for (const Command* command : commands) {
    const Declared declared = Declare(program.name, *command);
    listed.push_back({CommandUsage(program.name, *command, *declared.app), command->summary});
  }
  return CommandList(program.name, listed);
}

int UsageError(const Program& program, const std::string& message) {
  std::cerr << program.name << ": " << message << "\n";
  return 2;
}

// "disk create: " before a command's errors; "" for a program's only command.
std::string ErrorPrefix(const Command& command) {
  return command.words.empty() ? "" : Words(command.words) + ": ";
}

// help --list-options: [{"command": "disk create", "positionals": ["IMAGE"], "options":
//   [{"names": ["--size"], "help": "the virtual size", "value": "SIZE", "required": true,
//   "default": ""}, ...]}, ...]
int ListOptions(const Program& program) {
  boost::json::array commands;
  for (const Command& command : program.commands) {
    const Declared declared = Declare(program.name, command);
    boost::json::array positionals;
    boost::json::array options;
    for (const CLI::Option* option : declared.app->get_options()) {
      if (option->get_positional()) {
        positionals.push_back(boost::json::string(option->get_name()));
        continue;
      }
      boost::json::array names;
      for (const std::string& s : option->get_snames()) names.push_back(boost::json::string("-" + s));
      for (const std::string& l : option->get_lnames()) names.push_back(boost::json::string("--" + l));
      // A flag takes no value: its value name is "".
      const std::string value = option->get_type_size() == 0 ? "" : option->get_type_name();
      options.push_back(boost::json::object{{"names", names},
                                            {"help", option->get_description()},
                                            {"value", value},
                                            {"required", option->get_required()},
                                            {"default", option->get_default_str()}});
    }
    commands.push_back(boost::json::object{
        {"command", Words(command.words)}, {"positionals", positionals}, {"options", options}});
  }
  std::cout << boost::json::serialize(commands) << "\n";
  return 0;
}

// help --check-examples: every command has an example, and each parses as given.
int CheckExamples(const Program& program) {
  int failures = 0;
  size_t checked = 0;
  for (const Command& command : program.commands) {
    const std::string name = CommandLine(program.name, command);
    if (command.examples.empty()) {
      std::cerr << name << ": no example\n";
      ++failures;
    }
    for (const Example& example : command.examples) {
      const Declared declared = Declare(program.name, command);
      try {
        declared.app->parse(example.args, false);
        ++checked;
      } catch (const CLI::Error& e) {
        std::cerr << name << " " << example.args << ": " << e.what() << "\n";
        ++failures;
      }
    }
  }
  std::cout << checked << " examples parse\n";
  return failures == 0 ? 0 : 1;
}

std::vector<std::string> Prefix(const std::vector<std::string>& args, size_t count) {
  return {args.begin(), args.begin() + static_cast<long>(count)};
}

bool IsHelpFlag(const std::string& arg) { return arg == "--help" || arg == "-h"; }

int Help(const Program& program, const std::vector<std::string>& words) {
  if (words.size() == 1 && words[0] == "--list-options") return ListOptions(program);
  if (words.size() == 1 && words[0] == "--check-examples") return CheckExamples(program);
  const auto under = CommandsUnder(program, words);
  if (under.empty()) {
    return UsageError(program, "unknown command '" + Words(words) + "' (try: " + program.name + " help)");
  }
  if (under.size() == 1 && under[0]->words == words) {
    const Declared declared = Declare(program.name, *under[0]);
    std::cout << CommandHelp(program.name, *under[0], *declared.app);
  } else {
    std::cout << List(program, under);
  }
  return 0;
}

int Run(const Program& program, const Command& command, std::vector<std::string> args) {
  const Declared declared = Declare(program.name, command);
  // CLI11 takes the arguments last first.
  std::reverse(args.begin(), args.end());
  try {
    declared.app->parse(args);
  } catch (const CLI::CallForHelp&) {
    std::cout << CommandHelp(program.name, command, *declared.app);
    return 0;
  } catch (const CLI::ParseError& e) {
    return UsageError(program, ErrorPrefix(command) + e.what() + "\n  usage: " +
                                   CommandUsage(program.name, command, *declared.app) +
                                   "\n  more: " + CommandLine(program.name, command) + " --help");
  }
  try {
    return declared.run();
  } catch (const std::exception& e) {
    std::cerr << program.name << ": " << ErrorPrefix(command) << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int RunProgram(const Program& program, const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "help" || IsHelpFlag(args[0]))) {
    return Help(program, {args.begin() + 1, args.end()});
  }
  // The longest command whose words begin the arguments wins (a program of one command
  // without words, such as hvr-fault-proxy, always runs it).
  const Command* best = nullptr;
  for (const Command& command : program.commands) {
    if (StartsWith(args, command.words) && (!best || command.words.size() > best->words.size())) best = &command;
  }
  if (best) return Run(program, *best, {args.begin() + static_cast<long>(best->words.size()), args.end()});
  if (args.empty()) {
    std::cout << List(program, CommandsUnder(program, {}));
    return 2;
  }
  // Words of a group (`hvrepl disk`, `hvrepl disk --help`): its commands.
  size_t known = 0;  // how many leading arguments some command begins with
  while (known < args.size() && !CommandsUnder(program, Prefix(args, known + 1)).empty()) ++known;
  if (known == 0) return UsageError(program, "unknown command '" + args[0] + "' (try: " + program.name + " help)");
  const std::vector<std::string> group = Prefix(args, known);
  if (known == args.size() || IsHelpFlag(args[known])) {
    std::cout << List(program, CommandsUnder(program, group));
    return known == args.size() ? 2 : 0;
  }
  return UsageError(program, "unknown command '" + Words(Prefix(args, known + 1)) + "' (try: " + program.name +
                                 " help " + Words(group) + ")");
}

}  // namespace hvrepl
