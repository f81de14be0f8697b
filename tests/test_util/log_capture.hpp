// The log lines a store writes, kept for checks on what it says (and never says).
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hvr/progress.hpp"

namespace hvr::testing {

struct LogCapture {
  std::mutex mu;
  std::vector<std::pair<LogLevel, std::string>> lines;
  LogFn fn() {
    return [this](LogLevel level, std::string_view message) {
      std::lock_guard lock(mu);
      lines.emplace_back(level, std::string(message));
    };
  }
  std::string All() {
    std::lock_guard lock(mu);
    std::string out;
    for (const auto& [level, line] : lines) out += line + "\n";
    return out;
  }
};

}  // namespace hvr::testing
