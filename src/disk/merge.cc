// Merging a differencing VHDX into its parent (MergeDifferencingDisk).

#include <vector>

#include "disk/disk_chain.hpp"
#include "disk/vhdx_image.hpp"
#include "disk/vhdx_writer.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/disk_writer.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr {

Result<MergeResult> MergeDifferencingDisk(const std::string& child_path, const MergeOptions& options) {
  MergeResult result;
  Guid parent_identity;
  {
    // The chain must be whole before anything changes.
    HVR_ASSIGN_OR_RETURN(auto child, OpenDisk(child_path));
    const DiskInfo& info = child->info();
    if (info.format != DiskFormat::kVhdx || info.type != DiskType::kDifferencing) {
      return Error(Code::kInvalidArgument, child_path + ": not a differencing VHDX (" + DiskFormatName(info.format) +
                                               ", " + DiskTypeName(info.type) + ")");
    }
    const DiskInfo& parent = child->parent()->info();
    if (parent.virtual_size != info.virtual_size) {
      return Error(Code::kUnsupported, child_path + ": the child (" + std::to_string(info.virtual_size) +
                                           " bytes) and its parent (" + std::to_string(parent.virtual_size) +
                                           " bytes) differ in size; merging a resized child is not supported");
    }
    result.parent_path = *info.parent_path;
    parent_identity = parent.data_write_guid;
  }
  HVR_RETURN_IF_ERROR(CancelToken::Check(options.cancel, "merge"));

  // 1. The child records the identity the parent is about to take (parent_linkage2), so
  //    it stays valid over a half-merged parent.
  const Guid next_identity = Guid::Random();
  RangeList own;
  RangeList zeros;
  {
    ChainContext chain{{}, {}, {}};
    HVR_ASSIGN_OR_RETURN(auto child, VhdxWriter::Open(child_path, {}, chain));
    HVR_RETURN_IF_ERROR(child->UpdateMetadata(
        [&](vhdx::DiskMetadata& md) {
          md.parent_locator->Set("parent_linkage", vhdx::BracedGuid(parent_identity));
          md.parent_locator->Set("parent_linkage2", vhdx::BracedGuid(next_identity));
        },
        /*user_visible=*/false));
    own = child->OwnDataRanges();
    zeros = child->OwnZeroRanges();
    HVR_RETURN_IF_ERROR(child->Close());
  }

  // 2. Everything the child holds goes to the parent.
  HVR_ASSIGN_OR_RETURN(auto child, OpenDisk(child_path));
  WriteOptions write_options;
  write_options.data_write_guid = next_identity;
  HVR_ASSIGN_OR_RETURN(auto parent, OpenDiskForWrite(result.parent_path, write_options));
  if (child->info().page83_id != parent->info().page83_id) {
    // IsVirtualDisk metadata follows the child (MS-VHDX 2.6.1.2).
    auto* vhdx_parent = dynamic_cast<VhdxWriter*>(parent.get());
    if (vhdx_parent == nullptr) return Error(Code::kInternal, result.parent_path + ": parent is not a VHDX writer");
    const Guid id = child->info().page83_id;
    HVR_RETURN_IF_ERROR(vhdx_parent->UpdateMetadata([&](vhdx::DiskMetadata& md) { md.virtual_disk_id = id; }, true));
  }
  const uint64_t total = TotalLength(own) + TotalLength(zeros);
  std::vector<uint8_t> buffer(4u << 20);
  uint64_t done = 0;
  const auto copy = [&]() -> Status {
    for (const ByteRange& range : own) {
      for (uint64_t pos = range.offset; pos < range.end();) {
        HVR_RETURN_IF_ERROR(CancelToken::Check(options.cancel, "merge"));
        const size_t n = static_cast<size_t>(std::min<uint64_t>(buffer.size(), range.end() - pos));
        const std::span<uint8_t> part(buffer.data(), n);
        HVR_RETURN_IF_ERROR(child->Read(pos, part));
        HVR_RETURN_IF_ERROR(parent->Write(pos, part));
        pos += n;
        done += n;
        if (options.progress) options.progress(done, total);
      }
    }
    for (const ByteRange& range : zeros) {
      HVR_RETURN_IF_ERROR(parent->WriteZeros(range.offset, range.length));
      done += range.length;
      if (options.progress) options.progress(done, total);
    }
    return Ok();
  };
  const Status copied = copy();
  // Closed either way: an interrupted merge leaves a consistent parent the child covers.
  const Status closed = parent->Close();
  HVR_RETURN_IF_ERROR(copied);
  HVR_RETURN_IF_ERROR(closed);
  result.parent_data_write_guid = parent->info().data_write_guid;
  result.bytes_merged = done;
  child.reset();

  // 3. The child is no longer needed.
  if (!options.keep_child) {
    if (Status removed = RemoveFile(child_path); !removed.ok()) {
      return removed.error().WithContext("delete merged child");
    }
    HVR_RETURN_IF_ERROR(SyncDirectory(FolderOf(child_path)));
  }
  return result;
}

}  // namespace hvr
