// Format detection and the entry points that open images, read-only or for writing.
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "disk/disk_chain.hpp"
#include "disk/raw_disk.hpp"
#include "disk/vhd_disk.hpp"
#include "disk/vhdx_format.hpp"
#include "disk/vhdx_reader.hpp"
#include "disk/vhdx_writer.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_writer.hpp"
#include "util/endian.hpp"

namespace hvr {
namespace {

// VHDX: the file type identifier. VHD: a footer cookie at the end (every VHD) or at the
// start (the copy dynamic disks keep). Anything else is raw.
Result<DiskFormat> DetectFormat(const File& file) {
  HVR_ASSIGN_OR_RETURN(const uint64_t size, file.Size());
  std::array<uint8_t, 8> head{};
  HVR_ASSIGN_OR_RETURN(const size_t got, file.ReadSomeAt(0, head));
  if (got == head.size() && LoadLE<uint64_t>(head.data()) == vhdx::kFileSignature) return DiskFormat::kVhdx;
  if (size >= vhd::kFooterSize) {
    static constexpr char kCookie[8] = {'c', 'o', 'n', 'e', 'c', 't', 'i', 'x'};
    std::array<uint8_t, 8> tail{};
    HVR_RETURN_IF_ERROR(file.ReadAt(size - vhd::kFooterSize, tail));
    if (std::memcmp(tail.data(), kCookie, 8) == 0 || std::memcmp(head.data(), kCookie, 8) == 0) {
      return DiskFormat::kVhd;
    }
  }
  return DiskFormat::kRaw;
}

Result<std::pair<uint64_t, uint64_t>> FileIdentity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ErrnoError(errno, "stat " + path);
  return std::pair<uint64_t, uint64_t>(st.st_dev, st.st_ino);
}

// Enters `path` into the chain, refusing cycles and absurd depths.
Status EnterChain(const std::string& path, ChainContext& chain) {
  HVR_ASSIGN_OR_RETURN(const auto identity, FileIdentity(path));
  for (size_t i = 0; i < chain.open_files.size(); ++i) {
    if (chain.open_files[i] == identity) {
      std::string cycle;
      for (size_t j = i; j < chain.paths.size(); ++j) cycle += chain.paths[j] + " -> ";
      return Error(Code::kBrokenChain, "differencing disks form a cycle: " + cycle + path);
    }
  }
  if (static_cast<int>(chain.open_files.size()) >= chain.options.max_chain_depth) {
    return Error(Code::kBrokenChain, path + ": the chain of differencing disks from " + chain.paths.front() +
                                         " is deeper than " + std::to_string(chain.options.max_chain_depth));
  }
  chain.open_files.push_back(identity);
  chain.paths.push_back(path);
  return Ok();
}

void LeaveChain(ChainContext& chain) {
  chain.open_files.pop_back();
  chain.paths.pop_back();
}

}  // namespace

const char* DiskFormatName(DiskFormat format) {
  switch (format) {
    case DiskFormat::kRaw:
      return "raw";
    case DiskFormat::kVhd:
      return "vhd";
    case DiskFormat::kVhdx:
      return "vhdx";
  }
  return "unknown";
}

const char* DiskTypeName(DiskType type) {
  switch (type) {
    case DiskType::kFixed:
      return "fixed";
    case DiskType::kDynamic:
      return "dynamic";
    case DiskType::kDifferencing:
      return "differencing";
  }
  return "unknown";
}

Result<DiskFormat> DetectDiskFormat(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(File file, File::Open(path, File::Mode::kRead));
  return DetectFormat(file);
}

Result<std::unique_ptr<DiskReader>> OpenInChain(const std::string& path, ChainContext& chain) {
  HVR_RETURN_IF_ERROR(EnterChain(path, chain));
  Result<std::unique_ptr<DiskReader>> reader = [&]() -> Result<std::unique_ptr<DiskReader>> {
    HVR_ASSIGN_OR_RETURN(const DiskFormat format, DetectDiskFormat(path));
    switch (format) {
      case DiskFormat::kVhdx: {
        HVR_ASSIGN_OR_RETURN(auto vhdx, VhdxReader::Open(path, chain));
        return std::unique_ptr<DiskReader>(std::move(vhdx));
      }
      case DiskFormat::kVhd:
        return VhdReader::Open(path, chain);
      case DiskFormat::kRaw:
        break;
    }
    HVR_ASSIGN_OR_RETURN(auto raw, RawDisk::Open(path));
    return std::unique_ptr<DiskReader>(std::move(raw));
  }();
  LeaveChain(chain);
  return reader;
}

Result<std::unique_ptr<DiskReader>> OpenDisk(const std::string& path, const OpenDiskOptions& options) {
  ChainContext chain{options, {}, {}};
  return OpenInChain(path, chain);
}

Result<std::unique_ptr<DiskWriter>> OpenDiskForWrite(const std::string& path, const WriteOptions& options) {
  ChainContext chain{options.open, {}, {}};
  HVR_RETURN_IF_ERROR(EnterChain(path, chain));
  HVR_ASSIGN_OR_RETURN(const DiskFormat format, DetectDiskFormat(path));
  switch (format) {
    case DiskFormat::kVhdx: {
      HVR_ASSIGN_OR_RETURN(auto vhdx, VhdxWriter::Open(path, options, chain));
      return std::unique_ptr<DiskWriter>(std::move(vhdx));
    }
    case DiskFormat::kVhd:
      return VhdWriter::Open(path, chain);
    case DiskFormat::kRaw:
      break;
  }
  HVR_ASSIGN_OR_RETURN(File file, File::Open(path, File::Mode::kReadWrite));
  HVR_ASSIGN_OR_RETURN(const uint64_t size, file.Size());
  DiskInfo info;
  info.path = path;
  info.virtual_size = size;
  return std::unique_ptr<DiskWriter>(FlatWriter::Over(std::move(file), std::move(info)));
}

}  // namespace hvr
