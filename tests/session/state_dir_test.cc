// The state directory keeps secrets at rest for its owner only, and
// the jobs it keeps hold none at all.
#include "session/state_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>  // umask, chmod

#include "session/job_log.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

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
  const mode_t saved = ::umask(022);
  const std::string path = scratch.File("state");
  {
    ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(path, true, false));
    ASSERT_OK(dir.SaveSettings(WithSecret()));
    ASSERT_OK(dir.SaveState(SessionState{}));
    ASSERT_OK(dir.SaveJobs({Job{}}));
    ASSERT_OK(dir.LeaveResyncRequest("checking", false));
  }
  EXPECT_EQ(PermissionsOf(path), 0700u);
  for (const char* name : {"settings.json", "state.json", "jobs.json", "requests/resync.json"}) {
    EXPECT_EQ(PermissionsOf(path + "/" + name), 0600u) << name;
  }
  // What an older version left readable by others is made owner-only when the directory
  // is opened to run the session.
  ASSERT_EQ(::chmod((path + "/settings.json").c_str(), 0644), 0);
  ASSERT_EQ(::chmod((path + "/jobs.json").c_str(), 0644), 0);
  {
    ASSERT_OK_AND_ASSIGN(StateDir reader, StateDir::Open(path, false, true));
    EXPECT_EQ(PermissionsOf(path + "/settings.json"), 0644u) << "a read-only open changes nothing";
  }
  ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(path, false, false));
  EXPECT_EQ(PermissionsOf(path + "/settings.json"), 0600u);
  EXPECT_EQ(PermissionsOf(path + "/jobs.json"), 0600u);
  ::umask(saved);
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
