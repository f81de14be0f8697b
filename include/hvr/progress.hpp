// Progress and log reporting. Library code never prints: it reports through these
// callbacks, which the embedder (CLI, C ABI, PowerShell) turns into output.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace hvr {

// Called with the work done so far and the total, in the unit the operation names
// (bytes unless it says otherwise). May be called from worker threads, one at a time.
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

enum class LogLevel : int { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Receives one log line. Messages never contain secrets (account keys, SAS signatures).
using LogFn = std::function<void(LogLevel level, std::string_view message)>;

const char* LogLevelName(LogLevel level);  // "debug", "info", "warning", "error"

}  // namespace hvr
