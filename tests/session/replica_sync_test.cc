// The chunk sync's checkpoints: a manifest handed out names only chunks whose content is
// durable in the replica, since a resumed sync trusts it and will not send them again.
#include "session/replica_sync.hpp"

#include <gtest/gtest.h>

#include "diff/chunk_hash.hpp"
#include "hvr/sync_store.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

constexpr uint64_t kSyncDiskSize = 32 << 20;  // 8 spans of 4 MiB: later checkpoints follow completed writes
constexpr uint32_t kSyncChunk = 64 << 10;

TEST(ReplicaSyncTest, ACheckpointNamesOnlyChunksAlreadyInTheReplicaFile) {
  TempDir dir;
  std::vector<uint8_t> content(kSyncDiskSize);
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<uint8_t>(i * 13 + i / 4096 + 1);
  {
    ASSERT_OK_AND_ASSIGN(File source, File::Open(dir.File("source.raw"), File::Mode::kCreateExclusive));
    ASSERT_OK(source.WriteAt(0, content));
  }
  ASSERT_OK_AND_ASSIGN(auto source, OpenDisk(dir.File("source.raw")));
  ASSERT_OK_AND_ASSIGN(auto store, SyncStore::Open(dir.File("store")));
  ASSERT_OK(store->CreateDisk("replica", kSyncDiskSize));
  ASSERT_OK_AND_ASSIGN(Manifest manifest, Manifest::Zeros(kSyncDiskSize, kSyncChunk));

  // The data file is what a crash of this process would leave: held writes are not in it.
  size_t checked = 0;
  ReplicaSyncOptions options;
  options.buffers = 2;
  options.threads = 1;
  options.checkpoint_every = std::chrono::milliseconds(0);
  options.checkpoint = [&](const Manifest& named) -> Status {
    HVR_ASSIGN_OR_RETURN(File replica, File::Open(dir.File("store/replica/disk.vhd"), File::Mode::kRead));
    std::vector<uint8_t> chunk(kSyncChunk);
    for (uint64_t i = 0; i < named.chunk_count(); ++i) {
      if (named.hash(i).is_zero() || named.hash(i).is_unknown()) continue;
      HVR_RETURN_IF_ERROR(replica.ReadAt(named.ChunkRange(i).offset, chunk));
      EXPECT_EQ(HashChunk(chunk), named.hash(i)) << "chunk " << i << " is named but not in the replica file";
      ++checked;
    }
    return Ok();
  };
  ASSERT_OK_AND_ASSIGN(const auto stats, SyncToReplica(*source, manifest, store->async(), "replica", options));
  EXPECT_EQ(stats.bytes_sent, kSyncDiskSize);
  EXPECT_GT(checked, 0u) << "no checkpoint named a chunk";
}

}  // namespace
}  // namespace hvr
