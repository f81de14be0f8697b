// What an operator asks of the process that runs a VM (holds its state directory): change
// its settings, remove or add a disk, suspend, resume, remove protection. The asking process
// leaves the request in the state directory; the running one takes it at its next step
// (RunDue, at least every second under a Scheduler), runs it through the same Session
// call, and answers in a file beside it (docs/session.md "Beside a running replication").
//
//   requests/operations/NAME.json          a request, NAME sorting in the order asked
//   requests/operations/NAME.answer.json   how it ended, for the process that asked
//
// Both are checksummed JSON replaced atomically and owner-only (a new credential is a
// secret, as in settings.json).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "hvr/error.hpp"
#include "hvr/operation_options.hpp"
#include "hvr/protection.hpp"
#include "session/state_dir.hpp"

namespace hvr {

enum class OperatorOperation { kChangeSettings, kRemoveDisk, kAddDisk, kSuspend, kResume, kUnprotect };

struct OperatorRequest {
  std::string name;  // the files' name: when it was asked, then a random id
  OperatorOperation operation = OperatorOperation::kSuspend;
  SettingsChange change;        // kChangeSettings
  std::string disk;             // kRemoveDisk
  RemoveDiskOptions remove_disk;
  DiskSpec add_disk;            // kAddDisk: its path absolute, as the asker meant it
  UnprotectOptions unprotect;   // kUnprotect

  // A new request (a fresh name) for `operation`.
  static OperatorRequest Make(OperatorOperation operation);
  // What it asks, in words, for messages ("suspend replication").
  std::string Describe() const;
};

// How long an asker waits for the running process to take its request (it takes requests
// between jobs: a long initial replication makes it wait); once taken, the asker waits
// for the answer as long as that process runs.
inline constexpr std::chrono::minutes kOperatorRequestTakeTimeout{5};
// An asker takes its answer within a second of its writing; an answer older than this has
// no asker any more (it was interrupted) and is removed when requests are next taken.
inline constexpr std::chrono::hours kOperatorAnswerKept{1};

// Asks the process holding `dir` (opened read-only) to run `request`, and waits for its
// answer: the outcome of the operation it ran. Nullopt when no process holds the
// directory, or that one stopped before it answered: the request is withdrawn, and the
// caller runs the operation itself (every operation repeats safely). A removal of
// protection also ends when the directory is gone. kTimeout, the request withdrawn,
// when the request was not taken within kOperatorRequestTakeTimeout.
Result<std::optional<Status>> AskHolder(const StateDir& dir, const OperatorRequest& request);

// Leaves `request` for the process holding `dir` (any process may).
Status LeaveOperatorRequest(const StateDir& dir, const OperatorRequest& request);
// The requests left, in the order they were asked. A damaged one is answered with the
// error that names its file and field, and removed: an operation is never guessed.
// Answers left longer than kOperatorAnswerKept are removed.
Result<std::vector<OperatorRequest>> TakeOperatorRequests(const StateDir& dir);
// Removes a request (taken, or withdrawn by its asker); gone already is fine.
Status RemoveOperatorRequest(const StateDir& dir, const std::string& name);
// Whether the request is still waiting to be taken.
bool OperatorRequestWaits(const StateDir& dir, const std::string& name);
Status AnswerOperatorRequest(const StateDir& dir, const std::string& name, const Status& outcome);
// The answer to request `name` once there is one; it is removed as it is read.
Result<std::optional<Status>> TakeOperatorAnswer(const StateDir& dir, const std::string& name);

}  // namespace hvr
