// Crash safety: hvrepl is killed with SIGKILL at many moments of initial replication,
// delta cycles and resync while the reference guest (hvr-guest, a process of its own)
// keeps writing. After every kill each recovery point that exists must hold exactly
// what the guest's disks held when its log was closed, and in the end the replica must
// converge to the source byte for byte.
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "guest_harness.hpp"
#include "guest_workload.hpp"
#include "host_relay.hpp"
#include "hvr/chunk_diff.hpp"
#include "hvr/disk.hpp"
#include "hvr/replica_reader.hpp"
#include "hvr/session.hpp"
#include "session/session_state.hpp"
#include "session/state_dir.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;
using boost::asio::use_future;

class SessionCrashTest : public ::testing::Test {
 protected:
  // The guest: two 48 MiB disks, 3000 blocks written, then `rate` writes a second.
  void StartGuest(double rate) {
    GuestHarness::GuestOptions options;
    options.rate = rate;
    vm_.StartGuest(options);
  }

  void Protect() { vm_.Protect("crash-vm", vm_.File("store")); }

  // A differencing disk beside the VM's disks, or "": the host holds a checkpoint while
  // there is one.
  std::string HeldCheckpoint() const {
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(vm_.Disk(0)).parent_path())) {
      if (entry.path().extension() == ".avhdx") return entry.path().string();
    }
    return "";
  }
  void ExpectNoCheckpointHeld(const std::string& when) {
    EXPECT_EQ(HeldCheckpoint(), "") << when << ": the host still holds a checkpoint";
  }

  // The disk addition the journal records, if any.
  std::optional<DiskAddition> PendingAddition() const {
    auto dir = StateDir::Open(State(), false, true);
    EXPECT_OK(dir);
    if (!dir.ok()) return std::nullopt;
    auto state = dir->LoadState();
    EXPECT_OK(state);
    return state.ok() ? state->disk_addition : std::nullopt;
  }

  // Runs `args` through `relay` and kills it the moment the host answered a checkpoint,
  // before it hears the answer: the journal says the checkpoint was asked for, and the
  // host holds it.
  void KillAsTheHostAnswersACheckpoint(HostRelay& relay, const std::vector<std::string>& args) {
    std::atomic<bool> answered{false};
    std::atomic<bool> killed{false};
    relay.After("checkpoint", [&] {
      answered = true;
      while (!killed) std::this_thread::sleep_for(1ms);
    });
    const GuestHarness::RunOutcome outcome = vm_.RunAndKillWhen(args, [&] { return answered.load(); });
    killed = true;
    relay.Settle();
    relay.After("checkpoint", nullptr);
    EXPECT_TRUE(outcome.killed) << "it ended before the host answered: " << vm_.ReadLog("hvrepl.log");
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
      interrupted_ += vm_.RunAndKill(args, delay).killed;
      vm_.ExpectEveryPointTrue(phase + " round " + std::to_string(i));
      if (HasFatalFailure()) return;
    }
    const CommandResult last = vm_.Hvrepl(args);
    EXPECT_EQ(last.exit_code, 0) << phase << ": " << last.output << vm_.ReadLog("hvrepl.log");
  }

  // When the round-th kill of a sweep along a command lands: after about 1 ms, then `step`
  // later each round, the step doubling every kRoundsPerStep rounds, with up to a step of
  // jitter. The kills land all along the command however long this build takes to run it
  // (ASan's several times longer than an optimised build's), and the rounds a sweep takes
  // grow with the logarithm of that length rather than in proportion to it: each round runs
  // the command, so a fixed step made a sweep's cost grow with the square of the length.
  std::chrono::milliseconds SweepDelay(int round, std::chrono::milliseconds step) {
    constexpr int kRoundsPerStep = 25;
    std::chrono::milliseconds delay = 1ms;
    for (int i = 1; i <= round; ++i) {
      if (i % kRoundsPerStep == 0) step *= 2;
      delay += step;
    }
    return delay + std::chrono::milliseconds(random_() % step.count());
  }

  // Runs `args` killed along a sweep (SweepDelay) until a run ends on its own and
  // succeeds: the kills land all along the command (a lifecycle command takes some 10 ms
  // in an optimised build), and every point stays true.
  void KillUntilItFinishes(const std::vector<std::string>& args, std::chrono::milliseconds step,
                           const std::string& phase) {
    for (int i = 0; i < 500; ++i) {
      const GuestHarness::RunOutcome outcome = vm_.RunAndKill(args, SweepDelay(i, step));
      vm_.ExpectEveryPointTrue(phase + " round " + std::to_string(i));
      if (HasFatalFailure()) return;
      if (!outcome.killed) {
        EXPECT_EQ(outcome.exit_code, 0) << phase << ": " << vm_.ReadLog("hvrepl.log");
        return;
      }
      ++interrupted_;
    }
    ADD_FAILURE() << phase << " never finished within its kills";
  }

  std::string State() const { return vm_.State(); }

  std::mt19937 random_{11};
  int interrupted_ = 0;
  GuestHarness vm_;
};

TEST_F(SessionCrashTest, KilledAnywhereItConvergesAndNoPointIsEverWrong) {
  StartGuest(400);
  Protect();
  const std::vector<std::string> run = {"run", "--state-dir", State(), "--cycles", "2", "--quiet"};
  const std::vector<std::string> resync = {"resync", "--state-dir", State()};

  // Delays spread over what one uninterrupted run takes, so the kills land in every
  // phase: opening, copying, applying logs, snapshots, pruning, deleting logs.
  const auto timed = [&](const std::vector<std::string>& args) {
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(vm_.Hvrepl(args).exit_code, 0) << vm_.ReadLog("hvrepl.log");
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  };
  std::mt19937 random(11);
  int interrupted = 0;
  const auto kill_many = [&](const std::vector<std::string>& args, int rounds, std::chrono::milliseconds span,
                             const std::string& phase) {
    for (int i = 0; i < rounds; ++i) {
      const auto delay = std::chrono::milliseconds(5 + random() % std::max<int64_t>(span.count(), 10));
      interrupted += vm_.RunAndKill(args, delay).killed;
      vm_.ExpectEveryPointTrue(phase + " round " + std::to_string(i));
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
  EXPECT_NE(vm_.Guest("shutdown").find("\"ok\":true"), std::string::npos);
  timed({"run", "--state-dir", State(), "--cycles", "1", "--quiet"});
  const CommandResult verify = vm_.Hvrepl({"verify", "--state-dir", State()});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  vm_.ExpectEveryPointTrue("the end");
  const CommandResult status = vm_.Hvrepl({"status", "--state-dir", State()});
  EXPECT_NE(status.output.find("health            normal"), std::string::npos) << status.output;
}

// Failover and failback are journalled step by step: killed anywhere, running them again
// finishes them, and the result is exactly what it would have been.
TEST_F(SessionCrashTest, FailoverAndFailbackKilledHalfWayFinish) {
  StartGuest(0);
  Protect();
  ASSERT_EQ(vm_.Hvrepl({"run", "--state-dir", State(), "--cycles", "1", "--quiet"}).exit_code, 0)
      << vm_.ReadLog("hvrepl.log");
  vm_.Write(500);

  // A planned failover: shut down, last cycle, copies, the VM in Azure.
  KillThenFinish({"failover", "--state-dir", State(), "--planned"}, 10, 150ms, "failover");
  ASSERT_FALSE(HasFatalFailure());
  // A planned failover carries everything the guest wrote.
  vm_.ExpectFailedOverDisksAreTheSource();
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_OK_AND_ASSIGN(auto session, Session::Open(vm_.engine(), State(), {}, true));
  ASSERT_OK_AND_ASSIGN(auto store, vm_.engine().Store(vm_.target(), {}));
  for (size_t disk = 0; disk < 2; ++disk) {
    const std::string failed_over = GuestHarness::FailedOverName(session->status().disks[disk].replica);
    // The Azure VM writes to its disks.
    for (int i = 0; i < 40; ++i) {
      std::vector<uint8_t> block(4096, static_cast<uint8_t>(i + 1));
      ASSERT_OK(store->AsyncWritePages(failed_over, (random_() % (48 * 256)) * 4096, block, use_future).get());
    }
    // Durable, and so seen by hvrepl, once flushed.
    ASSERT_OK(store->AsyncFlush(failed_over, use_future).get());
  }

  // Failback, completed: stop the Azure VM, sync, the replica becomes the failback point,
  // start the on-premises VM.
  KillThenFinish({"failback", "--state-dir", State(), "--complete"}, 10, 150ms, "failback");
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_OK_AND_ASSIGN(session, Session::Open(vm_.engine(), State(), {}, true));
  EXPECT_EQ(session->status().state, ReplicationState::kFailedBack);
  for (size_t disk = 0; disk < 2; ++disk) {
    const std::string failed_over = GuestHarness::FailedOverName(session->status().disks[disk].replica);
    ASSERT_OK_AND_ASSIGN(auto azure, OpenReplicaReader(*store, failed_over));
    ASSERT_OK_AND_ASSIGN(auto back, OpenDisk(vm_.Disk(static_cast<int>(disk))));
    ASSERT_OK_AND_ASSIGN(const ChunkHash expected, guest::DigestOf(*azure));
    ASSERT_OK_AND_ASSIGN(const ChunkHash got, guest::DigestOf(*back));
    if (got != expected) {
      auto diff = Diff(*azure, *back);
      ADD_FAILURE() << "disk " << disk << " on premises differs from the Azure disk: "
                    << (diff.ok() ? DiffToJson(*diff).substr(0, 600) : diff.error().ToString());
    }
  }
  EXPECT_TRUE(vm_.Guest("status").find("\"running\":true") != std::string::npos) << "the host started the VM";
  EXPECT_GT(interrupted_, 4) << "too few runs were interrupted to mean anything";
}

// Changing settings, suspending, resuming and removing protection are jobs too: killed
// anywhere, the same command run again finishes them, and no point is ever wrong.
TEST_F(SessionCrashTest, LifecycleCommandsKilledHalfWayFinish) {
  StartGuest(0);
  Protect();
  const std::vector<std::string> run = {"run", "--state-dir", State(), "--cycles", "1", "--quiet"};
  ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << vm_.ReadLog("hvrepl.log");

  KillUntilItFinishes({"set", "--state-dir", State(), "--interval", "30s", "--keep-hours", "48", "--bandwidth", "64M"},
                      2ms, "set");
  ASSERT_FALSE(HasFatalFailure());
  {
    ASSERT_OK_AND_ASSIGN(auto session, Session::Open(vm_.engine(), State(), {}, true));
    EXPECT_EQ(session->settings().interval, ReplicationInterval::k30Seconds);
    EXPECT_EQ(session->settings().recovery_history, 48h);
    ASSERT_TRUE(session->settings().bandwidth.has_value());
    EXPECT_EQ(session->settings().bandwidth->non_work_bytes_per_second, uint64_t{64} << 20);
  }

  KillUntilItFinishes({"suspend", "--state-dir", State()}, 2ms, "suspend");
  ASSERT_FALSE(HasFatalFailure());
  vm_.Write(300);
  const CommandResult skipped = vm_.Hvrepl(run);
  EXPECT_EQ(skipped.exit_code, 0) << skipped.output;
  EXPECT_NE(skipped.output.find("skipped"), std::string::npos) << skipped.output;
  KillUntilItFinishes({"resume", "--state-dir", State()}, 2ms, "resume");
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << vm_.ReadLog("hvrepl.log");
  vm_.ExpectEveryPointTrue("after resume");
  ASSERT_FALSE(HasFatalFailure());

  // Removing protection: killed until a run gets to the end, then run again if need be.
  const std::vector<std::string> unprotect = {"unprotect", "--state-dir", State(), "--delete-replicas"};
  for (int i = 0; i < 100 && std::filesystem::exists(State()); ++i) {
    interrupted_ += vm_.RunAndKill(unprotect, SweepDelay(i, 2ms)).killed;
  }
  if (std::filesystem::exists(State())) {
    const CommandResult last = vm_.Hvrepl(unprotect);
    EXPECT_EQ(last.exit_code, 0) << last.output;
  }
  EXPECT_FALSE(std::filesystem::exists(State()));
  ASSERT_OK_AND_ASSIGN(auto store, vm_.engine().Store(vm_.target(), {}));
  ASSERT_OK_AND_ASSIGN(const auto disks, store->AsyncListDisks(use_future).get());
  EXPECT_TRUE(disks.empty()) << disks.size() << " disks left, the first " << disks.front().name;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(vm_.Disk(0)).parent_path())) {
    EXPECT_NE(entry.path().extension(), ".hrl") << entry.path();
  }
  EXPECT_NE(vm_.Guest("status").find("\"tracking\":false"), std::string::npos) << "the host stopped tracking";
  EXPECT_GT(interrupted_, 6) << "too few runs were interrupted to mean anything";
}

// Removing a disk is a job too: killed anywhere, it is finished by running it again,
// the VM's points stay true throughout, and what stays is the VM of its other disk.
TEST_F(SessionCrashTest, RemovingADiskKilledHalfWayFinishes) {
  StartGuest(0);
  Protect();
  const std::vector<std::string> run = {"run", "--state-dir", State(), "--cycles", "1", "--quiet"};
  ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << vm_.ReadLog("hvrepl.log");
  std::string removed;
  {
    ASSERT_OK_AND_ASSIGN(auto session, Session::Open(vm_.engine(), State(), {}, true));
    ASSERT_EQ(session->settings().disks.size(), 2u);
    removed = session->settings().disks[1].replica_name;
  }
  // Whether the removal is done: the disk out of the settings and nothing left pending.
  const auto finished = [&] {
    auto dir = StateDir::Open(State(), false, true);
    if (!dir.ok()) return false;
    auto state = dir->LoadState();
    auto settings = dir->LoadSettings();
    return state.ok() && settings.ok() && !state->disk_removal && settings->disks.size() == 1;
  };
  const std::vector<std::string> remove = {"set", "--state-dir", State(), "--remove-disk", removed, "--delete-replica"};
  for (int i = 0; i < 200 && !finished(); ++i) {
    interrupted_ += vm_.RunAndKill(remove, SweepDelay(i, 1ms)).killed;
    vm_.ExpectEveryPointTrue("remove disk round " + std::to_string(i));
    ASSERT_FALSE(HasFatalFailure());
  }
  if (!finished()) {
    const CommandResult last = vm_.Hvrepl(remove);
    EXPECT_EQ(last.exit_code, 0) << last.output << vm_.ReadLog("hvrepl.log");
  }
  ASSERT_TRUE(finished());
  // Once done, naming the disk again says it is not the VM's any more.
  const CommandResult again = vm_.Hvrepl(remove);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("has no disk"), std::string::npos) << again.output;

  ASSERT_OK_AND_ASSIGN(auto store, vm_.engine().Store(vm_.target(), {}));
  ASSERT_OK_AND_ASSIGN(const auto disks, store->AsyncListDisks(use_future).get());
  for (const DiskProperties& d : disks) EXPECT_NE(d.name, removed) << "the replica was to be deleted";
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(vm_.Disk(1)).parent_path())) {
    const std::string name = entry.path().filename().string();
    EXPECT_FALSE(entry.path().extension() == ".hrl" && name.rfind("disk1", 0) == 0) << entry.path();
  }
  // The other disk goes on: the guest writes both, a cycle ships the first, and every
  // point is still the source.
  vm_.Write(300);
  ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << vm_.ReadLog("hvrepl.log");
  vm_.ExpectEveryPointTrue("after the removal");
  EXPECT_NE(vm_.Guest("status").find("\"tracking\":true"), std::string::npos) << "the other disk is still tracked";
  ASSERT_OK_AND_ASSIGN(auto session, Session::Open(vm_.engine(), State(), {}, true));
  EXPECT_EQ(session->status().disks.size(), 1u);
  EXPECT_GE(session->recovery_points().size(), 2u);
  EXPECT_GT(interrupted_, 3) << "too few runs were interrupted to mean anything";
}

// Adding a disk is a job too: killed anywhere (in the copy, with the host's checkpoint
// held, between the settings and the state), it is finished by running it again, the
// VM's points stay true throughout, and the disk then replicates with the other.
TEST_F(SessionCrashTest, AddingADiskKilledHalfWayFinishes) {
  StartGuest(0);
  vm_.Protect("crash-vm", vm_.File("store"), {}, 1);  // the guest writes both disks
  const std::vector<std::string> run = {"run", "--state-dir", State(), "--cycles", "1", "--quiet"};
  ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << vm_.ReadLog("hvrepl.log");
  // Whether the addition is done: the disk in the settings and the state, nothing pending.
  const auto finished = [&] {
    auto dir = StateDir::Open(State(), false, true);
    if (!dir.ok()) return false;
    auto state = dir->LoadState();
    auto settings = dir->LoadSettings();
    return state.ok() && settings.ok() && !state->disk_addition && state->disks.size() == 2 &&
           settings->disks.size() == 2;
  };
  const std::vector<std::string> add = {"set", "--state-dir", State(), "--add-disk", vm_.Disk(1)};
  for (int i = 0; i < 200 && !finished(); ++i) {
    interrupted_ += vm_.RunAndKill(add, SweepDelay(i, 2ms)).killed;
    vm_.ExpectEveryPointTrue("add disk round " + std::to_string(i));
    ASSERT_FALSE(HasFatalFailure());
  }
  if (!finished()) {
    const CommandResult last = vm_.Hvrepl(add);
    EXPECT_EQ(last.exit_code, 0) << last.output << vm_.ReadLog("hvrepl.log");
  }
  ASSERT_TRUE(finished());
  // Once done, the disk is the VM's: adding it again is refused.
  const CommandResult again = vm_.Hvrepl(add);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("protected twice"), std::string::npos) << again.output;
  ExpectNoCheckpointHeld("after the second addition was refused");

  // The next cycle makes the new disk's first point, and every point is the source.
  vm_.Write(300);
  ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << vm_.ReadLog("hvrepl.log");
  vm_.ExpectEveryPointTrue("after the addition");
  ASSERT_OK_AND_ASSIGN(auto session, Session::Open(vm_.engine(), State(), {}, true));
  EXPECT_EQ(session->status().disks.size(), 2u);
  ASSERT_FALSE(session->recovery_points().empty());
  EXPECT_EQ(session->recovery_points().back().snapshots.size(), 2u);
  const CommandResult verified = vm_.Hvrepl({"verify", "--state-dir", State()});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_GT(interrupted_, 3) << "too few runs were interrupted to mean anything";
}

// A disk addition that fails for good once the host holds its checkpoint gives the
// checkpoint up: journalled (checkpoint_stale, earlier_view_sent), merged, and the request
// cleared, so that the VM is not left on differencing disks. Killed anywhere in that
// (before the checkpoint, holding it, with it journalled stale, during the merge), the
// rerun converges: while the cause stays it fails the same way and ends holding no
// checkpoint, with a record that asks for a new one; once the cause is gone it adds the
// disk, whose points then hold what the source held. The VM's points stay true throughout.
TEST_F(SessionCrashTest, AFailedDiskAdditionKilledWhileItGivesUpTheCheckpointConverges) {
  StartGuest(0);
  HostRelay relay(vm_.File("relay.sock"), vm_.socket());
  vm_.RouteHostThrough(relay.path());
  vm_.Protect("crash-vm", vm_.File("store"), {}, 1);  // the guest writes both disks
  const std::vector<std::string> run = {"run", "--state-dir", State(), "--cycles", "1", "--quiet"};
  ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << vm_.ReadLog("hvrepl.log");

  // The cause: another agent leases the new replica as soon as the host answers with the
  // checkpoint, so the copy's first write fails with conflict; released before each
  // attempt that is to reach the checkpoint.
  const std::string added_replica = "crash-vm-disk1";
  ASSERT_OK_AND_ASSIGN(auto other, OpenStore(vm_.target(), {}, vm_.engine().executor()));
  bool other_holds = false;
  // A replica no attempt created yet is not leased: the next attempt creates it, and is
  // failed at its checkpoint.
  const auto take_lease = [&] {
    if (other_holds) return;
    const auto replica = other->AsyncGetDisk(added_replica, use_future).get();
    if (!replica.ok()) return;
    if (replica->lease_state == LeaseState::kLeased || replica->lease_state == LeaseState::kBreaking) {
      ASSERT_OK(other->AsyncBreakLease(added_replica, std::chrono::seconds(0), use_future).get());
    }
    ASSERT_OK(other->AsyncAcquireLease(added_replica, kInfiniteLease, "", use_future).get());
    other_holds = true;
  };
  const auto release_lease = [&] {
    if (!other_holds) return;
    ASSERT_OK(other->AsyncReleaseLease(added_replica, use_future).get());
    other_holds = false;
  };
  relay.After("checkpoint", take_lease);

  const auto no_checkpoint_held = [&](const std::string& when) {
    ExpectNoCheckpointHeld(when);
    const auto pending = PendingAddition();
    ASSERT_TRUE(pending.has_value()) << when << ": the addition that failed is still to finish";
    EXPECT_FALSE(pending->checkpoint_active || pending->checkpoint_requested || pending->checkpoint_stale)
        << when << ": the next attempt asks for a new checkpoint";
    EXPECT_FALSE(pending->copy_done) << when << ": the view given up is copied anew";
  };

  const std::vector<std::string> add = {"set", "--state-dir", State(), "--add-disk", vm_.Disk(1)};
  int failed_alone = 0;
  for (int i = 0; i < 300; ++i) {
    release_lease();
    vm_.Write(50);
    const auto outcome = vm_.RunAndKill(add, SweepDelay(i, 3ms));
    relay.Settle();  // a checkpoint answered as the kill landed has had its hook run
    const std::string when = "round " + std::to_string(i);
    vm_.ExpectEveryPointTrue(when);
    ASSERT_FALSE(HasFatalFailure());
    if (!outcome.killed) {
      // It ended by itself: the copy failed, and the checkpoint was given up.
      EXPECT_NE(outcome.exit_code, 0) << when << ": " << vm_.ReadLog("hvrepl.log");
      no_checkpoint_held(when);
      ASSERT_FALSE(HasFatalFailure());
      if (++failed_alone == 3) break;
      continue;
    }
    ++interrupted_;
    // The cause stays (the lease is the other agent's, whether or not the killed attempt
    // reached its checkpoint): the rerun fails, and lets go what the killed one held.
    take_lease();
    const CommandResult again = vm_.Hvrepl(add);
    EXPECT_NE(again.exit_code, 0) << when << ": " << again.output;
    no_checkpoint_held(when + ", run again");
    ASSERT_FALSE(HasFatalFailure());
    // The VM replicates its disk meanwhile.
    if (i % 8 == 0) {
      ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << when << ": " << vm_.ReadLog("hvrepl.log");
    }
  }
  ASSERT_EQ(failed_alone, 3) << "the attempts never ended by themselves within their kills";
  EXPECT_GT(interrupted_, 10) << "too few runs were interrupted to mean anything";
  EXPECT_GT(relay.Answered("checkpoint"), 10) << "too few attempts reached the checkpoint";

  // The operator deals with the cause and adds the disk again: it is added, the host holds
  // no checkpoint, and its points, like the VM's others, hold what the source held.
  relay.After("checkpoint", nullptr);
  release_lease();
  const CommandResult done = vm_.Hvrepl(add);
  ASSERT_EQ(done.exit_code, 0) << done.output << vm_.ReadLog("hvrepl.log");
  EXPECT_FALSE(PendingAddition().has_value());
  ExpectNoCheckpointHeld("after the addition finished");
  vm_.Write(300);
  ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << vm_.ReadLog("hvrepl.log");
  vm_.ExpectEveryPointTrue("after the addition");
  ASSERT_OK_AND_ASSIGN(auto session, Session::Open(vm_.engine(), State(), {}, true));
  ASSERT_FALSE(session->recovery_points().empty());
  EXPECT_EQ(session->recovery_points().back().snapshots.size(), 2u);
  const CommandResult verified = vm_.Hvrepl({"verify", "--state-dir", State()});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

// Giving an addition up is journalled too. An addition killed anywhere (before its
// checkpoint, asking for it, holding it, copying, merging) is given up by `set
// --remove-disk DISK --delete-replica`, itself killed all along; run again, it finishes:
// the host holds no checkpoint, the record and the replica are gone, the VM's points stay
// true and its other disk replicates on. The disk is then added again.
TEST_F(SessionCrashTest, GivingUpADiskAdditionKilledHalfWayFinishes) {
  StartGuest(0);
  vm_.Protect("crash-vm", vm_.File("store"), {}, 1);  // the guest writes both disks
  const std::vector<std::string> run = {"run", "--state-dir", State(), "--cycles", "1", "--quiet"};
  ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << vm_.ReadLog("hvrepl.log");
  const std::vector<std::string> add = {"set", "--state-dir", State(), "--add-disk", vm_.Disk(1)};
  const std::vector<std::string> give_up = {"set",         "--state-dir", State(), "--remove-disk",
                                            vm_.Disk(1), "--delete-replica"};
  ASSERT_OK_AND_ASSIGN(auto store, vm_.engine().Store(vm_.target(), {}));
  const auto replica_in_store = [&] {
    const auto disks = store->AsyncListDisks(use_future).get();
    EXPECT_OK(disks);
    return disks.ok() && std::any_of(disks->begin(), disks->end(),
                                     [](const DiskProperties& d) { return d.name == "crash-vm-disk1"; });
  };
  // What an uninterrupted addition takes, for the kills to land all along the next ones;
  // the disk, joined, is removed again.
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(vm_.Hvrepl(add).exit_code, 0) << vm_.ReadLog("hvrepl.log");
  const auto span = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  ASSERT_EQ(vm_.Hvrepl(give_up).exit_code, 0) << vm_.ReadLog("hvrepl.log");

  const int rounds = 12;
  int given_up = 0;
  for (int i = 0; i < rounds; ++i) {
    vm_.Write(50);
    const auto delay = 2ms + span * i / rounds + std::chrono::milliseconds(random_() % 5);
    const GuestHarness::RunOutcome added = vm_.RunAndKill(add, delay);
    const std::string when = "round " + std::to_string(i);
    vm_.ExpectEveryPointTrue(when + ", the addition killed");
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_TRUE(added.killed || added.exit_code == 0) << when << ": " << vm_.ReadLog("hvrepl.log");
    interrupted_ += added.killed;
    if (!PendingAddition()) {
      // Killed before it recorded anything, or it finished (the disk joined, and is
      // removed as any disk is).
      ASSERT_OK_AND_ASSIGN(const StateDir dir, StateDir::Open(State(), false, true));
      ASSERT_OK_AND_ASSIGN(const ProtectionSettings settings, dir.LoadSettings());
      if (settings.disks.size() == 2) {
        const CommandResult removed = vm_.Hvrepl(give_up);
        ASSERT_EQ(removed.exit_code, 0) << when << ": " << removed.output;
      }
      continue;
    }
    // Killed all along until the record is gone: a run killed after clearing it finished
    // the job, and the next one would find no such disk.
    for (int k = 0; k < 300 && PendingAddition(); ++k) {
      const auto outcome = vm_.RunAndKill(give_up, SweepDelay(k, 3ms));
      interrupted_ += outcome.killed;
      EXPECT_TRUE(outcome.killed || outcome.exit_code == 0) << when << ": " << vm_.ReadLog("hvrepl.log");
      vm_.ExpectEveryPointTrue(when + ", giving it up, run " + std::to_string(k));
      ASSERT_FALSE(HasFatalFailure());
    }
    ASSERT_FALSE(PendingAddition().has_value()) << when << ": the giving up never finished within its kills";
    ++given_up;
    ExpectNoCheckpointHeld(when);
    EXPECT_FALSE(replica_in_store()) << when << ": the replica was to be deleted";
    // The VM replicates its disk on.
    ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << when << ": " << vm_.ReadLog("hvrepl.log");
  }
  EXPECT_GE(given_up, 4) << "too few additions were left to give up";
  EXPECT_GT(interrupted_, 10) << "too few runs were interrupted to mean anything";

  // The same disk is added again, and replicates with the other.
  const CommandResult added = vm_.Hvrepl(add);
  ASSERT_EQ(added.exit_code, 0) << added.output << vm_.ReadLog("hvrepl.log");
  ExpectNoCheckpointHeld("after the disk was added again");
  vm_.Write(300);
  ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << vm_.ReadLog("hvrepl.log");
  vm_.ExpectEveryPointTrue("after the disk was added again");
  ASSERT_OK_AND_ASSIGN(auto session, Session::Open(vm_.engine(), State(), {}, true));
  ASSERT_FALSE(session->recovery_points().empty());
  EXPECT_EQ(session->recovery_points().back().snapshots.size(), 2u);
  const CommandResult verified = vm_.Hvrepl({"verify", "--state-dir", State()});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

// A kill between asking the host for a checkpoint and recording its answer leaves a
// checkpoint the host holds and the journal only says was asked for: unprotect merges it,
// whether a disk addition or a resync asked.
TEST_F(SessionCrashTest, UnprotectMergesACheckpointAskedForWhoseAnswerWasNeverRecorded) {
  StartGuest(0);
  HostRelay relay(vm_.File("relay.sock"), vm_.socket());
  vm_.RouteHostThrough(relay.path());
  for (const std::string asking : {"add-disk", "resync"}) {
    vm_.Protect("crash-vm", vm_.File("store"), {}, 1);
    ASSERT_EQ(vm_.Hvrepl({"run", "--state-dir", State(), "--cycles", "1", "--quiet"}).exit_code, 0)
        << vm_.ReadLog("hvrepl.log");
    vm_.Write(50);
    if (asking == "add-disk") {
      KillAsTheHostAnswersACheckpoint(relay, {"set", "--state-dir", State(), "--add-disk", vm_.Disk(1)});
      const auto pending = PendingAddition();
      ASSERT_TRUE(pending.has_value());
      EXPECT_TRUE(pending->checkpoint_requested && !pending->checkpoint_active);
    } else {
      KillAsTheHostAnswersACheckpoint(relay, {"resync", "--state-dir", State()});
      ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(State(), false, true));
      ASSERT_OK_AND_ASSIGN(const SessionState state, dir.LoadState());
      EXPECT_TRUE(state.checkpoint_requested && !state.checkpoint_active);
    }
    ASSERT_NE(HeldCheckpoint(), "") << asking << ": the host answered, so it holds the checkpoint";

    const CommandResult removed = vm_.Hvrepl({"unprotect", "--state-dir", State(), "--delete-replicas"});
    ASSERT_EQ(removed.exit_code, 0) << asking << ": " << removed.output << vm_.ReadLog("hvrepl.log");
    ExpectNoCheckpointHeld(asking + ", after unprotect");
    EXPECT_FALSE(std::filesystem::exists(State())) << asking;
    ASSERT_OK_AND_ASSIGN(auto store, vm_.engine().Store(vm_.target(), {}));
    ASSERT_OK_AND_ASSIGN(const auto disks, store->AsyncListDisks(use_future).get());
    EXPECT_TRUE(disks.empty()) << asking << ": " << disks.size() << " disks left, the first " << disks.front().name;
    // The host tracks none of the VM's disks, the one being added included, and no log of
    // theirs is left.
    EXPECT_NE(vm_.Guest("status").find("\"tracking\":false"), std::string::npos) << asking << ": " << vm_.Guest("status");
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(vm_.Disk(0)).parent_path())) {
      EXPECT_NE(entry.path().extension(), ".hrl") << asking << ": " << entry.path();
    }
  }
}

// Adopting after the state directory was lost: killed anywhere, the same command run
// again finishes, the points the replicas hold stay true, and delta cycles go on.
TEST_F(SessionCrashTest, AdoptKilledHalfWayFinishes) {
  StartGuest(0);
  Protect();
  const std::vector<std::string> run = {"run", "--state-dir", State(), "--cycles", "1", "--quiet"};
  ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << vm_.ReadLog("hvrepl.log");
  vm_.Write(300);
  ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << vm_.ReadLog("hvrepl.log");
  std::filesystem::remove_all(State());
  vm_.Write(300);

  const std::vector<std::string> adopt = {"adopt",       "--name",  "crash-vm", "--disk",     vm_.Disk(0),
                                          "--disk",      vm_.Disk(1), "--target", vm_.File("store"),
                                          "--state-dir", State(),   "--interval", "30s", "--host",
                                          "unix:" + vm_.socket(), "--chunk-size", "64K"};
  bool finished = false;
  for (int i = 0; i < 300 && !finished; ++i) {
    const auto outcome = vm_.RunAndKill(adopt, SweepDelay(i, 2ms));
    if (outcome.killed) {
      ++interrupted_;
      continue;
    }
    finished = true;
    EXPECT_EQ(outcome.exit_code, 0) << vm_.ReadLog("hvrepl.log");
  }
  ASSERT_TRUE(finished) << "adopt never finished within its kills";
  // A run killed after its last step, before it said so, finished the adoption: the same
  // adoption run again converges on it; another protection of that directory is refused.
  const CommandResult again = vm_.Hvrepl(adopt);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  std::vector<std::string> one_disk = adopt;
  one_disk.erase(one_disk.begin() + 5, one_disk.begin() + 7);  // "--disk", vm_.Disk(1)
  const CommandResult other = vm_.Hvrepl(one_disk);
  EXPECT_NE(other.exit_code, 0) << other.output;
  EXPECT_NE(other.output.find("already protected"), std::string::npos) << other.output;
  vm_.ExpectEveryPointTrue("adopted");
  ASSERT_FALSE(HasFatalFailure());
  {
    ASSERT_OK_AND_ASSIGN(auto session, Session::Open(vm_.engine(), State(), {}, true));
    EXPECT_EQ(session->status().state, ReplicationState::kReplicating) << session->status().resync_reason;
    EXPECT_EQ(session->status().recovery_point_count, 3u);
  }
  ASSERT_EQ(vm_.Hvrepl(run).exit_code, 0) << vm_.ReadLog("hvrepl.log");
  vm_.ExpectEveryPointTrue("a cycle after adopting");
  EXPECT_GT(interrupted_, 3) << "too few runs were interrupted to mean anything";
}

}  // namespace
}  // namespace hvr::testing
