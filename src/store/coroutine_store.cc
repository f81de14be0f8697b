#include "store/coroutine_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <optional>

#include "util/catch_all.hpp"

namespace hvr {

template <typename T>
boost::asio::awaitable<void> CoroutineStore::Finish(Task<T> op, Handler<T> handler) {
  std::optional<Result<T>> result;
  try {
    result.emplace(co_await std::move(op));
  } catch (...) {
    result.emplace(CurrentExceptionAsError(""));
  }
  if (!result->ok()) result.emplace(result->error().WithContext(description()));
  Complete<T>(std::move(handler), std::move(*result));
}

template <typename T>
void CoroutineStore::Spawn(Handler<T> handler, Task<T> op) {
  boost::asio::co_spawn(get_executor(), Finish<T>(std::move(op), std::move(handler)),
                        boost::asio::detached);
}

void CoroutineStore::DoCreateDisk(std::string name, uint64_t virtual_size, Metadata metadata,
                                  Handler<void> handler) {
  Spawn(std::move(handler), CreateDisk(std::move(name), virtual_size, std::move(metadata)));
}

void CoroutineStore::DoGrowDisk(std::string name, uint64_t virtual_size, Handler<void> handler) {
  Spawn(std::move(handler), GrowDisk(std::move(name), virtual_size));
}

void CoroutineStore::DoWritePages(std::string name, uint64_t offset, std::span<const uint8_t> data,
                                  Handler<void> handler) {
  Spawn(std::move(handler), WritePages(std::move(name), offset, data));
}

void CoroutineStore::DoClearPages(std::string name, uint64_t offset, uint64_t length,
                                  Handler<void> handler) {
  Spawn(std::move(handler), ClearPages(std::move(name), offset, length));
}

void CoroutineStore::DoRead(std::string name, std::string snapshot, uint64_t offset,
                            std::span<uint8_t> out, Handler<void> handler) {
  Spawn(std::move(handler), Read(std::move(name), std::move(snapshot), offset, out));
}

void CoroutineStore::DoAllocatedRanges(std::string name, std::string snapshot,
                                       Handler<std::vector<ByteRange>> handler) {
  Spawn(std::move(handler), AllocatedRanges(std::move(name), std::move(snapshot)));
}

void CoroutineStore::DoChangedRanges(std::string name, std::string from, std::string to,
                                     Handler<std::vector<ByteRange>> handler) {
  Spawn(std::move(handler), ChangedRanges(std::move(name), std::move(from), std::move(to)));
}

void CoroutineStore::DoCreateSnapshot(std::string name, SnapshotOptions options,
                                      Handler<RecoveryPoint> handler) {
  Spawn(std::move(handler), CreateSnapshot(std::move(name), std::move(options)));
}

void CoroutineStore::DoListSnapshots(std::string name, Handler<std::vector<RecoveryPoint>> handler) {
  Spawn(std::move(handler), ListSnapshots(std::move(name)));
}

void CoroutineStore::DoDeleteSnapshot(std::string name, std::string snapshot, Handler<void> handler) {
  Spawn(std::move(handler), DeleteSnapshot(std::move(name), std::move(snapshot)));
}

void CoroutineStore::DoCopySnapshot(std::string name, std::string snapshot, std::string target,
                                    Metadata metadata, Handler<void> handler) {
  Spawn(std::move(handler),
        CopySnapshot(std::move(name), std::move(snapshot), std::move(target), std::move(metadata)));
}

void CoroutineStore::DoDeleteDisk(std::string name, Handler<void> handler) {
  Spawn(std::move(handler), DeleteDisk(std::move(name)));
}

void CoroutineStore::DoGetDisk(std::string name, Handler<DiskProperties> handler) {
  Spawn(std::move(handler), GetDisk(std::move(name)));
}

void CoroutineStore::DoListDisks(Handler<std::vector<DiskProperties>> handler) {
  Spawn(std::move(handler), ListDisks());
}

void CoroutineStore::DoSetMetadata(std::string name, Metadata metadata, Handler<void> handler) {
  Spawn(std::move(handler), SetMetadata(std::move(name), std::move(metadata)));
}

void CoroutineStore::DoGetMetadata(std::string name, Handler<Metadata> handler) {
  Spawn(std::move(handler), GetMetadata(std::move(name)));
}

void CoroutineStore::DoAcquireLease(std::string name, std::chrono::seconds duration,
                                    std::string proposed_id, Handler<std::string> handler) {
  Spawn(std::move(handler), AcquireLease(std::move(name), duration, std::move(proposed_id)));
}

void CoroutineStore::DoRenewLease(std::string name, Handler<void> handler) {
  Spawn(std::move(handler), RenewLease(std::move(name)));
}

void CoroutineStore::DoReleaseLease(std::string name, Handler<void> handler) {
  Spawn(std::move(handler), ReleaseLease(std::move(name)));
}

void CoroutineStore::DoBreakLease(std::string name, std::chrono::seconds break_period,
                                  Handler<void> handler) {
  Spawn(std::move(handler), BreakLease(std::move(name), break_period));
}

}  // namespace hvr
