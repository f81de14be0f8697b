#include "guest_harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <thread>

#include "guest_workload.hpp"
#include "hvr/chunk_diff.hpp"
#include "hvr/disk.hpp"
#include "hvr/engine.hpp"
#include "hvr/replica_reader.hpp"
#include "hvr/session.hpp"
#include "session/recovery_points.hpp"
#include "test_util/build_paths.hpp"
#include "test_util/result_assertions.hpp"
#include "util/file.hpp"

namespace hvr::testing {

using namespace std::chrono_literals;
using boost::asio::use_future;

GuestHarness::GuestHarness() : socket_(dir_.File("guest.sock")), host_(socket_) {
  for (const char* sub : {"vm", "truth"}) std::filesystem::create_directories(dir_.File(sub));
  auto engine = Engine::Create();
  if (!engine.ok()) throw std::runtime_error("no engine: " + engine.error().ToString());
  engine_ = std::move(*engine);
}

GuestHarness::~GuestHarness() {
  if (!guest_) return;
  RunCommand({kGuestPath, "ctl", "--control", socket_, "exit"});
  guest_->Wait();
}

void GuestHarness::StartGuest(const GuestOptions& options) {
  guest_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{kGuestPath, "run", "--disk", Disk(0), "--disk", Disk(1), "--control", socket_,
                               "--create", options.disk_size, "--initial-writes",
                               std::to_string(options.initial_writes), "--rate", std::to_string(options.rate), "--seed",
                               std::to_string(options.seed), "--truth", dir_.File("truth")},
      dir_.File("guest.log"));
  for (int i = 0; i < 500 && !std::filesystem::exists(socket_); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(std::filesystem::exists(socket_)) << ReadLog("guest.log");
}

void GuestHarness::Protect(const std::string& name, const std::string& target, const std::vector<std::string>& extra,
                           int disks) {
  target_ = target;
  std::vector<std::string> args = {"protect",    "--name", name,  "--target",     target, "--state-dir", State(),
                                   "--interval", "30s",    "--host", "unix:" + host_, "--chunk-size", "64K"};
  for (int i = 0; i < disks; ++i) args.insert(args.end(), {"--disk", Disk(i)});
  args.insert(args.end(), extra.begin(), extra.end());
  const CommandResult protect = Hvrepl(args);
  ASSERT_EQ(protect.exit_code, 0) << protect.output;
}

std::string GuestHarness::Guest(const std::string& action, uint64_t count) {
  return RunCommand({kGuestPath, "ctl", "--control", socket_, action, "--count", std::to_string(count)}).output;
}

void GuestHarness::Write(uint64_t count) {
  const std::string answer = Guest("write", count);
  EXPECT_NE(answer.find("\"ok\":true"), std::string::npos) << answer;
}

CommandResult GuestHarness::Hvrepl(std::vector<std::string> args) {
  args.insert(args.begin(), kHvreplPath);
  return RunCommand(args);
}

GuestHarness::RunOutcome GuestHarness::RunAndKill(std::vector<std::string> args, std::chrono::milliseconds delay) {
  const auto until = std::chrono::steady_clock::now() + delay;
  return RunAndKillWhen(std::move(args), [until] { return std::chrono::steady_clock::now() >= until; });
}

GuestHarness::RunOutcome GuestHarness::RunAndKillWhen(std::vector<std::string> args, const std::function<bool()>& now) {
  args.insert(args.begin(), kHvreplPath);
  ChildProcess run(args, dir_.File("hvrepl.log"));
  while (!now() && run.running()) std::this_thread::sleep_for(1ms);
  RunOutcome outcome;
  outcome.killed = run.running();
  run.Kill(SIGKILL);
  outcome.exit_code = run.Wait();
  return outcome;
}

std::string GuestHarness::ReadLog(const std::string& name) const {
  auto text = ReadWholeFile(dir_.File(name));
  return text.ok() ? *text : "";
}

void GuestHarness::ExpectEveryPointTrue(const std::string& when, PointsChecked* seen) {
  ASSERT_OK_AND_ASSIGN(auto session, Session::Open(*engine_, State(), {}, true));
  ASSERT_OK_AND_ASSIGN(auto store, engine_->Store(target_, {}));
  const auto status = session->status();
  // Each disk's snapshots, by id. A replica may be missing: completing a failback forgets
  // every point, then deletes the replica and copies it anew, and a kill can land between.
  // With no point left there is nothing to check; a point whose disk is gone fails below.
  std::vector<std::map<std::string, RecoveryPoint>> snapshots(status.disks.size());
  for (size_t disk = 0; disk < status.disks.size(); ++disk) {
    auto listed = store->AsyncListSnapshots(status.disks[disk].replica, use_future).get();
    if (!listed.ok() && listed.error().code() == Code::kNotFound) continue;
    ASSERT_OK(listed);
    for (const RecoveryPoint& rp : *listed) snapshots[disk].emplace(rp.id, rp);
  }
  for (const VmRecoveryPoint& point : session->recovery_points()) {
    // The disks the point holds (one added to the VM since is in none).
    for (size_t disk = 0; disk < std::min(status.disks.size(), point.snapshots.size()); ++disk) {
      const std::string replica = status.disks[disk].replica;
      const auto found = snapshots[disk].find(point.snapshots[disk]);
      const std::optional<PointTag> tag =
          found == snapshots[disk].end() ? std::nullopt : PointTagOf(found->second.metadata);
      ASSERT_TRUE(tag.has_value()) << when << ": point " << point.id << " lost its snapshot of " << replica;
      auto truth = ReadWholeFile(dir_.File("truth/" + tag->log_id + ".digest"));
      ASSERT_TRUE(truth.ok()) << when << ": no truth for log " << tag->log_id;
      const std::string snapshot = replica + "@" + point.snapshots[disk];
      if (seen != nullptr && seen->snapshots.contains(snapshot)) continue;
      ASSERT_OK_AND_ASSIGN(auto reader, OpenReplicaReader(*store, replica, point.snapshots[disk]));
      ASSERT_OK_AND_ASSIGN(const ChunkHash digest, guest::DigestOf(*reader));
      EXPECT_EQ(digest.ToString() + "\n", *truth)
          << when << ": point " << point.id << " of " << replica << " is not the source at log " << tag->log_id;
      if (seen != nullptr && digest.ToString() + "\n" == *truth) seen->snapshots.insert(snapshot);
    }
    if (seen != nullptr) ++seen->points;
  }
}

void GuestHarness::ExpectFailedOverDisksAreTheSource() {
  ASSERT_OK_AND_ASSIGN(auto session, Session::Open(*engine_, State(), {}, true));
  ASSERT_EQ(session->status().state, ReplicationState::kFailedOver);
  ASSERT_OK_AND_ASSIGN(auto store, engine_->Store(target_, {}));
  for (size_t disk = 0; disk < session->status().disks.size(); ++disk) {
    ASSERT_OK_AND_ASSIGN(auto copy, OpenReplicaReader(*store, FailedOverName(session->status().disks[disk].replica)));
    ASSERT_OK_AND_ASSIGN(auto source, OpenDisk(Disk(static_cast<int>(disk))));
    ASSERT_OK_AND_ASSIGN(const ChunkHash copied, guest::DigestOf(*copy));
    ASSERT_OK_AND_ASSIGN(const ChunkHash original, guest::DigestOf(*source));
    EXPECT_EQ(copied, original) << "failed-over disk " << disk << " is not its source";
  }
}

}  // namespace hvr::testing
