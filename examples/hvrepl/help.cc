#include "help.hpp"

#include <set>
#include <sstream>

#include "arguments.hpp"

namespace hvrepl {
namespace {

constexpr size_t kWidth = 90;       // of every line the help wraps
constexpr size_t kNameColumn = 28;  // where option descriptions start

// `text` in lines of at most kWidth, the first after `first`, the rest indented by `indent`.
std::string Wrap(const std::string& first, const std::string& text, size_t indent) {
  std::string out = first;
  size_t column = first.size();
  std::istringstream words(text);
  std::string word;
  bool line_has_word = false;
  while (words >> word) {
    if (line_has_word && column + 1 + word.size() > kWidth) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
      line_has_word = false;
    }
    if (line_has_word) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    line_has_word = true;
  }
  return out + "\n";
}

bool Repeats(const CLI::Option* option) { return option->get_items_expected_max() > 1; }

// "-o, --output" for an option, "LOG" for a positional argument.
std::string Names(const CLI::Option* option) {
  if (option->get_positional() && option->get_lnames().empty() && option->get_snames().empty()) {
    return option->get_name();
  }
  std::vector<std::string> names;
  for (const std::string& s : option->get_snames()) names.push_back("-" + s);
  for (const std::string& l : option->get_lnames()) names.push_back("--" + l);
  return detail::JoinWith(names, ", ");
}

// "--size SIZE", "--disk PATH...", "--json", "LOG...": with every name of the option for
// its line in the help, with its first long name (or its only one) in a usage line.
std::string Synopsis(const CLI::Option* option, bool every_name) {
  std::string text = every_name || option->get_lnames().empty() ? Names(option) : "--" + option->get_lnames()[0];
  if (!option->get_positional() && option->get_type_size() != 0) text += " " + option->get_type_name();
  if (Repeats(option)) text += "...";
  return text;
}

std::string OptionHelp(const CLI::Option* option) {
  std::string text = option->get_description();
  if (option->get_required()) text += " (required)";
  if (Repeats(option) && !option->get_positional()) text += " (repeat for more)";
  if (!option->get_required() && !option->get_default_str().empty()) {
    text += " (default: " + option->get_default_str() + ")";
  }
  for (const CLI::Option* other : option->get_excludes()) text += " (not with " + Names(other) + ")";
  return text;
}

std::string OptionLine(const CLI::Option* option) {
  std::string left = "  " + Synopsis(option, true);
  if (left.size() + 2 > kNameColumn) {
    left += "\n" + std::string(kNameColumn, ' ');
  } else {
    left.resize(kNameColumn, ' ');
  }
  // Wrap measures from the last line of `left`.
  const size_t last_line = left.rfind('\n');
  const std::string head = last_line == std::string::npos ? "" : left.substr(0, last_line + 1);
  return head + Wrap(left.substr(head.size()), OptionHelp(option), kNameColumn);
}

std::vector<const CLI::Option*> Positionals(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return o->get_positional(); });
}

std::vector<const CLI::Option*> Named(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return o->nonpositional(); });
}

}  // namespace

std::string CommandLine(const std::string& program, const Command& command) {
  return command.words.empty() ? program : program + " " + detail::JoinWith(command.words, " ");
}

std::string CommandUsage(const std::string& program, const Command& command, const CLI::App& app) {
  std::string usage = CommandLine(program, command);
  for (const CLI::Option* option : Positionals(app)) {
    usage += " " + (option->get_required() ? Synopsis(option, false) : "[" + Synopsis(option, false) + "]");
  }
  bool others = false;
  for (const CLI::Option* option : Named(app)) {
    if (option->get_required()) usage += " " + Synopsis(option, false);
    else if (option != app.get_help_ptr()) others = true;
  }
  return others ? usage + " [OPTIONS]" : usage;
}

std::string CommandHelp(const std::string& program, const Command& command, const CLI::App& app) {
  std::string out = "usage: " + CommandUsage(program, command, app) + "\n\n" + Wrap("", command.description, 0);
  const auto positionals = Positionals(app);
  if (!positionals.empty()) {
    out += "\narguments:\n";
    for (const CLI::Option* option : positionals) out += OptionLine(option);
  }
  out += "\noptions:\n";
  std::set<std::string> value_names;
  for (const CLI::Option* option : Named(app)) {
    out += OptionLine(option);
    if (option->get_type_size() != 0) value_names.insert(option->get_type_name());
  }
  std::string notes;
  for (const std::string& name : value_names) {
    if (const std::string note = ValueNote(name); !note.empty()) notes += Wrap("", note, 0);
  }
  if (!notes.empty()) out += "\n" + notes;
  out += "\nexamples:\n";
  for (const Example& example : command.examples) {
    out += "  " + CommandLine(program, command) + (example.args.empty() ? "" : " " + example.args) + "\n";
    if (!example.says.empty()) out += Wrap("      ", example.says, 6);
  }
  return out;
}

std::string CommandList(const std::string& program, const std::vector<ListedCommand>& commands) {
  std::string out = "usage: " + program + " COMMAND [ARGS]\n" + "       " + program +
                    " help COMMAND, or " + program + " COMMAND --help, explains one\n\ncommands:\n";
  for (const ListedCommand& command : commands) {
    out += "  " + command.usage + "\n" + Wrap("      ", command.summary, 6);
  }
  return out;
}

}  // namespace hvrepl
