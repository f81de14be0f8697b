// Live progress from another process: while hvrepl copies a VM to Azurite (its bandwidth
// limited so that the copy lasts some seconds), this process, holding no lock, watches
// the running job through a read-only session and hvrepl status: the progress of each
// step only grows, reaches the step's total, and is published at least every two seconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "guest_harness.hpp"
#include "hvr/session.hpp"
#include "store_backends.hpp"
#include "test_util/build_paths.hpp"
#include "test_util/command.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

// One look at the running job.
struct Sample {
  Steady::time_point seen;
  JobProgress progress;
};

TEST(LiveProgressTest, AnotherProcessSeesTheInitialCopyAdvance) {
  GuestHarness vm;
  GuestHarness::GuestOptions guest;
  guest.disk_size = "16M";
  guest.rate = 0;
  vm.StartGuest(guest);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  // Two disks of up to 16 MiB at 4 MiB/s: some seconds of copying.
  vm.Protect("live-vm", HttpAzurite().ConnectionString(UniqueContainer()), {"--bandwidth", "4M"});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());

  auto watcher = Session::Open(vm.engine(), vm.State(), {}, /*read_only=*/true);
  ASSERT_OK(watcher);
  ChildProcess run({kHvreplPath, "run", "--state-dir", vm.State(), "--cycles", "0", "--quiet"},
                   vm.File("hvrepl.log"));

  std::vector<Sample> samples;
  std::optional<std::string> status_json;  // hvrepl status --json while a disk is copied
  const auto deadline = Steady::now() + 120s;
  while (run.running() && Steady::now() < deadline) {
    if (auto p = (*watcher)->progress()) {
      samples.push_back({Steady::now(), *p});
      if (!status_json && p->done > 0 && p->step.starts_with("copy disk")) {
        status_json = RunCommand({kHvreplPath, "status", "--state-dir", vm.State(), "--json"}).output;
      }
    }
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(run.Wait(), 0) << vm.ReadLog("hvrepl.log");
  EXPECT_FALSE((*watcher)->progress()) << "the job ended";

  // The copy lasted long enough to be seen many times.
  ASSERT_GE(samples.size(), 10u);
  std::map<std::string, uint64_t> last_done;  // per step
  // Each publication stamps its time: distinct stamps while the job runs are publications.
  // The job's start and end publish once each, so three or more show the periodic ones
  // (every half second). How soon each follows the last depends on the machine's load,
  // which a test does not bound.
  std::set<TimePoint> publications;
  bool rate_and_time_left = false;
  for (const Sample& s : samples) {
    const JobProgress& p = s.progress;
    EXPECT_EQ(p.type, JobType::kInitialReplication);
    EXPECT_LE(p.done, p.total) << p.step;
    if (auto it = last_done.find(p.step); it != last_done.end()) {
      EXPECT_GE(p.done, it->second) << p.step << ": progress went back";
    }
    last_done[p.step] = p.done;
    publications.insert(p.updated);
    rate_and_time_left = rate_and_time_left || (p.bytes_per_second > 0 && p.time_left);
  }
  EXPECT_GE(publications.size(), 3u) << "published while running, not only as steps began and ended";
  EXPECT_TRUE(rate_and_time_left) << "a rate and a time left while copying";
  EXPECT_TRUE(std::any_of(last_done.begin(), last_done.end(),
                          [](const auto& step) { return step.first.starts_with("copy disk") && step.second > 0; }))
      << "a copy seen under way";

  // Each copy step ended at its total, as published and as the jobs keep it.
  int copy_steps = 0;
  const std::vector<Job> jobs = (*watcher)->jobs();
  ASSERT_FALSE(jobs.empty());
  for (const JobStep& step : jobs.back().steps) {
    if (!step.name.starts_with("copy disk")) continue;
    ++copy_steps;
    EXPECT_GT(step.progress_total, 0u) << step.name;
    EXPECT_EQ(step.progress_done, step.progress_total) << step.name;
    if (last_done.contains(step.name)) {
      EXPECT_LE(last_done[step.name], step.progress_total) << step.name;
    }
  }
  EXPECT_EQ(copy_steps, 2);

  // hvrepl status, another process again, showed the running job.
  ASSERT_TRUE(status_json);
  const auto status = boost::json::parse(*status_json).as_object();
  ASSERT_TRUE(status.at("progress").is_object()) << *status_json;
  EXPECT_EQ(status.at("progress").at("type").as_string(), "initial_replication");
  EXPECT_GT(status.at("progress").at("total").to_number<uint64_t>(), 0u);
}

}  // namespace
}  // namespace hvr::testing
