#include "hvr/replica_reader.hpp"

#include <boost/asio/use_future.hpp>

namespace hvr {
namespace {

class ReplicaReader final : public DiskReader {
 public:
  ReplicaReader(ReplicaStore& store, std::string name, std::string snapshot, DiskInfo info)
      : store_(store), name_(std::move(name)), snapshot_(std::move(snapshot)), info_(std::move(info)) {}

  const DiskInfo& info() const override { return info_; }

  Status Read(uint64_t offset, std::span<uint8_t> out) const override {
    if (offset > info_.virtual_size || out.size() > info_.virtual_size - offset) {
      return Error(Code::kInvalidArgument, info_.path + ": read past the end of the disk");
    }
    if (out.empty()) return Ok();
    // Large reads go out in pieces the store can carry in one request each, several
    // at a time.
    constexpr size_t kPiece = kMaxWriteSize;
    std::vector<std::future<Status>> pending;
    for (size_t done = 0; done < out.size(); done += kPiece) {
      const size_t n = std::min(kPiece, out.size() - done);
      pending.push_back(store_.AsyncRead(name_, snapshot_, offset + done, out.subspan(done, n),
                                         boost::asio::use_future));
    }
    Status first;
    for (auto& f : pending) {
      Status s = f.get();
      if (!s.ok() && first.ok()) first = std::move(s);
    }
    return first;
  }

  Result<std::vector<ByteRange>> AllocatedRanges() const override {
    return store_.AsyncAllocatedRanges(name_, snapshot_, boost::asio::use_future).get();
  }

 private:
  ReplicaStore& store_;
  const std::string name_;
  const std::string snapshot_;
  const DiskInfo info_;
};

}  // namespace

Result<uint64_t> ReplicaSize(ReplicaStore& store, const std::string& name, const std::string& snapshot) {
  using boost::asio::use_future;
  if (snapshot.empty()) {
    HVR_ASSIGN_OR_RETURN(const DiskProperties props, store.AsyncGetDisk(name, use_future).get());
    return props.virtual_size;
  }
  HVR_ASSIGN_OR_RETURN(const std::vector<RecoveryPoint> points, store.AsyncListSnapshots(name, use_future).get());
  for (const RecoveryPoint& point : points) {
    if (point.id == snapshot) return point.virtual_size;
  }
  return Error(Code::kNotFound, "disk '" + name + "' has no recovery point '" + snapshot + "'");
}

Result<std::unique_ptr<DiskReader>> OpenReplicaReader(ReplicaStore& store, const std::string& name,
                                                      const std::string& snapshot) {
  HVR_ASSIGN_OR_RETURN(const uint64_t size, ReplicaSize(store, name, snapshot));
  DiskInfo info;
  info.path = store.description() + "/" + name + (snapshot.empty() ? "" : "@" + snapshot);
  info.format = DiskFormat::kRaw;
  info.type = DiskType::kFixed;
  info.virtual_size = size;
  return std::unique_ptr<DiskReader>(new ReplicaReader(store, name, snapshot, std::move(info)));
}

}  // namespace hvr
