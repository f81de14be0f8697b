// The fixture of the failover tests (failover_test.cc, failback_test.cc): a session
// replicating the reference guest, the truth of its recovery points, and what an Azure VM
// would write to a failed-over disk.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>
#include <chrono>
#include <random>
#include <string>

#include "session/session_fixture.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {

class FailoverTest : public SessionFixture {
 protected:
  // Protected, replicated, and `cycles` cycles shipped, the first of them app-consistent.
  void Replicating(int cycles) {
    SessionFixture::Replicating(cycles, 100,
                                [](ProtectionSettings& s) { s.app_consistent_frequency = std::chrono::hours(1); });
  }

  ChunkHash TruthOf(const VmRecoveryPoint& point) {
    auto id = Guid::Parse(PointLog(*session_, point, 0));
    EXPECT_TRUE(id.ok());
    const auto truth = id.ok() ? guest_->Truth(*id) : std::nullopt;
    EXPECT_TRUE(truth.has_value());
    return truth.value_or(ChunkHash{});
  }

  // What an Azure VM would do to its disk: scattered 4 KiB writes.
  void AzureVmWrites(const std::string& disk, int count, uint32_t seed) {
    std::mt19937_64 random(seed);
    const uint64_t size = session_->status().disks[0].virtual_size;
    for (int i = 0; i < count; ++i) {
      const uint64_t offset = (random() % (size / 4096)) * 4096;
      ASSERT_OK(Store()
                    .AsyncWritePages(disk, offset, PatternBytes(4096, seed * 1000 + i), boost::asio::use_future)
                    .get());
    }
    // The session's own store object sees them once they are flushed, as another agent would.
    ASSERT_OK(Store().AsyncFlush(disk, boost::asio::use_future).get());
  }
};

}  // namespace hvr::testing
