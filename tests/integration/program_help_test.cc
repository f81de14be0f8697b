// Every command of hvrepl, hvr-guest and hvr-fault-proxy explains itself: its help (from
// --help, -h and `help COMMAND` alike) exits 0, names every argument and option the parser
// accepts with its default, and shows examples that parse; and every size, rate and
// duration is read by the one parser of each. The commands and their options come from
// the program itself (`help --list-options`), never from a list kept here, so a command
// or option added without help fails this test.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <sstream>
#include <string>
#include <vector>

#include "test_util/build_paths.hpp"
#include "test_util/command.hpp"

namespace hvr::testing {
namespace {

struct Program {
  const char* name;
  const char* path;
};

std::ostream& operator<<(std::ostream& out, const Program& program) { return out << program.name; }

std::string Text(const boost::json::value& value) { return std::string(value.as_string()); }

std::vector<std::string> SplitWords(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// `text` with every run of blanks and line ends made one space: the help wraps its lines.
std::string OneLine(const std::string& text) {
  std::string out;
  for (const std::string& word : SplitWords(text)) out += (out.empty() ? "" : " ") + word;
  return out;
}

bool IsNameCharacter(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

// Whether `name` stands in `text` as a whole word: "--point" is not in "--points".
bool Mentions(const std::string& text, const std::string& name) {
  for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
    const size_t end = at + name.size();
    const bool starts = at == 0 || !IsNameCharacter(text[at - 1]);
    const bool ends = end == text.size() || !IsNameCharacter(text[end]);
    if (starts && ends) return true;
  }
  return false;
}

class ProgramHelpTest : public ::testing::TestWithParam<Program> {
 protected:
  void SetUp() override {
    const CommandResult listed = RunCommand({GetParam().path, "help", "--list-options"});
    ASSERT_EQ(listed.exit_code, 0) << listed.output;
    commands_ = boost::json::parse(listed.output).as_array();
    ASSERT_FALSE(commands_.empty());
  }

  // The program with `words`, then `args`.
  CommandResult Run(const std::vector<std::string>& words, const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {GetParam().path};
    argv.insert(argv.end(), words.begin(), words.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  // "hvrepl disk create", or the program alone for its only command.
  std::string CommandLine(const boost::json::value& command) const {
    const std::string words = Text(command.at("command"));
    return words.empty() ? GetParam().name : std::string(GetParam().name) + " " + words;
  }

  boost::json::array commands_;
};

TEST_P(ProgramHelpTest, EveryCommandsHelpNamesEachArgumentAndOptionWithItsDefaultAndHasAnExample) {
  for (const boost::json::value& command : commands_) {
    const std::vector<std::string> words = SplitWords(Text(command.at("command")));
    SCOPED_TRACE(CommandLine(command));
    const CommandResult help = Run(words, {"--help"});
    ASSERT_EQ(help.exit_code, 0) << help.output;
    EXPECT_EQ(Run(words, {"-h"}).output, help.output);
    std::vector<std::string> asked = {"help"};
    asked.insert(asked.end(), words.begin(), words.end());
    EXPECT_EQ(Run(asked, {}).output, help.output);

    EXPECT_EQ(help.output.rfind("usage: " + CommandLine(command), 0), 0u) << help.output;
    for (const boost::json::value& positional : command.at("positionals").as_array()) {
      EXPECT_TRUE(Mentions(help.output, Text(positional))) << Text(positional) << " in\n" << help.output;
    }
    const std::string flat = OneLine(help.output);
    for (const boost::json::value& option : command.at("options").as_array()) {
      for (const boost::json::value& name : option.at("names").as_array()) {
        EXPECT_TRUE(Mentions(help.output, Text(name))) << Text(name) << " in\n" << help.output;
      }
      const std::string said = Text(option.at("help"));
      EXPECT_FALSE(said.empty()) << Text(option.at("names").as_array()[0]) << " says nothing";
      EXPECT_NE(flat.find(OneLine(said)), std::string::npos) << said << " in\n" << help.output;
      const std::string value = Text(option.at("value"));
      if (!value.empty()) {
        EXPECT_TRUE(Mentions(help.output, value)) << value << " in\n" << help.output;
      }
      const std::string default_value = Text(option.at("default"));
      if (!option.at("required").as_bool() && !default_value.empty()) {
        EXPECT_NE(flat.find("(default: " + default_value + ")"), std::string::npos)
            << Text(option.at("names").as_array()[0]) << " default " << default_value << " in\n" << help.output;
      }
    }
    const size_t examples = help.output.find("\nexamples:\n  " + CommandLine(command));
    EXPECT_NE(examples, std::string::npos) << help.output;
  }
}

TEST_P(ProgramHelpTest, EveryExampleParses) {
  const CommandResult checked = RunCommand({GetParam().path, "help", "--check-examples"});
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
}

TEST_P(ProgramHelpTest, TheListOfCommandsShowsEachWithItsUsage) {
  const CommandResult list = RunCommand({GetParam().path, "help"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  for (const boost::json::value& command : commands_) {
    EXPECT_NE(list.output.find("\n  " + CommandLine(command)), std::string::npos)
        << CommandLine(command) << " in\n" << list.output;
  }
}

// A size or rate takes "2M" in every command (upload --bandwidth as protect's), and a
// duration "90s"; what is not one is refused naming the option. --help after the value
// shows that it parsed without running the command.
TEST_P(ProgramHelpTest, EverySizeRateAndDurationIsReadTheSameWay) {
  struct Form {
    const char* value_name;
    const char* good;
    const char* bad;
    const char* refusal;
  };
  const Form forms[] = {{"SIZE", "2M", "2Q", "' is not a size"},
                        {"RATE", "2M", "2Q", "' is not a size"},
                        {"DURATION", "90s", "2x", "' is not a duration"}};
  for (const boost::json::value& command : commands_) {
    const std::vector<std::string> words = SplitWords(Text(command.at("command")));
    for (const boost::json::value& option : command.at("options").as_array()) {
      const std::string name = Text(option.at("names").as_array().back());
      for (const Form& form : forms) {
        if (Text(option.at("value")) != form.value_name) continue;
        SCOPED_TRACE(CommandLine(command) + " " + name);
        const CommandResult good = Run(words, {name, form.good, "--help"});
        EXPECT_EQ(good.exit_code, 0) << good.output;
        const CommandResult bad = Run(words, {name, form.bad, "--help"});
        EXPECT_EQ(bad.exit_code, 2) << bad.output;
        EXPECT_NE(bad.output.find(name + ": '" + form.bad + form.refusal), std::string::npos) << bad.output;
      }
    }
  }
}

// "hvr_guest": test names take no '-'.
std::string TestName(const ::testing::TestParamInfo<Program>& param) {
  std::string name = param.param.name;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Programs, ProgramHelpTest,
                         ::testing::Values(Program{"hvrepl", kHvreplPath}, Program{"hvr-guest", kGuestPath},
                                           Program{"hvr-fault-proxy", kFaultProxyPath}),
                         TestName);

}  // namespace
}  // namespace hvr::testing
