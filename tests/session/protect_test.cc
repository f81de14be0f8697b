// Enabling protection: what it keeps of the settings, and that it is all or nothing.
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>
#include <filesystem>

#include "session/session_fixture.hpp"
#include "test_util/result_assertions.hpp"
#include "util/file.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;

class ProtectTest : public SessionFixture {};

// Runs in `folder`, and back where it was when it goes.
class CurrentDirectory {
 public:
  explicit CurrentDirectory(const std::filesystem::path& folder) : before_(std::filesystem::current_path()) {
    std::filesystem::current_path(folder);
  }
  ~CurrentDirectory() { std::filesystem::current_path(before_); }

 private:
  std::filesystem::path before_;
};

TEST_P(ProtectTest, RelativeDiskPathsAreKeptAbsolute) {
  MakeVm(1);
  ProtectionSettings settings = Settings();
  const std::filesystem::path disk(disks_[0]);
  {
    CurrentDirectory there(disk.parent_path());
    settings.disks[0].path = disk.filename().string();
    session_ = Protect(settings);
    ASSERT_NE(session_, nullptr);
  }
  EXPECT_EQ(session_->settings().disks[0].path, disks_[0]);
  EXPECT_EQ(session_->settings().disks[0].log_folder, disk.parent_path().string());
  EXPECT_EQ(session_->status().disks[0].source, disks_[0]);
  session_.reset();

  // Run from another directory, the session finds its disk and its logs.
  std::filesystem::create_directories(scratch_.File("elsewhere"));
  CurrentDirectory elsewhere(scratch_.File("elsewhere"));
  session_ = Reopen();
  ASSERT_NE(session_, nullptr);
  ASSERT_OK(session_->ReplicateInitially());
  ASSERT_OK(guest_->Write(50));
  clock_.Advance(30s);
  ASSERT_OK_AND_ASSIGN(const CycleReport report, session_->RunCycle());
  EXPECT_TRUE(report.shipped);
  EXPECT_EQ(session_->status().health, Health::kNormal);
  ExpectPointsMatchTruth(*session_);
}

// Protection is all or nothing: a check that fails leaves no state directory and nothing
// in the target, so the corrected rerun protects with its own settings.
TEST_P(ProtectTest, AFailedProtectLeavesNothingAndTheCorrectedRerunUsesItsSettings) {
  MakeVm(1);
  const auto expect_nothing_left = [&](const std::string& what, const ProtectionSettings& bad) {
    auto failed = Session::Protect(*engine_, state_dir_, bad, Options());
    ASSERT_FALSE(failed.ok()) << what;
    EXPECT_FALSE(std::filesystem::exists(state_dir_)) << what << ": " << failed.error().ToString();
    ASSERT_OK_AND_ASSIGN(const auto made, Store().AsyncListDisks(boost::asio::use_future).get());
    EXPECT_TRUE(made.empty()) << what;
  };
  ProtectionSettings missing_disk = Settings();
  missing_disk.disks[0].path = scratch_.File("no-such-disk.vhdx");
  expect_nothing_left("a disk that is not there", missing_disk);

  ProtectionSettings bad_key = Settings();
  bad_key.encryption_key_file = scratch_.File("key.txt");
  ASSERT_OK(WriteFileAtomically(bad_key.encryption_key_file, "not a key"));
  expect_nothing_left("an encryption key file without a key", bad_key);

  ProtectionSettings unreachable = Settings();
  unreachable.target = scratch_.File("key.txt");  // a file, where a folder should be
  expect_nothing_left("a target that cannot be a store", unreachable);

  // The failures were settings; the rerun's are what the VM is protected with.
  ProtectionSettings corrected = Settings();
  corrected.interval = ReplicationInterval::k5Minutes;
  corrected.disks[0].replica_name = "vm01-system";
  session_ = Protect(corrected);
  ASSERT_NE(session_, nullptr);
  EXPECT_EQ(session_->settings().interval, ReplicationInterval::k5Minutes);
  EXPECT_EQ(session_->status().disks[0].replica, "vm01-system");
  ASSERT_OK(session_->ReplicateInitially());
  ExpectPointsMatchTruth(*session_);
}

INSTANTIATE_TEST_SUITE_P(Stores, ProtectTest, ::testing::Values(Backend::kLocal, Backend::kAzuriteHttp),
                         BackendParamName);

}  // namespace
}  // namespace hvr::testing
