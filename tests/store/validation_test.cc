#include "store/validation.hpp"

#include <gtest/gtest.h>

#include "hvr/disk_create.hpp"
#include "hvr/disk_transfer.hpp"
#include "hvr/sync_store.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

TEST(ValidationTest, DiskNames) {
  for (const char* good : {"disk0", "vm-01.disk_2", "A", "0"}) EXPECT_OK(ValidateDiskName(good));
  for (const char* bad : {"", ".hidden", "-dash", "a/b", "a b", "a@b", "ü"}) {
    EXPECT_EQ(CodeOf(ValidateDiskName(bad)), Code::kInvalidArgument) << bad;
  }
  EXPECT_OK(ValidateDiskName(std::string(128, 'a')));
  EXPECT_FALSE(ValidateDiskName(std::string(129, 'a')).ok());
}

TEST(ValidationTest, ContainerNames) {
  for (const char* good : {"abc", "replicas", "vm-1-disks", "a1b"}) EXPECT_OK(ValidateContainerName(good));
  for (const char* bad : {"ab", "Upper", "-lead", "trail-", "dou--ble", "under_score"}) {
    EXPECT_FALSE(ValidateContainerName(bad).ok()) << bad;
  }
}

TEST(ValidationTest, MetadataKeysValuesAndSize) {
  EXPECT_OK(ValidateMetadata({{"a", "1"}, {"_b", ""}, {"C9", "x y"}}));
  EXPECT_FALSE(ValidateMetadata({{"9a", "1"}}).ok());
  EXPECT_FALSE(ValidateMetadata({{"a-b", "1"}}).ok());
  EXPECT_FALSE(ValidateMetadata({{"a", "tab\t"}}).ok());
  EXPECT_FALSE(ValidateMetadata({{"a", " lead"}}).ok());
  EXPECT_FALSE(ValidateMetadata({{"Key", "1"}, {"key", "2"}}).ok()) << "keys ignore case";
  EXPECT_FALSE(ValidateMetadata({{"hvr_state", "1"}}).ok());
  EXPECT_FALSE(ValidateMetadata({{"HVRx", "1"}}).ok());
  EXPECT_OK(ValidateMetadata({{"hvr_state", "1"}}, true));
  EXPECT_FALSE(ValidateMetadata({{"k", std::string(8200, 'v')}}).ok());
  EXPECT_FALSE(ValidateMetadata({{std::string(65, 'k'), "v"}}).ok());
}

TEST(ValidationTest, SizesAndRanges) {
  EXPECT_OK(ValidateVirtualSize(1 << 20));
  EXPECT_FALSE(ValidateVirtualSize(0).ok());
  EXPECT_FALSE(ValidateVirtualSize((1 << 20) + 512).ok());
  const uint64_t size = 4 << 20;
  EXPECT_OK(ValidatePageRange("write", "d", 0, 512, kMaxWriteSize, size));
  EXPECT_OK(ValidatePageRange("write", "d", size - 512, 512, kMaxWriteSize, size));
  const Status unaligned = ValidatePageRange("write", "d", 100, 512, kMaxWriteSize, size);
  ASSERT_FALSE(unaligned.ok());
  EXPECT_NE(unaligned.error().message().find("write of 512 bytes at offset 100 on disk 'd'"),
            std::string::npos)
      << unaligned.error().message();
  EXPECT_FALSE(ValidatePageRange("write", "d", 0, 0, kMaxWriteSize, size).ok());
  EXPECT_FALSE(ValidatePageRange("write", "d", 0, kMaxWriteSize + 512, kMaxWriteSize, size + kMaxWriteSize).ok());
  EXPECT_FALSE(ValidatePageRange("write", "d", size, 512, kMaxWriteSize, size).ok());
  EXPECT_FALSE(ValidatePageRange("write", "d", UINT64_MAX - 511, 512, kMaxWriteSize, size).ok());
  EXPECT_OK(ValidateReadRange("d", 7, 3, 10));
  EXPECT_FALSE(ValidateReadRange("d", 8, 3, 10).ok());
}

// One range of requests in flight for stores, transfers, sessions and the C ABI.
TEST(ValidationTest, RequestsInFlight) {
  EXPECT_OK(ValidateMaxInFlight(1));
  EXPECT_OK(ValidateMaxInFlight(kMaxInFlight));
  for (int bad : {0, -1, kMaxInFlight + 1, 100000}) {
    const Status refused = ValidateMaxInFlight(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().message(), "requests in flight must be 1 to 64, not " + std::to_string(bad));
  }
  StoreOptions options;
  EXPECT_OK(options.Validate());
  options.max_in_flight = 65;
  EXPECT_EQ(CodeOf(options.Validate()), Code::kInvalidArgument);
}

TEST(ValidationTest, BlobRequestsPerSecondTakeTheLinksRange) {
  StoreOptions options;
  EXPECT_EQ(options.blob_requests_per_second, LinkModel::kBlobRequestsPerSecond);
  options.blob_requests_per_second = LinkModel::kMaxRequestsPerSecond;
  EXPECT_OK(options.Validate());
  for (uint32_t bad : {0u, LinkModel::kMaxRequestsPerSecond + 1}) {
    options.blob_requests_per_second = bad;
    const Status refused = options.Validate();
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().message(), "blob_requests_per_second must be 1 to 100000, not " + std::to_string(bad));
  }
}

TEST(ValidationTest, StoresAndTransfersTakeOnlyThatRange) {
  TempDir dir;
  StoreOptions options;
  options.max_in_flight = 100;  // the local store once clamped this to 16 threads
  EXPECT_EQ(CodeOf(SyncStore::Open(dir.File("store"), options)), Code::kInvalidArgument);
  options.max_in_flight = 0;
  EXPECT_EQ(CodeOf(SyncStore::Open("UseDevelopmentStorage=true;Container=c01", options)), Code::kInvalidArgument);

  options.max_in_flight = 2;
  ASSERT_OK_AND_ASSIGN(auto store, SyncStore::Open(dir.File("store"), options));
  ASSERT_OK(CreateRaw(dir.File("d.raw"), 1 << 20));
  ASSERT_OK_AND_ASSIGN(auto disk, OpenDisk(dir.File("d.raw")));
  TransferOptions transfer;
  transfer.max_in_flight = 0;  // once taken as 1
  EXPECT_EQ(CodeOf(UploadDisk(*disk, store->async(), "d0", transfer)), Code::kInvalidArgument);
  transfer.max_in_flight = kMaxInFlight + 1;
  EXPECT_EQ(CodeOf(DownloadDisk(store->async(), "d0", "", dir.File("out.raw"), false, transfer)),
            Code::kInvalidArgument);
}

TEST(ValidationTest, LeaseDurations) {
  EXPECT_OK(ValidateLeaseDuration(kInfiniteLease));
  EXPECT_OK(ValidateLeaseDuration(std::chrono::seconds(15)));
  EXPECT_OK(ValidateLeaseDuration(std::chrono::seconds(60)));
  EXPECT_FALSE(ValidateLeaseDuration(std::chrono::seconds(14)).ok());
  EXPECT_FALSE(ValidateLeaseDuration(std::chrono::seconds(61)).ok());
  EXPECT_OK(ValidateBreakPeriod(std::chrono::seconds(0)));
  EXPECT_FALSE(ValidateBreakPeriod(std::chrono::seconds(-1)).ok());
}

}  // namespace
}  // namespace hvr
