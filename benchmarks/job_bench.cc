// What publishing a running job's progress costs (docs/monitoring.md). The copy's threads
// only record their progress under the job log's lock (BM_ReportProgress); a thread of
// the job's own writes live.json every half second (BM_PublishLiveJob: the checksummed
// file written beside, synced and renamed). The share of one core publishing takes is
// BM_PublishLiveJob's time over half a second.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "hvr/clock.hpp"
#include "session/job_log.hpp"
#include "session/state_dir.hpp"

namespace {

// A state directory in the system's temporary folder, removed at the end.
struct ScratchStateDir {
  ScratchStateDir()
      : path(std::filesystem::temp_directory_path() / ("hvr-job-bench-" + std::to_string(::getpid()))),
        dir(*hvr::StateDir::Open(path, true, false)) {}
  ~ScratchStateDir() { std::filesystem::remove_all(path); }
  std::string path;
  hvr::StateDir dir;
};

void BM_ReportProgress(benchmark::State& state) {
  ScratchStateDir scratch;
  hvr::JobLog log(&scratch.dir, {}, nullptr, hvr::SystemClock::Instance());
  hvr::RunningJob job = log.Start(hvr::JobType::kInitialReplication, "bench-vm", "job-bench-1");
  job.Step("copy disk 0 (bench-vm-disk0)");
  uint64_t done = 0;
  for (auto _ : state) job.Progress(done += 256 * 1024, uint64_t{1} << 40);
  (void)job.Finish(hvr::Ok());
}
BENCHMARK(BM_ReportProgress);

void BM_PublishLiveJob(benchmark::State& state) {
  ScratchStateDir scratch;
  hvr::Job job;
  job.id = "job-bench-1";
  job.type = hvr::JobType::kInitialReplication;
  job.vm_name = "bench-vm";
  for (int i = 0; i < 4; ++i) {
    job.steps.push_back({"copy disk " + std::to_string(i), hvr::JobState::kSucceeded, {}, {}, "sent 1 GiB", 1, 1});
  }
  hvr::JobProgress progress{job.id, job.type, "copy disk 3", 1 << 20, 1 << 30, 1 << 24, std::chrono::seconds(60), {}};
  for (auto _ : state) {
    if (!scratch.dir.SaveLiveJob(job, progress).ok()) state.SkipWithError("SaveLiveJob failed");
  }
}
BENCHMARK(BM_PublishLiveJob)->UseRealTime();

}  // namespace
