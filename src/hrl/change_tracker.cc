#include "hvr/change_tracker.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

constexpr size_t kSequenceDigits = 16;
constexpr std::string_view kExtension = ".hrl";

// The sequence number in a tracked log's file name, if it is one of `log_name`'s.
std::optional<uint64_t> SequenceOf(std::string_view file, std::string_view log_name) {
  if (file.size() != log_name.size() + 1 + kSequenceDigits + kExtension.size()) return std::nullopt;
  if (file.substr(0, log_name.size()) != log_name || file[log_name.size()] != '-') return std::nullopt;
  if (file.substr(file.size() - kExtension.size()) != kExtension) return std::nullopt;
  uint64_t sequence = 0;
  for (char c : file.substr(log_name.size() + 1, kSequenceDigits)) {
    if (c < '0' || c > '9') return std::nullopt;
    sequence = sequence * 10 + static_cast<uint64_t>(c - '0');
  }
  return sequence;
}

// The tracked logs of `log_name` in `folder`, by sequence.
Result<std::vector<std::pair<uint64_t, std::string>>> ScanFolder(const std::string& folder,
                                                                 std::string_view log_name) {
  HVR_RETURN_IF_ERROR(ValidateLogName(log_name));
  std::error_code ec;
  std::filesystem::directory_iterator it(PathFromUtf8(folder), ec);
  if (ec) return SystemError(ec, "list folder " + folder);
  std::vector<std::pair<uint64_t, std::string>> logs;
  for (const auto& entry : it) {
    const std::string file = Utf8(entry.path().filename());
    if (const auto sequence = SequenceOf(file, log_name)) logs.emplace_back(*sequence, Utf8(entry.path()));
  }
  std::sort(logs.begin(), logs.end());
  return logs;
}

}  // namespace

Status ValidateLogName(std::string_view name) {
  const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
  if (valid) return Ok();
  return Error(Code::kInvalidArgument,
               "log name '" + std::string(name) + "' may hold only letters, digits, '.', '_' and '-'");
}

std::string TrackedLogName(std::string_view log_name, uint64_t sequence) {
  char digits[kSequenceDigits + 1];
  std::snprintf(digits, sizeof digits, "%016llu", static_cast<unsigned long long>(sequence));
  return std::string(log_name) + "-" + digits + std::string(kExtension);
}

Result<std::vector<std::string>> ListTrackedLogs(const std::string& folder, std::string_view log_name) {
  HVR_ASSIGN_OR_RETURN(const auto logs, ScanFolder(folder, log_name));
  std::vector<std::string> paths;
  for (const auto& entry : logs) paths.push_back(entry.second);
  return paths;
}

Result<std::vector<std::string>> ListClosedLogs(const std::string& folder, std::string_view log_name) {
  HVR_ASSIGN_OR_RETURN(const auto logs, ScanFolder(folder, log_name));
  std::vector<std::string> closed;
  for (const auto& [sequence, path] : logs) {
    auto header = ReadHrlHeader(path);
    if (header.ok()) {
      if (header->closed()) closed.push_back(path);
      continue;
    }
    // A damaged header is not a log that can be shipped; the gap it leaves shows in the
    // chain check. A file that cannot be read now may be readable later: say so.
    const Code code = header.error().code();
    if (code != Code::kCorruptData && code != Code::kUnsupported) return std::move(header).error();
  }
  return closed;
}

Result<std::unique_ptr<ChangeTracker>> ChangeTracker::Open(const std::string& folder, const TrackedDisk& disk,
                                                           ChangeTrackerOptions options) {
  HVR_ASSIGN_OR_RETURN(const auto logs, ScanFolder(folder, options.log_name));
  std::unique_ptr<ChangeTracker> tracker(new ChangeTracker(folder, disk, std::move(options)));
  Guid previous;  // a new chain unless the newest log says otherwise
  uint64_t sequence = 1;
  if (!logs.empty()) {
    const auto& [newest_sequence, newest] = logs.back();
    sequence = newest_sequence + 1;
    auto header = ReadHrlHeader(newest);
    if (header.ok()) previous = header->unique_id;
    if (!header.ok() || !header->closed()) {
      tracker->interrupted_ = newest;
      if (tracker->options_.log) {
        tracker->options_.log(
            LogLevel::kWarning,
            newest + (header.ok() ? " was never closed"
                                  : " cannot be read (" + header.error().message() + ")") +
                ": tracking was interrupted and writes may be missing; the disk needs a resync");
      }
    }
  }
  HVR_ASSIGN_OR_RETURN(HrlWriter writer, tracker->CreateLog(sequence, previous));
  tracker->current_ = std::make_unique<HrlWriter>(std::move(writer));
  tracker->sequence_ = sequence;
  return tracker;
}

Result<HrlWriter> ChangeTracker::CreateLog(uint64_t sequence, const Guid& previous) const {
  HrlWriterOptions options;
  options.previous_unique_id = previous;
  options.data_write_guid = disk_.data_write_guid;
  options.metadata_size = options_.metadata_size;
  options.disk_virtual_size = disk_.virtual_size;
  options.buffer_size = options_.buffer_size;
  options.clock = options_.clock;
  options.output = options_.output;
  return HrlWriter::Create(PathIn(folder_, TrackedLogName(options_.log_name, sequence)), options);
}

ChangeTracker::~ChangeTracker() { (void)Close(); }

Status ChangeTracker::Record(uint64_t offset, std::span<const uint8_t> data) {
  std::lock_guard lock(mu_);
  if (closed_) return Error(Code::kInvalidArgument, "change tracker for " + folder_ + " is closed");
  return current_->Append(offset, data);
}

Status ChangeTracker::Flush() {
  std::lock_guard lock(mu_);
  if (closed_) return Error(Code::kInvalidArgument, "change tracker for " + folder_ + " is closed");
  return current_->Flush();
}

Result<std::string> ChangeTracker::Rotate() {
  std::lock_guard rotating(rotate_mu_);
  {
    std::lock_guard lock(mu_);
    if (closed_) return Error(Code::kInvalidArgument, "change tracker for " + folder_ + " is closed");
  }
  // current_ changes only under rotate_mu_, which this thread holds: reading its
  // UniqueId needs no more. Records go on into it while the next log is made.
  HVR_ASSIGN_OR_RETURN(HrlWriter next, CreateLog(sequence_ + 1, current_->header().unique_id));
  std::unique_ptr<HrlWriter> old;
  {
    std::lock_guard lock(mu_);
    old = std::exchange(current_, std::make_unique<HrlWriter>(std::move(next)));
  }
  ++sequence_;
  // Closed outside mu_: writes already go to the next log, and none reach this one.
  const Status closed = old->Close();
  if (!closed.ok()) {
    return Error(Code::kLogNotClosed, closed.error().message() +
                                          "; tracking goes on in " + current_->path() +
                                          ", and the disk needs a resync");
  }
  return old->path();
}

Status ChangeTracker::Close() {
  std::lock_guard rotating(rotate_mu_);
  std::lock_guard lock(mu_);
  if (closed_) return Ok();
  closed_ = true;
  return current_->Close();
}

std::string ChangeTracker::current_log() const {
  std::lock_guard lock(mu_);
  return current_->path();
}

}  // namespace hvr
