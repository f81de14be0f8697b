// How commands declare their arguments on a CLI11 app, so that every size, rate, duration,
// count and choice is read, refused and explained the same way in every command of hvrepl
// and hvr-guest. A refused value is a usage error naming the option and what it takes.
//
// Options bound to a plain value show that value as their default in the help; options
// bound to a std::optional have none (their help says what happens without them).
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hvr/error.hpp"
#include "units.hpp"

namespace hvrepl {

// The value names the help explains once per command (ValueNote).
inline constexpr const char* kSizeValue = "SIZE";
inline constexpr const char* kRateValue = "RATE";
inline constexpr const char* kDurationValue = "DURATION";

// What a value name means, for the help of a command whose options take it; "" for names
// that explain themselves.
std::string ValueNote(const std::string& value_name);

// Refuses a value `check` returns an error for, with the error's message: how a check the
// library owns (a range, a format) becomes the check of an option.
CLI::Validator CheckWith(std::function<hvr::Status(const std::string&)> check);

namespace detail {

template <typename T>
struct Bound {
  using Value = T;
  static constexpr bool kOptional = false;
};
template <typename T>
struct Bound<std::optional<T>> {
  using Value = T;
  static constexpr bool kOptional = true;
};

// Rewrites a size (ParseSize) as its number of bytes, or refuses it.
CLI::Validator SizeTransform(uint64_t most);
// Refuses what is not a whole number from `least` to `most`.
CLI::Validator SignedCountCheck(int64_t least, int64_t most);
CLI::Validator UnsignedCountCheck(uint64_t least, uint64_t most);
// "", "0 or more" or "1 to 64": the range a count's help states.
std::string CountRange(const std::string& least, const std::string& most, bool bounded_below, bool bounded_above);
// "a, b or c".
std::string OneOfText(const std::vector<std::string>& names);
// "a|b|c" for JoinWith(names, "|").
std::string JoinWith(const std::vector<std::string>& names, const std::string& separator);

}  // namespace detail

// --NAME SIZE: bytes, or a number with K, M, G or T (ParseSize), into an unsigned
// integer or a std::optional of one; a size the type cannot hold is refused.
template <typename T>
CLI::Option* AddSize(CLI::App& app, const std::string& name, T& bytes, const std::string& help,
                     const char* value_name = kSizeValue) {
  using Bytes = typename detail::Bound<T>::Value;
  static_assert(std::is_unsigned_v<Bytes>);
  CLI::Option* option = app.add_option(name, bytes, help)
                            ->transform(detail::SizeTransform(std::numeric_limits<Bytes>::max()))
                            ->type_name(value_name);
  if constexpr (!detail::Bound<T>::kOptional) option->default_str(SizeText(bytes));
  return option;
}

// --NAME RATE: bytes per second, written as a size ("2M" is 2 MiB/s).
template <typename T>
CLI::Option* AddRate(CLI::App& app, const std::string& name, T& bytes_per_second, const std::string& help) {
  return AddSize(app, name, bytes_per_second, help, kRateValue);
}

// --NAME N: a whole number from `least` to `most` (the type's range unless given) into an
// integer or a std::optional of one. The help states the range when it is narrower.
template <typename T, typename Count = typename detail::Bound<T>::Value>
CLI::Option* AddCount(CLI::App& app, const std::string& name, T& value, const std::string& help,
                      Count least = std::numeric_limits<Count>::min(),
                      Count most = std::numeric_limits<Count>::max()) {
  static_assert(std::is_integral_v<Count>);
  const std::string range =
      detail::CountRange(std::to_string(least), std::to_string(most), least != std::numeric_limits<Count>::min(),
                         most != std::numeric_limits<Count>::max());
  CLI::Option* option =
      app.add_option(name, value, range.empty() ? help : help + ", " + range)
          ->check(std::is_signed_v<Count>
                      ? detail::SignedCountCheck(static_cast<int64_t>(least), static_cast<int64_t>(most))
                      : detail::UnsignedCountCheck(static_cast<uint64_t>(least), static_cast<uint64_t>(most)))
          ->type_name("N");
  if constexpr (!detail::Bound<T>::kOptional) option->default_str(std::to_string(value));
  return option;
}

// --NAME X: a number (fractions allowed) from `least` to `most`, which the help states.
CLI::Option* AddNumber(CLI::App& app, const std::string& name, double& value, const std::string& help, double least,
                       double most = std::numeric_limits<double>::infinity());

// --NAME VALUE read by `parse` (text -> hvr::Result<V>) into a V or a std::optional<V>;
// a value it refuses is refused with its message.
template <typename T, typename Parse>
CLI::Option* AddParsed(CLI::App& app, const std::string& name, T& value, Parse parse, const std::string& help,
                       const std::string& value_name) {
  return app
      .add_option_function<std::string>(
          name, [&value, parse](const std::string& text) { value = *parse(text); }, help)
      ->check(CheckWith([parse](const std::string& text) -> hvr::Status {
        auto parsed = parse(text);
        if (!parsed.ok()) return parsed.error();
        return hvr::Ok();
      }))
      ->type_name(value_name);
}

// --NAME DURATION (ParseDuration) into milliseconds or a std::optional of them.
template <typename T>
CLI::Option* AddDuration(CLI::App& app, const std::string& name, T& duration, const std::string& help) {
  CLI::Option* option = AddParsed(app, name, duration, ParseDuration, help, kDurationValue);
  if constexpr (!detail::Bound<T>::kOptional) option->default_str(DurationText(duration));
  return option;
}

// --NAME a|b|c: one of `choices`, each a name and the value it stands for.
template <typename T>
CLI::Option* AddChoice(CLI::App& app, const std::string& name, T& value,
                       const std::vector<std::pair<std::string, T>>& choices, const std::string& help) {
  std::vector<std::string> names;
  std::string current;
  for (const auto& [text, meaning] : choices) {
    names.push_back(text);
    if (meaning == value) current = text;
  }
  const auto find = [choices, names](const std::string& text) -> hvr::Result<T> {
    for (const auto& [choice, meaning] : choices) {
      if (choice == text) return meaning;
    }
    return hvr::Error(hvr::Code::kInvalidArgument, "must be " + detail::OneOfText(names) + ", not '" + text + "'");
  };
  return AddParsed(app, name, value, find, help, detail::JoinWith(names, "|"))->default_str(current);
}

// --NAME VALUE given once for each value (--disk a --disk b), into a list.
CLI::Option* AddRepeated(CLI::App& app, const std::string& name, std::vector<std::string>& values,
                         const std::string& help, const std::string& value_name);

// --NAME VALUE, a text; its help shows `value_name`, and its current value as the default
// unless it is empty.
CLI::Option* AddText(CLI::App& app, const std::string& name, std::string& value, const std::string& help,
                     const std::string& value_name);
CLI::Option* AddText(CLI::App& app, const std::string& name, std::optional<std::string>& value,
                     const std::string& help, const std::string& value_name);

// A positional argument: its name is what usage lines show (IMAGE, LOG..., TARGET/NAME).
CLI::Option* AddPositional(CLI::App& app, const std::string& name, std::string& value, const std::string& help);
CLI::Option* AddPositional(CLI::App& app, const std::string& name, std::vector<std::string>& values,
                           const std::string& help);

}  // namespace hvrepl
