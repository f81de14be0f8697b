// The state directory keeps secrets at rest for its owner only, and
// the jobs it keeps hold none at all.
#include "session/state_dir.hpp"

#include <gtest/gtest.h>

#include "session/job_log.hpp"
#include "test_util/owner_only.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

constexpr const char* kSecret = "c2VjcmV0LWFjY291bnQta2V5";

ProtectionSettings WithSecret() {
  ProtectionSettings s;
  s.vm_name = "sql01";
  s.disks = {DiskSpec{"/vms/sql01/os.vhdx", {}, {}, {}}};
  s.target = std::string("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=") + kSecret + ";Container=c";
  return WithDefaults(s);
}

TEST(StateDirTest, EveryFileIsTheOwnersAlone) {
  TempDir scratch;
  const CreatedFilesReadableByOthers usual;
  const std::string path = scratch.File("state");
  {
    ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(path, true, false));
    ASSERT_OK(dir.SaveSettings(WithSecret()));
    ASSERT_OK(dir.SaveState(SessionState{}));
    ASSERT_OK(dir.SaveJobs({Job{}}));
    ASSERT_OK(dir.LeaveResyncRequest("checking", false));
  }
  if (const std::string reason = OwnerOnlyNotKept(); !reason.empty()) GTEST_SKIP() << reason << " (the saves succeed)";
  EXPECT_TRUE(IsOwnerOnly(path));
  for (const char* name : {"settings.json", "state.json", "jobs.json", "requests/resync.json"}) {
    EXPECT_TRUE(IsOwnerOnly(PathIn(path, name)));
  }
}

TEST(StateDirTest, FilesAnOlderVersionLeftReadableBecomeTheOwnersWhenTheSessionRuns) {
  TempDir scratch;
  const CreatedFilesReadableByOthers usual;
  const std::string path = scratch.File("state");
  const std::string settings = PathIn(path, "settings.json");
  const std::string jobs = PathIn(path, "jobs.json");
  {
    ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(path, true, false));
    ASSERT_OK(dir.SaveSettings(WithSecret()));
    ASSERT_OK(dir.SaveJobs({Job{}}));
  }
  ASSERT_TRUE(LetEveryoneRead(settings));
  ASSERT_TRUE(LetEveryoneRead(jobs));
  {
    ASSERT_OK_AND_ASSIGN(StateDir reader, StateDir::Open(path, false, true));
  }
  const ::testing::AssertionResult after_reading = IsOwnerOnly(settings);
  ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(path, false, false));
  if (const std::string reason = OwnerOnlyNotKept(); !reason.empty()) GTEST_SKIP() << reason << " (the opens succeed)";
  EXPECT_FALSE(after_reading) << "a read-only open changes nothing";
  EXPECT_TRUE(IsOwnerOnly(settings));
  EXPECT_TRUE(IsOwnerOnly(jobs));
}

TEST(StateDirTest, JobsKeepNoSecret) {
  TempDir scratch;
  ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(scratch.File("state"), true, false));
  ManualClock clock;
  std::vector<Job> seen;
  JobLog log(&dir, {}, [&](const Job& job) { seen.push_back(job); }, clock);
  const std::string target = WithSecret().target;
  RunningJob job = log.Start(JobType::kEnableProtection, "sql01", "job-1");
  job.Step("reach " + target);
  job.Note("listed " + target);
  job.Summary("1 replica disk in " + target);
  const Status failed = job.Finish(Error(Code::kAuthFailed, "refused: " + target));
  ASSERT_FALSE(failed.ok());

  ASSERT_OK_AND_ASSIGN(const std::string saved, ReadWholeFile(scratch.File("state/jobs.json")));
  EXPECT_EQ(saved.find(kSecret), std::string::npos) << saved;
  EXPECT_NE(saved.find("AccountKey=REDACTED"), std::string::npos) << "the rest of the text stays";
  ASSERT_FALSE(seen.empty());
  for (const Job& j : seen) {
    EXPECT_EQ(j.summary.find(kSecret), std::string::npos);
    for (const JobStep& step : j.steps) {
      EXPECT_EQ(step.name.find(kSecret), std::string::npos);
      EXPECT_EQ(step.message.find(kSecret), std::string::npos);
    }
    if (j.error) {
      EXPECT_EQ(j.error->message().find(kSecret), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace hvr
