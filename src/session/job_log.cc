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
  log_->StopPublishing(index_);
}

void RunningJob::Step(const std::string& name) {
  log_->Update(index_, true, [&](Job& job) {
    const TimePoint now = log_->clock_.Now();
    EndStep(job, JobState::kSucceeded, now);
    job.steps.push_back(JobStep{RedactSecrets(name), JobState::kRunning, now, std::nullopt, {}});
    job.progress_done = job.progress_total = 0;
    log_->rate_since_.reset();
  });
}

void RunningJob::Note(const std::string& message) {
  log_->Update(index_, true, [&](Job& job) {
    if (!job.steps.empty()) job.steps.back().message = RedactSecrets(message);
  });
}

void RunningJob::Progress(uint64_t done, uint64_t total) {
  log_->Update(index_, false, [&](Job& job) {
    if (!log_->rate_since_) {
      // A resumed copy reports what it had done before: the rate counts from here.
      log_->rate_since_ = std::chrono::steady_clock::now();
      log_->rate_from_ = done;
    }
    job.progress_done = done;
    job.progress_total = total;
    if (!job.steps.empty()) {
      job.steps.back().progress_done = done;
      job.steps.back().progress_total = total;
    }
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
  log_->StopPublishing(index_);
  log_ = nullptr;
  return result;
}

std::string RunningJob::id() const {
  std::lock_guard lock(log_->mu_);
  return log_->jobs_[index_].id;
}

JobLog::JobLog(StateDir* dir, std::vector<Job> jobs, Observer observer, const Clock& clock)
    : dir_(dir), observer_(std::move(observer)), clock_(clock), jobs_(std::move(jobs)) {}

JobLog::~JobLog() {
  std::optional<size_t> running;
  {
    std::lock_guard lock(mu_);
    running = running_;
  }
  if (running) StopPublishing(*running);
}

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
    rate_since_.reset();
    running_ = index;
  }
  Update(index, true, [](Job&) {});
  StartPublishing(index);
  return RunningJob(this, index);
}

std::vector<Job> JobLog::jobs() const {
  std::lock_guard lock(mu_);
  return jobs_;
}

std::optional<JobProgress> JobLog::progress() const {
  std::lock_guard lock(mu_);
  if (!running_) return std::nullopt;
  return ProgressOf(*running_);
}

JobProgress JobLog::ProgressOf(size_t index) const {
  const Job& job = jobs_[index];
  JobProgress p;
  p.job_id = job.id;
  p.type = job.type;
  if (!job.steps.empty()) p.step = job.steps.back().name;
  p.done = job.progress_done;
  p.total = job.progress_total;
  p.updated = clock_.Now();
  if (!rate_since_ || job.progress_done < rate_from_) return p;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - *rate_since_;
  // Less than a second of reports says too little of a rate to promise a time.
  if (elapsed < std::chrono::seconds(1)) return p;
  p.bytes_per_second = static_cast<uint64_t>(static_cast<double>(job.progress_done - rate_from_) / elapsed.count());
  if (p.bytes_per_second > 0 && p.total >= p.done) {
    p.time_left = std::chrono::duration_cast<Duration>(
        std::chrono::duration<double>(static_cast<double>(p.total - p.done) / static_cast<double>(p.bytes_per_second)));
  }
  return p;
}

void JobLog::StartPublishing(size_t index) {
  if (!dir_) return;
  PublishNow(index);
  std::lock_guard lock(mu_);
  publishing_ = true;
  publisher_ = std::thread([this, index] { PublishLoop(index); });
}

void JobLog::StopPublishing(size_t index) {
  {
    std::lock_guard lock(mu_);
    running_.reset();
    publishing_ = false;
  }
  stop_publishing_.notify_all();
  if (publisher_.joinable()) publisher_.join();
  // The job as it ended, so that readers see it is over.
  if (dir_) PublishNow(index);
}

void JobLog::PublishLoop(size_t index) {
  std::unique_lock lock(mu_);
  while (!stop_publishing_.wait_for(lock, kPublishEvery, [this] { return !publishing_; })) {
    lock.unlock();
    PublishNow(index);
    lock.lock();
  }
}

void JobLog::PublishNow(size_t index) {
  Job job;
  JobProgress progress;
  {
    std::lock_guard lock(mu_);
    job = jobs_[index];
    progress = ProgressOf(index);
  }
  // Best effort: a failure to publish must not fail replication; the next one repeats it.
  (void)dir_->SaveLiveJob(job, progress);
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
