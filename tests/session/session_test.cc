// Sessions end to end against each store: a guest writes while the VM is protected,
// initially replicated and shipped cycle after cycle; every recovery point must hold
// what the source held when its log was closed.
#include <gtest/gtest.h>

#include <filesystem>

#include "hvr/sync_store.hpp"
#include "session/session_fixture.hpp"
#include "store/azure/azure_target.hpp"
#include "store/azure/crypto.hpp"
#include "store/azure/sas.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;

class SessionTest : public SessionFixture {};

TEST_P(SessionTest, ProtectCopyAndShipCycles) {
  MakeVm(2);
  auto session = Protect(Settings());
  ASSERT_TRUE(session);
  EXPECT_EQ(session->status().state, ReplicationState::kEnabled);

  // Writes go on during the copy; the logs carry them.
  guest_->StartWriting();
  ASSERT_OK(session->ReplicateInitially());
  guest_->StopWriting();
  SessionStatus status = session->status();
  EXPECT_EQ(status.state, ReplicationState::kReplicating);
  EXPECT_EQ(status.recovery_point_count, 1u);
  EXPECT_EQ(status.health, Health::kNormal);

  for (int cycle = 0; cycle < 3; ++cycle) {
    ASSERT_OK(guest_->Write(200));
    clock_.Advance(30s);
    ASSERT_OK_AND_ASSIGN(const CycleReport report, session->RunCycle());
    EXPECT_TRUE(report.shipped);
    EXPECT_GT(report.bytes_sent, 0u);
  }
  status = session->status();
  EXPECT_EQ(status.recovery_point_count, 4u);
  EXPECT_EQ(status.cycles, 3u);
  ExpectPointsMatchTruth(*session);
  const auto jobs = session->jobs();
  ASSERT_GE(jobs.size(), 5u);
  EXPECT_EQ(jobs.front().type, JobType::kEnableProtection);
  for (const Job& job : jobs) EXPECT_EQ(job.state, JobState::kSucceeded) << job.id << " " << job.summary;
}

// A SAS that lacks a permission replication needs is refused when protecting, before
// anything is saved or created: without delete, the first pruned point would fail and
// leave the VM Critical.
class SasTest : public SessionFixture {
 protected:
  // An account SAS for the development account with `permissions`.
  static std::string Sas(const std::string& permissions) {
    const auto key = azure::Base64Decode(azure::kDevelopmentKey);
    return azure::MakeAccountSas(azure::kDevelopmentAccount, *key, permissions,
                                 std::chrono::system_clock::now() + std::chrono::hours(2));
  }
  Status ProtectWith(const std::string& target) {
    ProtectionSettings settings = Settings();
    settings.target = target;
    SessionOptions options;
    options.host = &host_;
    auto session = Session::Protect(*engine_, state_dir_, settings, options);
    if (!session.ok()) return session.error();
    return Ok();
  }
};

TEST_P(SasTest, ASasWithoutEveryPermissionIsRefusedBeforeAnythingIsMade) {
  MakeVm(1);
  const std::string container = UniqueContainer();
  const std::string url = HttpAzurite().BlobEndpoint() + "/" + container + "?" + Sas("racwl");
  const Status no_delete = ProtectWith(url);
  ASSERT_FALSE(no_delete.ok());
  EXPECT_EQ(no_delete.error().code(), Code::kInvalidArgument);
  EXPECT_NE(no_delete.error().message().find("the SAS lacks permissions d (delete): it grants sp=racwl"),
            std::string::npos)
      << no_delete.error().message();
  EXPECT_EQ(no_delete.error().message().find("sig="), std::string::npos) << no_delete.error().message();

  const std::string connection = "BlobEndpoint=" + HttpAzurite().BlobEndpoint() +
                                 ";SharedAccessSignature=" + Sas("rwdac") + ";Container=" + container;
  const Status no_list = ProtectWith(connection);
  ASSERT_FALSE(no_list.ok());
  EXPECT_NE(no_list.error().message().find("lacks permissions l (list)"), std::string::npos)
      << no_list.error().message();

  EXPECT_FALSE(std::filesystem::exists(state_dir_)) << "nothing saved";
  auto store = SyncStore::Open(url, {});
  ASSERT_OK(store);
  ASSERT_OK_AND_ASSIGN(const auto disks, (*store)->ListDisks());
  EXPECT_TRUE(disks.empty()) << "nothing created";

  // The fixture's SAS grants everything: protection and the copy go ahead with it.
  session_ = Protect(Settings());
  ASSERT_NE(session_, nullptr);
  ASSERT_OK(session_->ReplicateInitially());
}

INSTANTIATE_TEST_SUITE_P(Stores, SasTest, ::testing::Values(Backend::kAzuriteSas), BackendParamName);

INSTANTIATE_TEST_SUITE_P(Stores, SessionTest, ::testing::Values(Backend::kLocal, Backend::kAzuriteHttp),
                         BackendParamName);

}  // namespace
}  // namespace hvr::testing
