#include "arguments.hpp"

#include <charconv>
#include <sstream>

namespace hvrepl {

std::string ValueNote(const std::string& value_name) {
  if (value_name == kSizeValue) return std::string(kSizeValue) + " is " + kSizeForms + ".";
  if (value_name == kRateValue) return std::string(kRateValue) + " is bytes per second, written as " + kSizeForms + ".";
  if (value_name == kDurationValue) return std::string(kDurationValue) + " is " + kDurationForms + ".";
  return "";
}

CLI::Validator CheckWith(std::function<hvr::Status(const std::string&)> check) {
  return CLI::Validator(
      [check](std::string& text) -> std::string {
        const hvr::Status status = check(text);
        return status.ok() ? "" : status.error().message();
      },
      "");
}

namespace detail {
namespace {

// The whole of `text` as a number of type T, or nullopt.
template <typename T>
std::optional<T> WholeNumber(const std::string& text) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end) return std::nullopt;
  return value;
}

template <typename T>
CLI::Validator CountCheck(T least, T most) {
  return CLI::Validator(
      [least, most](std::string& text) -> std::string {
        const std::optional<T> value = WholeNumber<T>(text);
        if (value && *value >= least && *value <= most) return "";
        return text + " is not a count from " + std::to_string(least) + " to " + std::to_string(most);
      },
      "");
}

}  // namespace

CLI::Validator SizeTransform(uint64_t most) {
  return CLI::Validator(
      [most](std::string& text) -> std::string {
        const std::optional<uint64_t> bytes = ParseSize(text);
        if (!bytes) return "'" + text + "' is not a size: " + kSizeForms;
        if (*bytes > most) return "'" + text + "' is more than " + std::to_string(most) + " bytes";
        text = std::to_string(*bytes);
        return "";
      },
      "");
}

CLI::Validator SignedCountCheck(int64_t least, int64_t most) { return CountCheck(least, most); }
CLI::Validator UnsignedCountCheck(uint64_t least, uint64_t most) { return CountCheck(least, most); }

std::string CountRange(const std::string& least, const std::string& most, bool bounded_below, bool bounded_above) {
  if (bounded_below && bounded_above) return least + " to " + most;
  if (bounded_below) return least + " or more";
  if (bounded_above) return "at most " + most;
  return "";
}

std::string OneOfText(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  }
  return text;
}

std::string JoinWith(const std::vector<std::string>& names, const std::string& separator) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : separator) + name;
  return text;
}

}  // namespace detail

CLI::Option* AddNumber(CLI::App& app, const std::string& name, double& value, const std::string& help, double least,
                       double most) {
  const auto text = [](double number) {
    std::ostringstream out;
    out << number;
    return out.str();
  };
  const bool bounded = most != std::numeric_limits<double>::infinity();
  const std::string range = bounded ? text(least) + " to " + text(most) : text(least) + " or more";
  const std::string refusal = bounded ? "between " + text(least) + " and " + text(most) : range;
  return app.add_option(name, value, help + ", " + range)
      ->check(CLI::Validator(
          [least, most, refusal](std::string& input) -> std::string {
            double number = 0;
            if (CLI::detail::lexical_cast(input, number) && number >= least && number <= most) return "";
            return refusal + ", not '" + input + "'";
          },
          ""))
      ->default_str(text(value))
      ->type_name("X");
}

CLI::Option* AddRepeated(CLI::App& app, const std::string& name, std::vector<std::string>& values,
                         const std::string& help, const std::string& value_name) {
  // One value per occurrence: `--disk a b` leaves b to be refused, not taken as a disk.
  return app.add_option(name, values, help)->allow_extra_args(false)->type_name(value_name);
}

CLI::Option* AddText(CLI::App& app, const std::string& name, std::string& value, const std::string& help,
                     const std::string& value_name) {
  CLI::Option* option = app.add_option(name, value, help)->type_name(value_name);
  if (!value.empty()) option->default_str(value);
  return option;
}

CLI::Option* AddText(CLI::App& app, const std::string& name, std::optional<std::string>& value,
                     const std::string& help, const std::string& value_name) {
  return app.add_option(name, value, help)->type_name(value_name);
}

CLI::Option* AddPositional(CLI::App& app, const std::string& name, std::string& value, const std::string& help) {
  return app.add_option(name, value, help)->required();
}

CLI::Option* AddPositional(CLI::App& app, const std::string& name, std::vector<std::string>& values,
                           const std::string& help) {
  return app.add_option(name, values, help)->required();
}

}  // namespace hvrepl
