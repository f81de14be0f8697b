// Sizes, durations and progress as hvrepl reads and shows them: binary units everywhere
// ("64K", "1.5 GiB"), progress on stderr so stdout stays parseable.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "hvr/error.hpp"
#include "hvr/progress.hpp"
#include "hvr/work_hours.hpp"

namespace hvrepl {

// What ParseSize and ParseDuration read, in words, for help texts and errors.
inline constexpr const char* kSizeForms = "bytes, or a number with K, M, G or T (binary units): 65536, 64K, 2M, 1G";
inline constexpr const char* kDurationForms = "a number with ms, s (the default), m, min or h: 1500ms, 90s, 1.5m, 2h";

// "65536", "64K", "64KiB", "512M", "2G", "1T" (binary units, case-insensitive); nullopt
// for anything else or a value that overflows.
std::optional<uint64_t> ParseSize(const std::string& text);
// The shortest text ParseSize reads back as `bytes`: "256K", "32M", "1000".
std::string SizeText(uint64_t bytes);

// The longest duration hvrepl takes, a year: anything longer is a mistake, and every
// clock can add it to the present without overflowing.
inline constexpr std::chrono::hours kMaxDuration{24 * 365};

// "1500ms", "90s", "90" (seconds), "1.5m", "10min", "2h": a finite number from 0 to
// kMaxDuration, in milliseconds. The error names the text and the valid range.
hvr::Result<std::chrono::milliseconds> ParseDuration(const std::string& text);
// The shortest text ParseDuration reads back as `duration`: "0", "1500ms", "90s", "2h".
std::string DurationText(std::chrono::milliseconds duration);

// What ParseWorkHours reads, in words.
inline constexpr const char* kWorkHoursForms =
    "HH:MM-HH:MM of local time, Monday to Friday, or with days after @: 08:00-18:00@mon-fri, 00:00-24:00@sat,sun";

// "09:00-17:00" (Monday to Friday), "08:00-18:00@mon-fri", "00:00-24:00@sat,sun": a
// span of local time and its days. Only the form is checked here; whether the span makes
// sense is WorkHours::Validate's to say.
hvr::Result<hvr::WorkHours> ParseWorkHours(const std::string& text);

// "512 B", "1.5 GiB".
std::string HumanSize(uint64_t bytes);
// "2.35 s".
std::string HumanSeconds(std::chrono::nanoseconds elapsed);
// "41.2 MiB/s".
std::string HumanRate(uint64_t bytes, std::chrono::nanoseconds elapsed);

// A progress bar on stderr, redrawn at most five times a second. Enabled only when asked
// (commands enable it when stderr is a terminal, or on --progress). Thread-safe: library
// workers may report progress from several threads.
class ProgressBar {
 public:
  ProgressBar(std::string label, bool enabled) : label_(std::move(label)), enabled_(enabled) {}
  // The callback to hand to the library; valid while this bar lives.
  hvr::ProgressFn fn();
  // Draws the final state and ends the line, unless reaching the total already did.
  void Finish(uint64_t total);

  // Whether stderr (stdout) is a terminal, the usual reason to show a bar (to redraw).
  static bool StderrIsTerminal();
  static bool StdoutIsTerminal();

 private:
  void Draw(uint64_t done, uint64_t total, bool last);

  std::string label_;
  bool enabled_;
  bool drawn_any_ = false;
  bool finished_ = false;
  std::mutex mu_;
  std::chrono::steady_clock::time_point drawn_{};
};

}  // namespace hvrepl
