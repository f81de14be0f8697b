#include "session/job_log.hpp"

#include "store/redact.hpp"

namespace hvr {
namespace {

constexpr auto kProgressEvery = std::chrono::milliseconds(500);

void EndStep(Job& job, JobState state, TimePoint now) {
  if (job.steps.empty() || job.steps.back().ended) return;
  job.steps.back().state = state;
  job.steps.back().ended = now;
}

JobState StateFor(const Status& result) {
  if (result.ok()) return JobState::kSucceeded;
  return result.error().code() == Code::kCancelled ? JobState::kCancelled : JobState::kFailed;
}

}  // namespace

RunningJob::~RunningJob() {
  if (!log_) return;
  log_->Update(index_, true, [&](Job& job) {
    const TimePoint now = log_->clock_.Now();
    EndStep(job, JobState::kInterrupted, now);
    job.state = JobState::kInterrupted;
    job.ended = now;
  });
}

void RunningJob::Step(const std::string& name) {
  log_->Update(index_, true, [&](Job& job) {
    const TimePoint now = log_->clock_.Now();
    EndStep(job, JobState::kSucceeded, now);
    job.steps.push_back(JobStep{RedactSecrets(name), JobState::kRunning, now, std::nullopt, {}});
    job.progress_done = job.progress_total = 0;
  });
}

void RunningJob::Note(const std::string& message) {
  log_->Update(index_, true, [&](Job& job) {
    if (!job.steps.empty()) job.steps.back().message = RedactSecrets(message);
  });
}

void RunningJob::Progress(uint64_t done, uint64_t total) {
  log_->Update(index_, false, [&](Job& job) {
    job.progress_done = done;
    job.progress_total = total;
  });
}

void RunningJob::Summary(const std::string& summary) {
  log_->Update(index_, false, [&](Job& job) { job.summary = RedactSecrets(summary); });
}

Status RunningJob::Finish(Status result) {
  log_->Update(index_, true, [&](Job& job) {
    const TimePoint now = log_->clock_.Now();
    const JobState state = StateFor(result);
    if (!result.ok()) {
      const Error& e = result.error();
      job.error = Error(e.code(), RedactSecrets(e.message()));
      if (!job.steps.empty() && !job.steps.back().ended) job.steps.back().message = job.error->ToString();
    }
    EndStep(job, state, now);
    job.state = state;
    job.ended = now;
  });
  log_ = nullptr;
  return result;
}

std::string RunningJob::id() const {
  std::lock_guard lock(log_->mu_);
  return log_->jobs_[index_].id;
}

JobLog::JobLog(StateDir* dir, std::vector<Job> jobs, Observer observer, const Clock& clock)
    : dir_(dir), observer_(std::move(observer)), clock_(clock), jobs_(std::move(jobs)) {}

void JobLog::MarkInterrupted() {
  std::lock_guard lock(mu_);
  bool changed = false;
  for (Job& job : jobs_) {
    if (job.state != JobState::kRunning) continue;
    EndStep(job, JobState::kInterrupted, clock_.Now());
    job.state = JobState::kInterrupted;
    job.ended = clock_.Now();
    changed = true;
  }
  // Best effort: the next job's save writes the same again.
  if (changed && dir_) (void)dir_->SaveJobs(jobs_);
}

RunningJob JobLog::Start(JobType type, const std::string& vm_name, std::string id) {
  size_t index;
  {
    std::lock_guard lock(mu_);
    // Keep memory to what the file keeps.
    if (jobs_.size() >= StateDir::kJobsKept) jobs_.erase(jobs_.begin());
    Job job;
    job.id = std::move(id);
    job.type = type;
    job.vm_name = vm_name;
    job.started = clock_.Now();
    jobs_.push_back(std::move(job));
    index = jobs_.size() - 1;
  }
  Update(index, true, [](Job&) {});
  return RunningJob(this, index);
}

std::vector<Job> JobLog::jobs() const {
  std::lock_guard lock(mu_);
  return jobs_;
}

void JobLog::Update(size_t index, bool persist, const std::function<void(Job&)>& change) {
  Job copy;
  {
    std::lock_guard lock(mu_);
    change(jobs_[index]);
    const auto now = std::chrono::steady_clock::now();
    if (!persist && now - last_notice_ < kProgressEvery) return;
    last_notice_ = now;
    // A failure to save jobs must not fail replication: the next save repeats it.
    if (persist && dir_) (void)dir_->SaveJobs(jobs_);
    copy = jobs_[index];
  }
  if (observer_) observer_(copy);
}

}  // namespace hvr
