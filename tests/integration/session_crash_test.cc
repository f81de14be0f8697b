// Crash safety: hvrepl is killed with SIGKILL at many moments of initial replication,
// delta cycles and resync while the reference guest (hvr-guest, a process of its own)
// keeps writing. After every kill each recovery point that exists must hold exactly
// what the guest's disks held when its log was closed, and in the end the replica must
// converge to the source byte for byte.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/use_future.hpp>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "guest_workload.hpp"
#include "hvr/chunk_diff.hpp"
#include "hvr/disk.hpp"
#include "hvr/engine.hpp"
#include "hvr/replica_reader.hpp"
#include "hvr/session.hpp"
#include "session/recovery_points.hpp"
#include "test_util/command.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;
using boost::asio::use_future;

class SessionCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* sub : {"vm", "truth"}) std::filesystem::create_directories(dir_.File(sub));
    socket_ = dir_.File("guest.sock");
    ASSERT_OK_AND_ASSIGN(engine_, Engine::Create());
  }

  // The guest: two 48 MiB disks, 3000 blocks written, then `rate` writes a second.
  void StartGuest(const std::string& rate) {
    guest_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{HVR_GUEST_PATH, "run", "--disk", Disk(0), "--disk", Disk(1), "--control", socket_,
                                 "--create", "48M", "--initial-writes", "3000", "--rate", rate, "--seed", "7",
                                 "--truth", dir_.File("truth")},
        dir_.File("guest.log"));
    for (int i = 0; i < 200 && !std::filesystem::exists(socket_); ++i) std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(std::filesystem::exists(socket_)) << ReadLog("guest.log");
  }

  void Protect() {
    const CommandResult protect =
        Hvrepl({"protect", "--name", "crash-vm", "--disk", Disk(0), "--disk", Disk(1), "--target", dir_.File("store"),
                "--state-dir", State(), "--interval", "30s", "--host", "unix:" + socket_, "--chunk-size", "64K"});
    ASSERT_EQ(protect.exit_code, 0) << protect.output;
  }

  std::string Guest(const std::string& action, const std::string& count = "0") {
    return RunCommand({HVR_GUEST_PATH, "ctl", "--control", socket_, action, "--count", count}).output;
  }

  // Runs `args` until one run, not killed, succeeds; kills `rounds` runs first, checking
  // every point after each kill. The delays grow across `span` (with some jitter): each
  // killed run leaves less to do, and a first run left long enough would finish the work
  // and leave nothing for the kills to interrupt.
  void KillThenFinish(const std::vector<std::string>& args, int rounds, std::chrono::milliseconds span,
                      const std::string& phase) {
    const int64_t step = std::max<int64_t>(span.count() / rounds, 2);
    for (int i = 0; i < rounds; ++i) {
      const auto delay = std::chrono::milliseconds(5 + step * i + static_cast<int64_t>(random_() % step));
      interrupted_ += RunAndKill(args, delay);
      ExpectEveryPointTrue(phase + " round " + std::to_string(i));
      if (HasFatalFailure()) return;
    }
    const CommandResult last = Hvrepl(args);
    EXPECT_EQ(last.exit_code, 0) << phase << ": " << last.output << ReadLog("hvrepl.log");
  }

  std::string Disk(int i) const { return dir_.File("vm/disk" + std::to_string(i) + ".vhdx"); }
  std::string State() const { return dir_.File("state"); }
  std::string ReadLog(const std::string& name) const {
    auto text = ReadWholeFile(dir_.File(name));
    return text.ok() ? *text : "";
  }

  CommandResult Hvrepl(std::vector<std::string> args) {
    args.insert(args.begin(), HVREPL_PATH);
    return RunCommand(args);
  }

  // Starts `hvrepl args` and kills it after `delay`; true when it was still running.
  bool RunAndKill(std::vector<std::string> args, std::chrono::milliseconds delay) {
    args.insert(args.begin(), HVREPL_PATH);
    ChildProcess run(args, dir_.File("hvrepl.log"));
    const auto until = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < until && run.running()) std::this_thread::sleep_for(1ms);
    const bool killed = run.running();
    run.Kill(SIGKILL);
    run.Wait();
    return killed;
  }

  // Every recovery point that exists holds what the source held when its log closed.
  void ExpectEveryPointTrue(const std::string& when) {
    ASSERT_OK_AND_ASSIGN(auto session, Session::Open(*engine_, State(), {}, true));
    ASSERT_OK_AND_ASSIGN(auto store, engine_->Store(dir_.File("store"), {}));
    for (const VmRecoveryPoint& point : session->recovery_points()) {
      const auto status = session->status();
      for (size_t disk = 0; disk < status.disks.size(); ++disk) {
        const std::string replica = status.disks[disk].replica;
        ASSERT_OK_AND_ASSIGN(const auto snapshots, store->AsyncListSnapshots(replica, use_future).get());
        std::optional<PointTag> tag;
        for (const auto& rp : snapshots) {
          if (rp.id == point.snapshots[disk]) tag = PointTagOf(rp.metadata);
        }
        ASSERT_TRUE(tag.has_value()) << when << ": point " << point.id << " lost its snapshot of " << replica;
        auto truth = ReadWholeFile(dir_.File("truth/" + tag->log_id + ".digest"));
        ASSERT_TRUE(truth.ok()) << when << ": no truth for log " << tag->log_id;
        ASSERT_OK_AND_ASSIGN(auto reader, OpenReplicaReader(*store, replica, point.snapshots[disk]));
        ASSERT_OK_AND_ASSIGN(const ChunkHash digest, guest::DigestOf(*reader));
        EXPECT_EQ(digest.ToString() + "\n", *truth)
            << when << ": point " << point.id << " of " << replica << " is not the source at log " << tag->log_id;
      }
    }
  }

  std::mt19937 random_{11};
  int interrupted_ = 0;
  TempDir dir_;
  std::string socket_;
  std::unique_ptr<ChildProcess> guest_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(SessionCrashTest, KilledAnywhereItConvergesAndNoPointIsEverWrong) {
  StartGuest("400");
  Protect();
  const std::vector<std::string> run = {"run", "--state-dir", State(), "--cycles", "2", "--quiet"};
  const std::vector<std::string> resync = {"resync", "--state-dir", State()};

  // Delays spread over what one uninterrupted run takes, so the kills land in every
  // phase: opening, copying, applying logs, snapshots, pruning, deleting logs.
  const auto timed = [&](const std::vector<std::string>& args) {
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(Hvrepl(args).exit_code, 0) << ReadLog("hvrepl.log");
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  };
  std::mt19937 random(11);
  int interrupted = 0;
  const auto kill_many = [&](const std::vector<std::string>& args, int rounds, std::chrono::milliseconds span,
                             const std::string& phase) {
    for (int i = 0; i < rounds; ++i) {
      const auto delay = std::chrono::milliseconds(5 + random() % std::max<int64_t>(span.count(), 10));
      interrupted += RunAndKill(args, delay);
      ExpectEveryPointTrue(phase + " round " + std::to_string(i));
      if (HasFatalFailure()) return;
    }
  };

  // Initial replication: the copy is long enough to be killed in the middle.
  kill_many(run, 10, 600ms, "initial replication");
  ASSERT_FALSE(HasFatalFailure());
  const auto cycle_time = timed(run);
  kill_many(run, 12, cycle_time, "delta cycles");
  ASSERT_FALSE(HasFatalFailure());
  const auto resync_time = timed(resync);
  kill_many(resync, 10, resync_time, "resync");
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_GT(interrupted, 10) << "too few runs were interrupted to mean anything";

  // It converges: the guest shuts down, a last cycle ships its last log, and the
  // replica at the last point is the source, byte for byte.
  timed({"run", "--state-dir", State(), "--cycles", "1", "--quiet"});
  ASSERT_EQ(RunCommand({HVR_GUEST_PATH, "ctl", "--control", socket_, "shutdown"}).exit_code, 0);
  timed({"run", "--state-dir", State(), "--cycles", "1", "--quiet"});
  const CommandResult verify = Hvrepl({"verify", "--state-dir", State()});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  ExpectEveryPointTrue("the end");
  const CommandResult status = Hvrepl({"status", "--state-dir", State()});
  EXPECT_NE(status.output.find("health            normal"), std::string::npos) << status.output;
  RunCommand({HVR_GUEST_PATH, "ctl", "--control", socket_, "exit"});
  guest_->Wait();
}

// Failover and failback are journalled step by step: killed anywhere, running them again
// finishes them, and the result is exactly what it would have been.
TEST_F(SessionCrashTest, FailoverAndFailbackKilledHalfWayFinish) {
  StartGuest("0");
  Protect();
  ASSERT_EQ(Hvrepl({"run", "--state-dir", State(), "--cycles", "1", "--quiet"}).exit_code, 0) << ReadLog("hvrepl.log");
  Guest("write", "500");

  // A planned failover: shut down, last cycle, copies, the VM in Azure.
  KillThenFinish({"failover", "--state-dir", State(), "--planned"}, 10, 150ms, "failover");
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_OK_AND_ASSIGN(auto session, Session::Open(*engine_, State(), {}, true));
  ASSERT_EQ(session->status().state, ReplicationState::kFailedOver);
  ASSERT_OK_AND_ASSIGN(auto store, engine_->Store(dir_.File("store"), {}));
  const VmRecoveryPoint point = session->recovery_points().back();
  for (size_t disk = 0; disk < 2; ++disk) {
    const std::string failed_over = session->status().disks[disk].replica + "-failover";
    ASSERT_OK_AND_ASSIGN(auto copy, OpenReplicaReader(*store, failed_over));
    ASSERT_OK_AND_ASSIGN(auto source, OpenDisk(Disk(static_cast<int>(disk))));
    ASSERT_OK_AND_ASSIGN(const ChunkHash copied, guest::DigestOf(*copy));
    ASSERT_OK_AND_ASSIGN(const ChunkHash original, guest::DigestOf(*source));
    EXPECT_EQ(copied, original) << "a planned failover carries everything the guest wrote";
    // The Azure VM writes to its disks.
    for (int i = 0; i < 40; ++i) {
      std::vector<uint8_t> block(4096, static_cast<uint8_t>(i + 1));
      ASSERT_OK(store->AsyncWritePages(failed_over, (random_() % (48 * 256)) * 4096, block, use_future).get());
    }
  }

  // Failback, completed: stop the Azure VM, sync, the replica becomes the failback point,
  // start the on-premises VM.
  KillThenFinish({"failback", "--state-dir", State(), "--complete"}, 10, 150ms, "failback");
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_OK_AND_ASSIGN(session, Session::Open(*engine_, State(), {}, true));
  EXPECT_EQ(session->status().state, ReplicationState::kFailedBack);
  for (size_t disk = 0; disk < 2; ++disk) {
    const std::string failed_over = session->status().disks[disk].replica + "-failover";
    ASSERT_OK_AND_ASSIGN(auto azure, OpenReplicaReader(*store, failed_over));
    ASSERT_OK_AND_ASSIGN(auto back, OpenDisk(Disk(static_cast<int>(disk))));
    ASSERT_OK_AND_ASSIGN(const ChunkHash expected, guest::DigestOf(*azure));
    ASSERT_OK_AND_ASSIGN(const ChunkHash got, guest::DigestOf(*back));
    if (got != expected) {
      auto diff = Diff(*azure, *back);
      ADD_FAILURE() << "disk " << disk << " on premises differs from the Azure disk: "
                    << (diff.ok() ? DiffToJson(*diff).substr(0, 600) : diff.error().ToString());
    }
  }
  EXPECT_TRUE(Guest("status").find("\"running\":true") != std::string::npos) << "the host started the VM";
  EXPECT_GT(interrupted_, 4) << "too few runs were interrupted to mean anything";
  Guest("exit");
  guest_->Wait();
}

}  // namespace
}  // namespace hvr::testing
