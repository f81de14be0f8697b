// Data safety from the command line, with the reference guest as the VM (a process of its
// own, as in production): failback refuses to write under a running guest, a resync sends
// what someone else wrote into the replica, and the relationship's files are the owner's
// alone.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <cmath>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <thread>

#include "hvr/error.hpp"
#include "hvr/sync_store.hpp"
#include "session/state_dir.hpp"
#include "test_util/azurite.hpp"
#include "test_util/build_paths.hpp"
#include "test_util/command.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/owner_only.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;

class HvreplSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.File("vm"));
    socket_ = dir_.File("guest.sock");
    // 16 MiB disks with 500 blocks written; it writes only when asked.
    std::vector<std::string> guest{kGuestPath, "run", "--control", socket_, "--create", "16M",
                                   "--initial-writes", "500", "--rate", "0", "--seed", "3"};
    for (const std::string& disk : GuestDisks()) guest.insert(guest.end(), {"--disk", disk});
    guest_ = std::make_unique<ChildProcess>(guest, dir_.File("guest.log"));
    for (int i = 0; i < 200 && !std::filesystem::exists(socket_); ++i) std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(std::filesystem::exists(socket_)) << Log("guest.log");
    Expect(0, {"protect", "--name", "safe-vm", "--disk", Disk(), "--target", Target(), "--state-dir", State(),
               "--interval", "30s", "--host", "unix:" + socket_, "--chunk-size", "64K"});
    Expect(0, {"run", "--state-dir", State(), "--cycles", "1", "--quiet"});
  }

  void TearDown() override {
    RunCommand({kGuestPath, "ctl", "--control", socket_, "exit"});
    if (guest_) guest_->Wait();
  }

  // The disks the guest writes; the first alone is protected.
  virtual std::vector<std::string> GuestDisks() const { return {Disk()}; }
  std::string Disk() const { return dir_.File("vm/disk0.vhdx"); }
  std::string Store() const { return dir_.File("store"); }
  // Where the VM is protected to: the local store, unless a suite says otherwise.
  virtual std::string Target() const { return Store(); }
  std::string State() const { return dir_.File("state"); }
  std::string Log(const std::string& name) const {
    auto text = ReadWholeFile(dir_.File(name));
    return text.ok() ? *text : "";
  }
  std::string Guest(const std::string& action, const std::string& count = "0") {
    return RunCommand({kGuestPath, "ctl", "--control", socket_, action, "--count", count}).output;
  }

  // Runs hvrepl and expects `code`; returns the output.
  std::string Expect(int code, std::vector<std::string> args) {
    args.insert(args.begin(), kHvreplPath);
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

// The guest writes a second disk that protection does not have yet.
class HvreplAddDiskTest : public HvreplSessionTest {
 protected:
  std::vector<std::string> GuestDisks() const override { return {Disk(), SecondDisk()}; }
  std::string SecondDisk() const { return dir_.File("vm/disk1.vhdx"); }
};

TEST_F(HvreplAddDiskTest, ADiskIsAddedFromTheShellAndCopiedAlone) {
  // A bad disk is refused, naming it, and nothing changes.
  const std::string missing = dir_.File("vm/missing.vhdx");
  EXPECT_NE(Expect(1, {"set", "--state-dir", State(), "--add-disk", missing}).find(missing), std::string::npos);
  EXPECT_NE(Expect(1, {"set", "--state-dir", State(), "--add-disk", Disk()}).find("protected twice"), std::string::npos);
  EXPECT_EQ(Expect(0, {"status", "--state-dir", State(), "--json"}).find("safe-vm-disk1"), std::string::npos);

  const std::string added = Expect(0, {"set", "--state-dir", State(), "--add-disk", SecondDisk()});
  EXPECT_NE(added.find("added as safe-vm-disk1"), std::string::npos) << added;
  EXPECT_NE(added.find("disks       2 replicated"), std::string::npos) << added;
  Guest("write", "50");
  Expect(0, {"run", "--state-dir", State(), "--cycles", "1", "--quiet"});
  // The guest writes only when asked: the latest point is both disks, byte for byte.
  const std::string verified = Expect(0, {"verify", "--state-dir", State()});
  EXPECT_NE(verified.find("safe-vm-disk1"), std::string::npos) << verified;
}

TEST_F(HvreplSessionTest, SetSuspendResumeAndUnprotectFromTheShell) {
  // Each option is checked by the library's rule, before the VM is opened.
  const std::string bad = Expect(2, {"set", "--state-dir", State(), "--keep-hours", "400"});
  EXPECT_NE(bad.find("--keep-hours"), std::string::npos) << bad;
  EXPECT_NE(bad.find("0 to 360 hours"), std::string::npos) << bad;
  EXPECT_NE(Expect(2, {"set", "--state-dir", State(), "--work-hours", "9-17"}).find("HH:MM-HH:MM"), std::string::npos);
  Expect(2, {"set", "--state-dir", State()});
  const std::string set = Expect(0, {"set", "--state-dir", State(), "--interval", "15m", "--work-bandwidth", "1M",
                                     "--bandwidth", "0", "--work-hours", "07:00-19:00@mon-sat", "--resync", "by-hand"});
  EXPECT_NE(set.find("interval    15m"), std::string::npos) << set;
  EXPECT_NE(set.find("1M/s in work hours, 0/s outside"), std::string::npos) << set;
  EXPECT_NE(set.find("resync      by hand"), std::string::npos) << set;
  // Another folder is other storage: refused, nothing changes.
  const std::string moved = Expect(1, {"set", "--state-dir", State(), "--target", dir_.File("elsewhere")});
  EXPECT_NE(moved.find("other storage"), std::string::npos) << moved;
  // A disk is removed by its name or path; never the last one, and never one it does not have.
  const std::string last = Expect(1, {"set", "--state-dir", State(), "--remove-disk", "safe-vm-disk0"});
  EXPECT_NE(last.find("last disk of VM 'safe-vm'"), std::string::npos) << last;
  EXPECT_NE(last.find("unprotect"), std::string::npos) << last;
  const std::string unknown = Expect(1, {"set", "--state-dir", State(), "--remove-disk", "disk9"});
  EXPECT_NE(unknown.find("no disk 'disk9' (its disks: safe-vm-disk0)"), std::string::npos) << unknown;
  Expect(2, {"set", "--state-dir", State(), "--delete-replica"});

  Expect(0, {"suspend", "--state-dir", State()});
  EXPECT_NE(Expect(0, {"status", "--state-dir", State()}).find("suspended since"), std::string::npos);
  Guest("write", "50");
  EXPECT_NE(Expect(0, {"run", "--state-dir", State(), "--cycles", "1"}).find("skipped"), std::string::npos);
  EXPECT_NE(Expect(0, {"resume", "--state-dir", State()}).find("the logs ship at the next cycle"), std::string::npos);
  Expect(0, {"run", "--state-dir", State(), "--cycles", "1", "--quiet"});
  Expect(0, {"verify", "--state-dir", State()});

  const std::string removed = Expect(0, {"unprotect", "--state-dir", State()});
  EXPECT_NE(removed.find("replica disks kept"), std::string::npos) << removed;
  EXPECT_FALSE(std::filesystem::exists(State()));
  EXPECT_NE(Guest("status").find("\"tracking\":false"), std::string::npos);
  EXPECT_NE(Expect(0, {"store", "ls", Store()}).find("safe-vm-disk0"), std::string::npos);
  Expect(1, {"unprotect", "--state-dir", State()});
}

TEST_F(HvreplSessionTest, AdoptTakesTheVmOverAfterItsStateDirectoryIsLost) {
  Guest("write", "50");
  std::filesystem::remove_all(State());
  const std::vector<std::string> settings = {"--disk",     Disk(), "--target", Store(), "--state-dir", State(),
                                             "--interval", "30s",  "--host",   "unix:" + socket_, "--chunk-size",
                                             "64K"};
  std::vector<std::string> other = {"adopt", "--name", "other-vm"};
  other.insert(other.end(), settings.begin(), settings.end());
  const std::string refused = Expect(1, other);
  EXPECT_NE(refused.find("replica disk 'other-vm-disk0'"), std::string::npos) << refused;
  EXPECT_FALSE(std::filesystem::exists(State()));

  std::vector<std::string> adopt = {"adopt", "--name", "safe-vm"};
  adopt.insert(adopt.end(), settings.begin(), settings.end());
  const std::string adopted = Expect(0, adopt);
  EXPECT_NE(adopted.find("adopted VM 'safe-vm'"), std::string::npos) << adopted;
  EXPECT_NE(adopted.find("points    2, the newest 2"), std::string::npos) << adopted;
  EXPECT_EQ(adopted.find("resync"), std::string::npos) << "the logs continue the replica: " << adopted;
  // The same adoption run again (after a kill past its last step) converges on what it
  // made; another VM in that state directory is refused (a conflict: exit 3).
  EXPECT_NE(Expect(0, adopt).find("adopted VM 'safe-vm'"), std::string::npos);
  EXPECT_NE(Expect(3, other).find("holds the relationship of VM 'safe-vm'"), std::string::npos);
  Expect(0, {"run", "--state-dir", State(), "--cycles", "1", "--quiet"});
  const std::string status = Expect(0, {"status", "--state-dir", State(), "--json"});
  EXPECT_NE(status.find("\"recovery_points\":3"), std::string::npos) << status;
  Expect(0, {"verify", "--state-dir", State()});
}

TEST_F(HvreplSessionTest, TheRelationshipsFilesAreTheOwnersAlone) {
  EXPECT_TRUE(IsOwnerOnly(State()));
  for (const char* name : {"settings.json", "state.json", "jobs.json"}) {
    EXPECT_TRUE(IsOwnerOnly(PathIn(State(), name)));
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

// plan cleanup removes what plan run --test made, and only that; run again it finds
// nothing left.
TEST_F(HvreplSessionTest, PlanCleanupRemovesThePlansTestFailover) {
  const std::string plan = dir_.File("plan.json");
  ASSERT_OK(WriteFileAtomically(plan, R"({"name": "p", "groups": [{"vms": [")" + State() + R"("]}]})"));
  Expect(0, {"plan", "run", plan, "--test"});
  const auto test_failover = [&] {
    const auto status = boost::json::parse(Expect(0, {"status", "--state-dir", State(), "--json"})).as_object();
    return status.at("test_failover").as_bool();
  };
  ASSERT_TRUE(test_failover());
  EXPECT_NE(Expect(0, {"store", "ls", Store()}).find("safe-vm-disk0-test"), std::string::npos);

  const std::string out = Expect(0, {"plan", "cleanup", plan});
  EXPECT_NE(out.find("safe-vm: test VM and disks removed"), std::string::npos) << out;
  EXPECT_FALSE(test_failover());
  const std::string left = Expect(0, {"store", "ls", Store()});
  EXPECT_EQ(left.find("-test"), std::string::npos) << left;
  EXPECT_NE(left.find("safe-vm-disk0"), std::string::npos) << "the replica stays: " << left;
  EXPECT_NE(Expect(0, {"plan", "cleanup", plan}).find("safe-vm: no test failover"), std::string::npos);
}

// hvrepl failover while run --follow holds the VM: the running replication fails over at
// its next step, and the failover command waits for it and reports what it made.
TEST_F(HvreplSessionTest, AFailoverIsAskedOfTheRunningReplication) {
  auto follow = std::make_unique<ChildProcess>(
      std::vector<std::string>{kHvreplPath, "run", "--state-dir", State(), "--follow", "--quiet"},
      dir_.File("follow.log"));
  std::this_thread::sleep_for(500ms);
  const std::string out = Expect(0, {"failover", "--state-dir", State()});
  EXPECT_NE(out.find("VM 'safe-vm' from recovery point"), std::string::npos) << out;
  EXPECT_NE(out.find("safe-vm-disk0-failover"), std::string::npos) << out;
  EXPECT_NE(Expect(0, {"status", "--state-dir", State()}).find("failed_over"), std::string::npos);
  follow->Kill(SIGTERM);
  EXPECT_EQ(follow->Wait(), 0) << Log("follow.log");
}

// set, suspend, resume and unprotect while run --follow replicates the VM: each is asked
// of the running process, which runs it at its next step and answers; unprotect ends the
// run, which says why (docs/session.md "Beside a running replication").
class OperatorRequestTest : public HvreplSessionTest {
 protected:
  // run --follow, once it holds the state directory.
  void StartFollowing() {
    follow_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{kHvreplPath, "run", "--state-dir", State(), "--follow"}, dir_.File("follow.log"));
    for (int i = 0; i < 500 && !Held(); ++i) std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(Held()) << Log("follow.log");
  }
  bool Held() const {
    auto dir = StateDir::Open(State(), false, true);
    if (!dir.ok()) return false;
    auto held = dir->InUse();
    return held.ok() && *held;
  }
  // The running process ran a job of `type` (its line in the follow log).
  bool FollowRan(const std::string& type) const {
    return Log("follow.log").find(" safe-vm " + type + " succeeded") != std::string::npos;
  }
  // Removes the protection beside the running replication, and expects the run to end by
  // itself, saying why.
  void UnprotectEndsTheRun(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"unprotect", "--state-dir", State()};
    args.insert(args.end(), extra.begin(), extra.end());
    Expect(0, args);
    EXPECT_FALSE(std::filesystem::exists(State()));
    for (int i = 0; i < 500 && follow_->running(); ++i) std::this_thread::sleep_for(20ms);
    ASSERT_FALSE(follow_->running()) << Log("follow.log");
    EXPECT_EQ(follow_->Wait(), 0) << Log("follow.log");
    follow_.reset();
    EXPECT_TRUE(FollowRan("remove_protection")) << Log("follow.log");
    EXPECT_NE(Log("follow.log").find("safe-vm: protection removed (hvrepl unprotect); no longer replicated"),
              std::string::npos)
        << Log("follow.log");
    EXPECT_NE(Log("follow.log").find("hvrepl: no VM left to replicate; stopping"), std::string::npos)
        << Log("follow.log");
    EXPECT_NE(Guest("status").find("\"tracking\":false"), std::string::npos);
  }
  void TearDown() override {
    if (follow_) {
      follow_->Kill(SIGTERM);
      follow_->Wait();
    }
    HvreplSessionTest::TearDown();
  }

  std::unique_ptr<ChildProcess> follow_;
};

TEST_F(OperatorRequestTest, SetSuspendResumeAndUnprotectReachTheRunningReplication) {
  StartFollowing();
  const std::string set = Expect(0, {"set", "--state-dir", State(), "--interval", "15m", "--keep-hours", "48"});
  EXPECT_NE(set.find("interval    15m"), std::string::npos) << set;
  EXPECT_TRUE(FollowRan("change_settings")) << Log("follow.log");
  const std::string status = Expect(0, {"status", "--state-dir", State(), "--json"});
  EXPECT_NE(status.find("\"interval_seconds\":900"), std::string::npos) << status;
  // A bad change is the running process's error, and changes nothing.
  const std::string moved = Expect(1, {"set", "--state-dir", State(), "--target", dir_.File("elsewhere")});
  EXPECT_NE(moved.find("other storage"), std::string::npos) << moved;

  Expect(0, {"suspend", "--state-dir", State()});
  EXPECT_TRUE(FollowRan("suspend")) << Log("follow.log");
  EXPECT_NE(Expect(0, {"status", "--state-dir", State()}).find("suspended since"), std::string::npos);
  EXPECT_TRUE(Held());  // still running, skipping the VM

  EXPECT_NE(Expect(0, {"resume", "--state-dir", State()}).find("the logs ship at the next cycle"), std::string::npos);
  EXPECT_TRUE(FollowRan("resume")) << Log("follow.log");
  EXPECT_EQ(Expect(0, {"status", "--state-dir", State()}).find("suspended since"), std::string::npos);

  UnprotectEndsTheRun({});
  EXPECT_NE(Expect(0, {"store", "ls", Store()}).find("safe-vm-disk0"), std::string::npos);
}

// run --cycles N takes requests between its cycles: a suspension ends it, saying so.
TEST_F(OperatorRequestTest, ASuspensionStopsRunCycles) {
  follow_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{kHvreplPath, "run", "--state-dir", State(), "--cycles", "1000", "--every", "200ms"},
      dir_.File("follow.log"));
  for (int i = 0; i < 500 && !Held(); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(Held()) << Log("follow.log");
  Expect(0, {"suspend", "--state-dir", State()});
  EXPECT_EQ(follow_->Wait(), 0) << Log("follow.log");
  follow_.reset();
  EXPECT_NE(Log("follow.log").find("safe-vm: suspended (hvrepl suspend); the remaining cycles are not run"),
            std::string::npos)
      << Log("follow.log");
  EXPECT_NE(Expect(0, {"status", "--state-dir", State()}).find("suspended since"), std::string::npos);
}

// The same against Azurite: the replicas go with --delete-replicas, and nothing of the VM
// stays in the container.
class OperatorRequestAzuriteTest : public OperatorRequestTest {
 protected:
  static void SetUpTestSuite() { azurite_ = new Azurite(); }
  static void TearDownTestSuite() {
    delete azurite_;
    azurite_ = nullptr;
  }
  std::string Target() const override { return azurite_->ConnectionString("operator-requests"); }
  static Azurite* azurite_;
};
Azurite* OperatorRequestAzuriteTest::azurite_ = nullptr;

TEST_F(OperatorRequestAzuriteTest, SuspendAndUnprotectWithTheReplicasReachTheRunningReplication) {
  StartFollowing();
  Expect(0, {"suspend", "--state-dir", State()});
  EXPECT_TRUE(FollowRan("suspend")) << Log("follow.log");
  EXPECT_NE(Expect(0, {"status", "--state-dir", State()}).find("suspended since"), std::string::npos);
  UnprotectEndsTheRun({"--delete-replicas"});
  const std::string left = Expect(0, {"store", "ls", Target()});
  EXPECT_EQ(left.find("safe-vm"), std::string::npos) << left;
}

// run --follow --json: a line per event and per job that ends, as another process's
// request for a resync makes them.
TEST_F(HvreplSessionTest, FollowWritesALinePerEventAndPerJob) {
  auto follow = std::make_unique<ChildProcess>(
      std::vector<std::string>{kHvreplPath, "run", "--state-dir", State(), "--follow", "--json"},
      dir_.File("follow.log"));
  std::this_thread::sleep_for(500ms);
  Expect(0, {"resync", "--state-dir", State()});
  // The scheduler looks every second; the resync of 16 MiB takes a few more.
  for (int i = 0; i < 600 && Log("follow.log").find("\"type\":\"resynchronization\"") == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
  }
  follow->Kill(SIGTERM);
  EXPECT_EQ(follow->Wait(), 0) << Log("follow.log");
  std::vector<std::string> seen;
  std::istringstream lines(Log("follow.log"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;  // the note on stderr
    const boost::json::object o = boost::json::parse(line).as_object();
    EXPECT_EQ(o.at("vm_name").as_string(), "safe-vm") << line;
    if (o.at("kind") == "event") {
      seen.push_back(std::string(o.at("name").as_string()));
      if (o.at("name") == "resync_required") {
        EXPECT_EQ(o.at("reason"), "requested by an operator") << line;
      }
    } else {
      ASSERT_EQ(o.at("kind"), "job") << line;
      seen.push_back(std::string(o.at("type").as_string()) + " " + std::string(o.at("state").as_string()));
    }
  }
  const std::vector<std::string> expected = {
      "state_changed",        "resync_required", "health_changed", "state_changed",
      "recovery_point_taken", "state_changed",   "health_changed", "resynchronization succeeded"};
  EXPECT_EQ(seen, expected) << Log("follow.log");
}

// Metrics: run --follow serves them over loopback and writes them to a file; the figures
// are those status --json gives, and promtool accepts them.
class HvreplMetricsTest : public HvreplSessionTest {
 protected:
  // Starts run --follow with metrics; returns the port it serves them on.
  unsigned short StartFollowing() {
    follow_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{kHvreplPath, "run", "--state-dir", State(), "--follow", "--quiet", "--metrics-listen",
                                 "127.0.0.1:0", "--metrics-file", dir_.File("hvr.prom")},
        dir_.File("follow.log"));
    const std::string marker = "metrics on port ";
    for (int i = 0; i < 100 && (Log("follow.log").find(marker) == std::string::npos ||
                                !std::filesystem::exists(dir_.File("hvr.prom")));
         ++i) {
      std::this_thread::sleep_for(100ms);
    }
    const std::string log = Log("follow.log");
    const size_t at = log.find(marker);
    EXPECT_NE(at, std::string::npos) << log;
    return at == std::string::npos ? 0 : static_cast<unsigned short>(std::stoi(log.substr(at + marker.size())));
  }

  static std::string Scrape(unsigned short port) {
    namespace http = boost::beast::http;
    boost::asio::io_context io;
    boost::beast::tcp_stream stream(io);
    stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::empty_body> request(http::verb::get, "/metrics", 11);
    request.set(http::field::host, "127.0.0.1");
    http::write(stream, request);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    EXPECT_EQ(response.result(), http::status::ok);
    EXPECT_EQ(response[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
    return response.body();
  }

  // The sample of `metric` for this test's VM; NaN when absent.
  static double Sample(const std::string& text, const std::string& metric) {
    const std::string key = metric + "{vm=\"safe-vm\"";
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(key, 0) == 0) return std::stod(line.substr(line.rfind(' ') + 1));
    }
    return std::nan("");
  }

  void TearDown() override {
    if (follow_) {
      follow_->Kill(SIGTERM);
      EXPECT_EQ(follow_->Wait(), 0) << Log("follow.log");
    }
    HvreplSessionTest::TearDown();
  }

  std::unique_ptr<ChildProcess> follow_;
};

TEST_F(HvreplMetricsTest, AScrapeOverLoopbackGivesWhatStatusGives) {
  const unsigned short port = StartFollowing();
  ASSERT_NE(port, 0);
  const std::string text = Scrape(port);
  const boost::json::object status = boost::json::parse(Expect(0, {"status", "--state-dir", State(), "--json"})).as_object();
  const boost::json::object& lifetime = status.at("lifetime_statistics").as_object();
  EXPECT_EQ(Sample(text, "hvr_health"), 0) << text;
  EXPECT_EQ(status.at("health"), "normal");
  EXPECT_NE(text.find("hvr_replication_state{vm=\"safe-vm\",state=\"" + std::string(status.at("state").as_string()) +
                      "\"} 1"),
            std::string::npos)
      << text;
  EXPECT_EQ(Sample(text, "hvr_recovery_points"), status.at("recovery_points").to_number<double>());
  EXPECT_EQ(Sample(text, "hvr_cycles_successful_total"), lifetime.at("successful_cycles").to_number<double>());
  EXPECT_EQ(Sample(text, "hvr_cycles_failed_total"), lifetime.at("failed_cycles").to_number<double>());
  EXPECT_EQ(Sample(text, "hvr_sent_bytes_total"), lifetime.at("bytes_sent").to_number<double>());
  EXPECT_EQ(Sample(text, "hvr_resyncs_total"), lifetime.at("resyncs").to_number<double>());
  EXPECT_EQ(Sample(text, "hvr_last_replicated_timestamp_seconds"), status.at("last_replicated").to_number<double>());
  EXPECT_EQ(Sample(text, "hvr_retries"), status.at("retries").to_number<double>());
  // The RPO grows between the two looks: within a few seconds.
  EXPECT_NEAR(Sample(text, "hvr_rpo_seconds"), status.at("rpo_seconds").to_number<double>(), 5);
  // The file holds the same families.
  const std::string file = Log("hvr.prom");
  EXPECT_NE(file.find("# TYPE hvr_sent_bytes_total counter"), std::string::npos) << file;
  EXPECT_EQ(Sample(file, "hvr_sent_bytes_total"), Sample(text, "hvr_sent_bytes_total"));
}

TEST_F(HvreplMetricsTest, PromtoolAcceptsThem) {
  if (!HaveTool("promtool")) GTEST_SKIP() << "promtool is not installed (Debian package prometheus)";
  const unsigned short port = StartFollowing();
  ASSERT_NE(port, 0);
  const std::string scraped = dir_.File("scraped.prom");
  ASSERT_OK(WriteFileAtomically(scraped, Scrape(port)));
  for (const std::string& file : {scraped, dir_.File("hvr.prom")}) {
    const CommandResult check = RunShell("promtool check metrics < '" + file + "'");
    EXPECT_EQ(check.exit_code, 0) << file << ": " << check.output;
    EXPECT_EQ(check.output, "") << "promtool finds nothing to say";
  }
}

}  // namespace
}  // namespace hvr::testing
