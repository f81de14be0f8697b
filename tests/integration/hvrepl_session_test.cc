// Data safety from the command line, with the reference guest as the VM (a process of its
// own, as in production): failback refuses to write under a running guest, a resync sends
// what someone else wrote into the replica, and the relationship's files are the owner's
// alone.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "hvr/error.hpp"
#include "hvr/sync_store.hpp"
#include "test_util/command.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;

class HvreplSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.File("vm"));
    socket_ = dir_.File("guest.sock");
    // A 16 MiB disk with 500 blocks written; it writes only when asked.
    guest_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{HVR_GUEST_PATH, "run", "--disk", Disk(), "--control", socket_, "--create", "16M",
                                 "--initial-writes", "500", "--rate", "0", "--seed", "3"},
        dir_.File("guest.log"));
    for (int i = 0; i < 200 && !std::filesystem::exists(socket_); ++i) std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(std::filesystem::exists(socket_)) << Log("guest.log");
    Expect(0, {"protect", "--name", "safe-vm", "--disk", Disk(), "--target", Store(), "--state-dir", State(),
               "--interval", "30s", "--host", "unix:" + socket_, "--chunk-size", "64K"});
    Expect(0, {"run", "--state-dir", State(), "--cycles", "1", "--quiet"});
  }

  void TearDown() override {
    RunCommand({HVR_GUEST_PATH, "ctl", "--control", socket_, "exit"});
    if (guest_) guest_->Wait();
  }

  std::string Disk() const { return dir_.File("vm/disk0.vhdx"); }
  std::string Store() const { return dir_.File("store"); }
  std::string State() const { return dir_.File("state"); }
  std::string Log(const std::string& name) const {
    auto text = ReadWholeFile(dir_.File(name));
    return text.ok() ? *text : "";
  }
  std::string Guest(const std::string& action, const std::string& count = "0") {
    return RunCommand({HVR_GUEST_PATH, "ctl", "--control", socket_, action, "--count", count}).output;
  }

  // Runs hvrepl and expects `code`; returns the output.
  std::string Expect(int code, std::vector<std::string> args) {
    args.insert(args.begin(), HVREPL_PATH);
    const CommandResult run = RunCommand(args);
    EXPECT_EQ(run.exit_code, code) << args[1] << ": " << run.output;
    return run.output;
  }

  TempDir dir_;
  std::string socket_;
  std::unique_ptr<ChildProcess> guest_;
};

TEST_F(HvreplSessionTest, FailbackRefusesToWriteUnderTheRunningGuest) {
  // An unplanned failover: the on-premises guest was never shut down.
  Expect(0, {"failover", "--state-dir", State()});
  ASSERT_NE(Guest("status").find("\"running\":true"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(const std::string before, ReadWholeFile(Disk()));
  for (const char* how : {"--sync-only", "--complete"}) {
    const std::string out = Expect(3, {"failback", "--state-dir", State(), how});
    EXPECT_NE(out.find("conflict: VM 'safe-vm'"), std::string::npos) << out;
    EXPECT_NE(out.find("shut it down"), std::string::npos) << out;
  }
  ASSERT_OK_AND_ASSIGN(const std::string after, ReadWholeFile(Disk()));
  EXPECT_TRUE(before == after) << "failback wrote into the running guest's disk";
  EXPECT_NE(Guest("status").find("\"running\":true"), std::string::npos);

  // Shut down, it runs.
  Guest("shutdown");
  Expect(0, {"failback", "--state-dir", State(), "--sync-only"});
}

TEST_F(HvreplSessionTest, AResyncSendsWhatSomeoneElseWroteIntoTheReplica) {
  // Between two runs (hvrepl holds the lease only while it runs), another tool writes
  // into the replica.
  {
    ASSERT_OK_AND_ASSIGN(auto other, SyncStore::Open(Store(), {}));
    ASSERT_OK(other->WritePages("safe-vm-disk0", 5 << 20, PatternBytes(4096, 11)));
  }
  Guest("write", "20");
  const std::string cycle = Expect(4, {"run", "--state-dir", State(), "--cycles", "1"});
  EXPECT_NE(cycle.find("modified outside hvr"), std::string::npos) << cycle;
  Expect(0, {"resync", "--state-dir", State()});
  EXPECT_NE(Expect(0, {"jobs", "--state-dir", State(), "--json"})
                .find("replica read first: replica disk 'safe-vm-disk0' was modified outside hvr"),
            std::string::npos);
  // The guest writes nothing by itself: the latest point must be its disk, byte for byte.
  Expect(0, {"verify", "--state-dir", State()});

  // Asked for, a resync reads the replica whatever was recorded; nothing differs now.
  Expect(0, {"resync", "--state-dir", State(), "--verify-replica"});
  EXPECT_NE(Expect(0, {"jobs", "--state-dir", State(), "--json"}).find("an operator asked to verify the replica"),
            std::string::npos);
  Expect(0, {"verify", "--state-dir", State()});
}

TEST_F(HvreplSessionTest, TheRelationshipsFilesAreTheOwnersAlone) {
  EXPECT_EQ(PermissionsOf(State()), 0700u);
  for (const char* name : {"settings.json", "state.json", "jobs.json"}) {
    EXPECT_EQ(PermissionsOf(State() + "/" + name), 0600u) << name;
  }
}

TEST_F(HvreplSessionTest, APlansFailedActionIsThePlansErrorWithItsExitStatus) {
  const std::string plan = dir_.File("plan.json");
  ASSERT_TRUE(WriteFileAtomically(plan, R"({"name": "p", "groups": [{"vms": [")" + State() +
                                            R"("], "before": ["exit 3"]}]})")
                  .ok());
  const std::string out = Expect(1, {"plan", "run", plan, "--test"});
  EXPECT_NE(out.find("action 'exit 3'"), std::string::npos) << out;
  EXPECT_NE(out.find("exited with status 3"), std::string::npos) << out;
  EXPECT_EQ(out.find("internal"), std::string::npos) << out;
}

}  // namespace
}  // namespace hvr::testing
