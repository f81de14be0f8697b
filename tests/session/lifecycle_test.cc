// The life of a protection between protect and failover, against each store with the
// reference guest writing: settings changed (a rotated credential among them), replication
// suspended and resumed, protection removed with and without its replicas.
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <thread>

#include "hvr/change_tracker.hpp"
#include "session/session_fixture.hpp"
#include "store/azure/azure_target.hpp"
#include "store/azure/crypto.hpp"
#include "store/azure/sas.hpp"
#include "test_util/result_assertions.hpp"
#include "util/file.hpp"

namespace hvr::testing {
namespace {

using boost::asio::use_future;
using namespace std::chrono_literals;

class LifecycleTest : public SessionFixture {
 protected:
  // The guest's logs of its first disk, closed or not.
  std::vector<std::string> Logs() {
    auto logs = ListTrackedLogs(std::filesystem::path(disks_[0]).parent_path().string(), "disk0");
    EXPECT_TRUE(logs.ok()) << logs.error().ToString();
    return logs.ok() ? *logs : std::vector<std::string>{};
  }
};

TEST_P(LifecycleTest, ASuspendedVmSendsNothingAndResumeShipsWhatAccumulated) {
  Replicating(1);
  guest_->StartWriting();
  const uint64_t sent = session_->status().bytes_sent;
  const size_t points = session_->status().recovery_point_count;
  ASSERT_OK(session_->Suspend());
  ASSERT_OK(session_->Suspend());  // again: nothing changes

  SessionStatus status = session_->status();
  ASSERT_TRUE(status.suspended_since.has_value());
  EXPECT_EQ(status.health, Health::kWarning);
  EXPECT_NE(status.health_reason.find("suspended"), std::string::npos) << status.health_reason;
  EXPECT_FALSE(session_->NextDue().has_value());
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(guest_->Write(100));
    clock_.Advance(30s);
    ASSERT_OK_AND_ASSIGN(const bool ran, session_->RunDue());
    EXPECT_FALSE(ran) << "a suspended VM is skipped";
  }
  const auto refused = session_->RunCycle();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), Code::kInvalidReplicaState);
  EXPECT_NE(refused.error().message().find("suspended"), std::string::npos) << refused.error().message();
  EXPECT_FALSE(session_->Resynchronize().ok());
  status = session_->status();
  EXPECT_EQ(status.bytes_sent, sent) << "nothing is sent while suspended";
  EXPECT_EQ(status.recovery_point_count, points);
  EXPECT_FALSE(Logs().empty()) << "the logs accumulate";

  // Suspension survives a restart.
  session_.reset();
  session_ = Reopen();
  ASSERT_TRUE(session_);
  EXPECT_TRUE(session_->status().suspended_since.has_value());

  ASSERT_OK(session_->Resume());
  guest_->StopWriting();
  status = session_->status();
  EXPECT_FALSE(status.suspended_since.has_value());
  EXPECT_EQ(status.state, ReplicationState::kReplicating);
  ASSERT_OK_AND_ASSIGN(const bool ran, session_->RunDue());
  EXPECT_TRUE(ran) << "the cycle is due at once";
  status = session_->status();
  EXPECT_GT(status.bytes_sent, sent);
  EXPECT_EQ(status.recovery_point_count, points + 1);
  EXPECT_EQ(status.health, Health::kNormal) << status.health_reason;
  ExpectPointsMatchTruth(*session_);
  const auto jobs = session_->jobs();
  EXPECT_EQ(jobs[jobs.size() - 2].type, JobType::kResume);
}

TEST_P(LifecycleTest, LogsThatOutgrewHalfTheDiskWhileSuspendedAreResynchronizedAtResume) {
  Replicating(1);
  ASSERT_OK(session_->Suspend());
  // About 20 MiB of logs, more than half of the 32 MiB disk, all of it over its first MiB.
  for (int i = 0; i < 330; ++i) {
    const std::vector<uint8_t> data(64 << 10, static_cast<uint8_t>(i));
    ASSERT_OK(guest_->WriteAt(0, static_cast<uint64_t>(i % 16) << 16, data));
  }
  ASSERT_OK(session_->Resume());
  SessionStatus status = session_->status();
  EXPECT_EQ(status.state, ReplicationState::kResyncRequired);
  EXPECT_NE(status.resync_reason.find("half"), std::string::npos) << status.resync_reason;
  ASSERT_OK_AND_ASSIGN(const bool ran, session_->RunDue());
  EXPECT_TRUE(ran) << "the operator is there: the resync does not wait for its window";
  status = session_->status();
  EXPECT_EQ(status.state, ReplicationState::kReplicating) << status.health_reason;
  EXPECT_LE(status.lifetime_statistics.resync_bytes, uint64_t{2} << 20) << "only what differs";
  ExpectPointsMatchTruth(*session_);
}

TEST_P(LifecycleTest, ChangedSettingsPersistAndTakeEffect) {
  Replicating(1);
  SettingsChange change;
  change.interval = ReplicationInterval::k15Minutes;
  change.recovery_history = 48h;
  change.app_consistent_frequency = 2h;
  change.bandwidth = BandwidthSchedule::Constant(1 << 20);
  change.resync = ResyncWindow{false, WorkHours::Weekdays(7, 19)};
  change.max_in_flight = 3;
  ASSERT_OK(session_->ChangeSettings(change));
  EXPECT_EQ(session_->jobs().back().type, JobType::kChangeSettings);
  EXPECT_EQ(session_->jobs().back().summary,
            "changed interval, recovery point history, app-consistent frequency, bandwidth, resync window, "
            "requests in flight");

  session_.reset();
  session_ = Reopen();
  ASSERT_TRUE(session_);
  const ProtectionSettings now = session_->settings();
  EXPECT_EQ(now.interval, ReplicationInterval::k15Minutes);
  EXPECT_EQ(now.recovery_history, 48h);
  EXPECT_EQ(now.app_consistent_frequency, 2h);
  ASSERT_TRUE(now.bandwidth.has_value());
  EXPECT_EQ(now.bandwidth->work_bytes_per_second, 1u << 20);
  EXPECT_FALSE(now.resync.automatic);
  EXPECT_EQ(now.resync.office_hours.start, 7h);
  EXPECT_EQ(now.max_in_flight, 3);

  // The interval: the next cycle is 15 minutes after the last.
  const TimePoint last = session_->status().latest_point->created;
  ASSERT_TRUE(session_->NextDue().has_value());
  EXPECT_GE(*session_->NextDue() - clock_.Now(), 14min);
  // The app-consistent frequency: the next cycle asks the host to quiesce.
  // The bandwidth: a cycle's bytes take at least their time at 1 MiB/s.
  ASSERT_OK(guest_->Write(200));
  clock_.Advance(15min);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(const CycleReport report, session_->RunCycle());
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(report.point.has_value());
  EXPECT_TRUE(report.point->app_consistent);
  EXPECT_GE(std::chrono::duration<double>(took).count() + 0.15,
            static_cast<double>(report.bytes_sent) / static_cast<double>(1 << 20))
      << report.bytes_sent << " bytes";
  EXPECT_GT(report.point->created, last);

  // No limit: rates of 0.
  SettingsChange unlimited;
  unlimited.bandwidth = BandwidthSchedule::Constant(0);
  ASSERT_OK(session_->ChangeSettings(unlimited));
  EXPECT_FALSE(session_->settings().bandwidth.has_value());
}

TEST_P(LifecycleTest, AnInvalidChangeChangesNothing) {
  Replicating(0);
  const ProtectionSettings before = session_->settings();
  SettingsChange beyond_history;
  beyond_history.recovery_history = 1h;
  beyond_history.app_consistent_frequency = 4h;
  const Status refused = session_->ChangeSettings(beyond_history);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), Code::kInvalidArgument);
  EXPECT_NE(refused.error().message().find("must not exceed the recovery point history"), std::string::npos)
      << refused.error().message();

  SettingsChange no_requests;
  no_requests.max_in_flight = 0;
  EXPECT_FALSE(no_requests.Validate().ok());
  EXPECT_FALSE(session_->ChangeSettings(no_requests).ok());

  SettingsChange elsewhere;
  elsewhere.target = NewTarget(GetParam(), scratch_);
  const Status moved = session_->ChangeSettings(elsewhere);
  ASSERT_FALSE(moved.ok());
  EXPECT_NE(moved.error().message().find("other storage"), std::string::npos) << moved.error().message();

  session_.reset();
  session_ = Reopen();
  ASSERT_TRUE(session_);
  EXPECT_EQ(session_->settings().target, before.target);
  EXPECT_EQ(session_->settings().recovery_history, before.recovery_history);
  EXPECT_EQ(session_->settings().max_in_flight, before.max_in_flight);
}

TEST_P(LifecycleTest, UnprotectKeepsTheReplicasAndLetsTheirLeasesGo) {
  Replicating(1);
  guest_->StartWriting();
  const std::string replica = session_->status().disks[0].replica;
  session_.reset();
  ASSERT_OK(Session::Unprotect(*engine_, state_dir_, {}, Options()));
  guest_->StopWriting();

  EXPECT_FALSE(std::filesystem::exists(state_dir_));
  EXPECT_TRUE(Logs().empty()) << "the tracking logs are deleted";
  EXPECT_FALSE(guest_->tracking());
  const auto events = host_.events();
  EXPECT_NE(std::find(events.begin(), events.end(), "stop tracking vm01"), events.end());
  EXPECT_EQ(DisksInStore(), std::vector<std::string>{replica});
  // The lease is free: another agent takes it at once.
  ASSERT_OK(Store().AsyncAcquireLease(replica, 15s, Guid::Random().ToString(), use_future).get());
  ASSERT_OK(Store().AsyncReleaseLease(replica, use_future).get());

  const Status again = Session::Unprotect(*engine_, state_dir_, {}, Options());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), Code::kNotFound);
}

TEST_P(LifecycleTest, UnprotectWithTheReplicasLeavesNothingOfTheVmInTheStore) {
  Replicating(2);
  ASSERT_OK(session_->TestFailover());
  EXPECT_EQ(DisksInStore().size(), 2u) << "the replica and its test failover disk";
  session_.reset();
  UnprotectOptions options;
  options.delete_replicas = true;
  ASSERT_OK(Session::Unprotect(*engine_, state_dir_, options, Options()));
  EXPECT_TRUE(DisksInStore().empty());
  EXPECT_FALSE(std::filesystem::exists(state_dir_));
  EXPECT_TRUE(Logs().empty());
  if (GetParam() == Backend::kLocal) {
    // Nothing of the VM in the folder either: no point, no undo log.
    const std::string folder = target_.rfind("file:", 0) == 0 ? target_.substr(5) : target_;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
      EXPECT_FALSE(entry.is_regular_file()) << entry.path();
    }
  }
  // The name is free for a new protection.
  session_ = Protect(Settings());
  ASSERT_TRUE(session_);
}

TEST_P(LifecycleTest, AnUnprotectCutShortFinishesWhenRunAgain) {
  Replicating(1);
  session_.reset();
  // What a crash after the relationship was deleted leaves: the folder and its lock.
  for (const auto& entry : std::filesystem::directory_iterator(state_dir_)) {
    if (entry.path().filename() != "lock") std::filesystem::remove_all(entry.path());
  }
  ASSERT_OK(Session::Unprotect(*engine_, state_dir_, {}, Options()));
  EXPECT_FALSE(std::filesystem::exists(state_dir_));

  // A folder holding something else is never taken for one.
  std::filesystem::create_directories(state_dir_);
  ASSERT_OK(WriteFileAtomically(state_dir_ + "/notes.txt", "mine\n"));
  const Status refused = Session::Unprotect(*engine_, state_dir_, {}, Options());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), Code::kNotFound);
  EXPECT_TRUE(std::filesystem::exists(state_dir_ + "/notes.txt"));
}

INSTANTIATE_TEST_SUITE_P(Stores, LifecycleTest, ::testing::Values(Backend::kLocal, Backend::kAzuriteHttp),
                         BackendParamName);

// A rotated credential: the old one stops working, the VM turns Critical, and `set` with
// the new one (proven first) makes it healthy at the next cycle. A wrong one is refused.
class CredentialTest : public SessionFixture {
 protected:
  // A container URL of the test's container with a SAS of the development account that
  // expires at `expiry`, signed with `key`.
  std::string SasTarget(std::chrono::system_clock::time_point expiry,
                        std::string_view key = azure::kDevelopmentKey) const {
    const auto decoded = azure::Base64Decode(key);
    const std::string sas = azure::MakeAccountSas(azure::kDevelopmentAccount, *decoded, "rwdlacup", expiry);
    return target_.substr(0, target_.find('?')) + "?" + sas;
  }
};

TEST_P(CredentialTest, AnExpiredSasMakesTheVmCriticalUntilANewOneIsSet) {
  MakeVm(1);
  ProtectionSettings settings = Settings();
  settings.target = SasTarget(std::chrono::system_clock::now() + 2h);
  session_ = Protect(settings);
  ASSERT_TRUE(session_);
  ASSERT_OK(session_->ReplicateInitially());

  // A SAS that expires in a few seconds replaces it, and expires.
  const auto expiry = std::chrono::system_clock::now() + 4s;
  SettingsChange short_lived;
  short_lived.target = SasTarget(expiry);
  ASSERT_OK(session_->ChangeSettings(short_lived));
  std::this_thread::sleep_until(expiry + 2s);
  ASSERT_OK(guest_->Write(100));
  clock_.Advance(30s);
  ASSERT_OK_AND_ASSIGN(bool ran, session_->RunDue());
  EXPECT_TRUE(ran);
  SessionStatus status = session_->status();
  ASSERT_EQ(status.health, Health::kCritical) << status.health_reason;
  EXPECT_EQ(status.last_error->code(), Code::kAuthFailed);
  EXPECT_FALSE(session_->NextDue().has_value());

  // A SAS signed with another key is refused: nothing changes.
  SettingsChange wrong;
  wrong.target = SasTarget(std::chrono::system_clock::now() + 2h, "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXk=");
  const Status refused = session_->ChangeSettings(wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), Code::kAuthFailed);
  EXPECT_EQ(refused.error().message().find("sig="), std::string::npos) << refused.error().message();
  EXPECT_EQ(session_->settings().target, short_lived.target);
  EXPECT_EQ(session_->status().health, Health::kCritical);

  SettingsChange renewed;
  renewed.target = SasTarget(std::chrono::system_clock::now() + 2h);
  ASSERT_OK(session_->ChangeSettings(renewed));
  EXPECT_NE(session_->status().health, Health::kCritical);
  for (const Job& job : session_->jobs()) {
    EXPECT_EQ(job.summary.find("sig="), std::string::npos) << job.summary;
    for (const JobStep& step : job.steps) EXPECT_EQ(step.message.find("sig="), std::string::npos) << step.message;
  }
  ASSERT_OK_AND_ASSIGN(ran, session_->RunDue());
  EXPECT_TRUE(ran);
  status = session_->status();
  EXPECT_EQ(status.health, Health::kNormal) << status.health_reason;
  EXPECT_EQ(status.recovery_point_count, 2u);
  ExpectPointsMatchTruth(*session_);
  // The new credential is what the state directory keeps, and only there.
  session_.reset();
  session_ = Reopen();
  ASSERT_TRUE(session_);
  EXPECT_EQ(session_->settings().target, renewed.target);
}

INSTANTIATE_TEST_SUITE_P(Stores, CredentialTest, ::testing::Values(Backend::kAzuriteSas), BackendParamName);

// Shared Key: a rotated key is a new connection string for the same account and
// container; a wrong key is refused before anything is saved.
class SharedKeyTest : public SessionFixture {};

TEST_P(SharedKeyTest, AWrongAccountKeyIsRefusedAndTheRightOneAccepted) {
  Replicating(1);
  const std::string container = target_.substr(target_.find("Container=") + 10);
  const std::string endpoint = "BlobEndpoint=" + HttpAzurite().BlobEndpoint() + ";AccountName=" +
                               std::string(azure::kDevelopmentAccount) + ";Container=" + container + ";AccountKey=";
  SettingsChange wrong;
  wrong.target = endpoint + "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXk=";
  const Status refused = session_->ChangeSettings(wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), Code::kAuthFailed) << refused.error().ToString();
  EXPECT_EQ(refused.error().message().find("V3JvbmdLZXl"), std::string::npos) << "no secret in errors";
  EXPECT_EQ(session_->settings().target, target_);

  SettingsChange right;
  right.target = endpoint + std::string(azure::kDevelopmentKey);
  ASSERT_OK(session_->ChangeSettings(right));
  ASSERT_OK(guest_->Write(100));
  clock_.Advance(30s);
  ASSERT_OK(session_->RunCycle());
  ExpectPointsMatchTruth(*session_);
  for (const Job& job : session_->jobs()) EXPECT_EQ(job.summary.find("AccountKey"), std::string::npos) << job.summary;
}

INSTANTIATE_TEST_SUITE_P(Stores, SharedKeyTest, ::testing::Values(Backend::kAzuriteHttp), BackendParamName);

}  // namespace
}  // namespace hvr::testing
