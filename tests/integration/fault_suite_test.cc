// The fault-injection suite (docs/fault-injection.md): a VM of the reference guest is
// replicated to Azurite through a proxy that faults 1 % of the requests, dealt over every
// fault Azure Storage and networks are allowed to have. Initial replication of two
// disks, ten cycles while the guest writes, a resync and a planned failover must all
// complete with no attempt failing at the VM level; every recovery point must hold the
// guest's truth, the failed-over disks the source; and the request bytes sent, re-sent
// ones included, must stay within 1.1x those of the same scenario without faults.
//
// HVR_SOAK_MINUTES=N runs the scenario over and over for N minutes instead, with hvrepl
// killed (SIGKILL) every few minutes, and prints what it saw (scripts/soak.sh).
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <sstream>

#include "guest_harness.hpp"
#include "hvr/store.hpp"
#include "store_backends.hpp"
#include "test_util/fault_proxy.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using boost::asio::use_future;
namespace json = boost::json;

constexpr double kFaultRate = 0.01;
constexpr uint64_t kFaultSeed = 15;
constexpr double kMostBytesOverFaultFree = 1.1;

// Kills hvrepl at random moments, one to four minutes apart (seeded).
class Killer {
 public:
  explicit Killer(uint64_t seed) : random_(seed) { Schedule(); }
  // How long the run of hvrepl that starts now may run before it is killed.
  std::chrono::milliseconds UntilNext() {
    // A kill that fell due while no hvrepl ran (the checks, the guest's writes) lands
    // somewhere in the first seconds of the next run rather than as it starts.
    if (next_ <= Clock::now()) {
      next_ = Clock::now() + std::chrono::milliseconds(std::uniform_int_distribution(50, 3000)(random_));
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(next_ - Clock::now());
  }
  void Killed() {
    ++kills_;
    Schedule();
  }
  int kills() const { return kills_; }

 private:
  void Schedule() { next_ = Clock::now() + std::chrono::seconds(std::uniform_int_distribution(60, 240)(random_)); }

  std::mt19937_64 random_;
  Clock::time_point next_;
  int kills_ = 0;
};

// What runs of the scenario came to.
struct Tally {
  FaultProxy::Counters counters;
  GuestHarness::PointsChecked points;
  int completed = 0;  // scenarios
};

struct ScenarioOptions {
  double fault_rate = 0;
  uint64_t fault_seed = kFaultSeed;
  // Read every recovery point against the guest's truth. The run without faults, which
  // measures the bytes, leaves it to the run with faults.
  bool check_points = true;
  Killer* killer = nullptr;  // what kills hvrepl now and then, if anything
};

// One run of the scenario: a guest with two 32 MiB disks writing only when asked (so
// that every run writes the same), protected to a new container of the shared Azurite
// through its own proxy.
class Scenario {
 public:
  explicit Scenario(const ScenarioOptions& options) : options_(options), proxy_(ProxyOptions()) {
    proxy_.SetRandom({options.fault_rate, FaultProxy::AllFaults(), options.fault_seed});
  }

  void Run(Tally* tally) {
    RunSteps(tally);
    tally->counters += proxy_.counters();
    tally->completed += !Failed();
  }

  // Deletes the replicas the scenario made, so that a long soak does not fill Azurite's
  // folder; false if some remain.
  bool DeleteReplicas() {
    auto store = vm_.engine().Store(vm_.target(), {});
    if (!store.ok()) return false;
    auto disks = (*store)->AsyncListDisks(use_future).get();
    if (!disks.ok()) return false;
    bool deleted = true;
    for (const DiskProperties& disk : *disks) {
      if (disk.lease_state == LeaseState::kLeased) {
        deleted = (*store)->AsyncBreakLease(disk.name, 0s, use_future).get().ok() && deleted;
      }
      deleted = (*store)->AsyncDeleteDisk(disk.name, use_future).get().ok() && deleted;
    }
    return deleted;
  }

 private:
  void RunSteps(Tally* tally) {
    GuestHarness::GuestOptions guest;
    guest.disk_size = "32M";
    guest.initial_writes = 3000;
    guest.rate = 0;
    vm_.StartGuest(guest);
    if (Failed()) return;
    vm_.Protect("fault-vm", HttpAzurite().ConnectionString(UniqueContainer()), {"--proxy", proxy_.Url()});
    if (Failed()) return;
    const std::vector<std::string> cycle = {"run", "--state-dir", vm_.State(), "--cycles", "1", "--quiet"};
    Step(cycle, "initial replication and a first cycle", tally);
    for (int i = 1; i <= 10 && !Failed(); ++i) {
      vm_.Write(300);
      Step(cycle, "cycle " + std::to_string(i), tally);
    }
    if (Failed()) return;
    vm_.Write(300);
    Step({"resync", "--state-dir", vm_.State()}, "resync", tally);
    if (Failed()) return;
    vm_.Write(300);
    Step({"failover", "--state-dir", vm_.State(), "--planned"}, "planned failover", tally);
    if (Failed()) return;
    vm_.ExpectFailedOverDisksAreTheSource();
  }

  static FaultProxy::Options ProxyOptions() {
    FaultProxy::Options options;
    // Long enough to be a stall, short enough not to wait for the client's own timeout.
    options.stall = 3s;
    // 50 KiB/s in small pieces: even a response without a body arrives in pieces, and
    // a 4 MiB read takes longer than a fixed 60 s deadline would allow.
    options.trickle_bytes = 256;
    options.trickle_interval = 5ms;
    return options;
  }

  static bool Failed() { return ::testing::Test::HasFatalFailure(); }

  // Runs hvrepl `args` to the end (again after each kill); then checks every point and
  // that nothing failed.
  void Step(const std::vector<std::string>& args, const std::string& what, Tally* tally) {
    while (true) {
      Killer* killer = options_.killer;
      const auto until_kill = killer ? killer->UntilNext() : std::chrono::milliseconds(24h);
      const GuestHarness::RunOutcome outcome = vm_.RunAndKill(args, until_kill);
      if (!outcome.killed) {
        ASSERT_EQ(outcome.exit_code, 0) << what << " failed:\n"
                                        << Failures() << vm_.ReadLog("hvrepl.log")
                                        << "faults injected so far: " << proxy_.counters().ToJson();
        break;
      }
      killer->Killed();
      vm_.ExpectEveryPointTrue(what + ", killed", &tally->points);
      if (Failed()) return;
    }
    if (options_.check_points) vm_.ExpectEveryPointTrue(what, &tally->points);
    ExpectNoFailure(what);
  }

  // No job failed and the VM records no failure.
  void ExpectNoFailure(const std::string& when) {
    const std::string failures = Failures();
    EXPECT_EQ(failures, "") << when;
  }

  // The failed jobs and the VM's recorded error, one a line.
  std::string Failures() {
    std::string failures;
    const CommandResult jobs = vm_.Hvrepl({"jobs", "--state-dir", vm_.State(), "--json"});
    const CommandResult status = vm_.Hvrepl({"status", "--state-dir", vm_.State(), "--json"});
    if (jobs.exit_code != 0 || status.exit_code != 0) {
      return "hvrepl jobs or status failed: " + jobs.output + status.output;
    }
    const json::value job_list = json::parse(jobs.output);
    for (const json::value& job : job_list.as_array()) {
      if (job.at("state") == "failed") {
        failures += "job " + json::serialize(job.at("id")) + " (" + json::serialize(job.at("type")) +
                    ") failed: " + json::serialize(job.at("error")) + "\n";
      }
    }
    const json::value vm = json::parse(status.output);
    if (!vm.at("last_error").is_null()) {
      failures += "status records " + json::serialize(vm.at("last_error")) + ", failing since " +
                  json::serialize(vm.at("failing_since")) + "\n";
    }
    return failures;
  }

  const ScenarioOptions options_;
  FaultProxy proxy_;
  GuestHarness vm_;
};

// Faults by kind, bytes against the runs without faults: what a run of the suite prints.
std::string Report(const Tally& tally, uint64_t fault_free_bytes) {
  const FaultProxy::Counters& c = tally.counters;
  std::ostringstream out;
  out << c.requests << " requests, " << c.faults_injected() << " faulted:";
  for (const auto fault : FaultProxy::AllFaults()) {
    out << " " << FaultProxy::FaultName(fault) << " " << c.faults[static_cast<size_t>(fault)];
  }
  const double ratio = static_cast<double>(c.request_body_bytes) /
                       (std::max(tally.completed, 1) * static_cast<double>(fault_free_bytes));
  out << "\n" << tally.points.points << " points checked (" << tally.points.snapshots.size() << " snapshots read)\n"
      << c.request_body_bytes << " request bytes sent, " << ratio << "x those of " << tally.completed
      << " runs without faults (" << fault_free_bytes << " each)\n";
  return out.str();
}

class FaultSuiteTest : public ::testing::Test {
 protected:
  // The request bytes of the scenario without faults, measured once per process.
  static uint64_t FaultFreeBytes() {
    if (fault_free_bytes_ == 0) {
      Tally tally;
      Scenario({.fault_rate = 0, .check_points = false}).Run(&tally);
      if (!HasFatalFailure()) fault_free_bytes_ = tally.counters.request_body_bytes;
    }
    return fault_free_bytes_;
  }

  static inline uint64_t fault_free_bytes_ = 0;
};

TEST_F(FaultSuiteTest, WithoutFaultsEverythingCompletes) {
  EXPECT_GT(FaultFreeBytes(), 0u);
}

TEST_F(FaultSuiteTest, OnePercentOfRequestsFaultedAndNothingFailsOrIsSentTwice) {
  const uint64_t fault_free = FaultFreeBytes();
  ASSERT_GT(fault_free, 0u) << "the scenario fails even without faults";
  Tally tally;
  Scenario({.fault_rate = kFaultRate}).Run(&tally);
  if (HasFatalFailure()) return;
  const FaultProxy::Counters& counters = tally.counters;
  for (const auto fault : FaultProxy::AllFaults()) {
    EXPECT_GT(counters.faults[static_cast<size_t>(fault)], 0u)
        << FaultProxy::FaultName(fault) << " never came up in " << counters.requests << " requests";
  }
  EXPECT_LE(static_cast<double>(counters.request_body_bytes), kMostBytesOverFaultFree * static_cast<double>(fault_free))
      << "sent again what was sent";
  std::cout << Report(tally, fault_free);
}

TEST_F(FaultSuiteTest, Soak) {
  const char* minutes_text = std::getenv("HVR_SOAK_MINUTES");
  if (minutes_text == nullptr) GTEST_SKIP() << "a soak runs only when HVR_SOAK_MINUTES=N asks for N minutes";
  const int minutes = std::atoi(minutes_text);
  ASSERT_GT(minutes, 0) << "HVR_SOAK_MINUTES: a number of minutes, not '" << minutes_text << "'";
  const char* seed_text = std::getenv("HVR_SOAK_SEED");
  const uint64_t seed = seed_text ? std::strtoull(seed_text, nullptr, 10) : 1;

  const uint64_t fault_free = FaultFreeBytes();
  ASSERT_GT(fault_free, 0u) << "the scenario fails even without faults";
  Killer killer(seed);
  Tally tally;
  const auto end = Clock::now() + std::chrono::minutes(minutes);
  int left_behind = 0;
  for (uint64_t run = 0; Clock::now() < end && !HasFatalFailure(); ++run) {
    // Each run meets faults of its own.
    Scenario scenario({.fault_rate = kFaultRate, .fault_seed = seed * 1000 + run, .killer = &killer});
    scenario.Run(&tally);
    left_behind += !scenario.DeleteReplicas();
  }

  std::cout << "soak of " << minutes << " min, seed " << seed << ": " << tally.completed << " scenarios, "
            << killer.kills() << " kills of hvrepl\n"
            << Report(tally, fault_free);
  if (left_behind > 0) std::cout << left_behind << " scenarios left replicas behind in Azurite\n";
}

}  // namespace
}  // namespace hvr::testing
