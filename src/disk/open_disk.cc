// Choosing an image's format, and the entry points that open images, read-only or for
// writing.

#include <array>
#include <cstring>
#include <filesystem>

#include "disk/disk_chain.hpp"
#include "disk/raw_disk.hpp"
#include "disk/vhd_disk.hpp"
#include "disk/vhdx_format.hpp"
#include "disk/vhdx_reader.hpp"
#include "disk/vhdx_writer.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_writer.hpp"
#include "util/ascii.hpp"
#include "util/endian.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

// What each extension claims (docs/disk-io.md, "Which format a file is").
constexpr std::array<std::pair<std::string_view, DiskFormat>, 7> kExtensions = {{
    {".vhdx", DiskFormat::kVhdx},
    {".avhdx", DiskFormat::kVhdx},
    {".vhd", DiskFormat::kVhd},
    {".avhd", DiskFormat::kVhd},
    {".raw", DiskFormat::kRaw},
    {".img", DiskFormat::kRaw},
    {".bin", DiskFormat::kRaw},
}};

// A file whose name claims no format: VHDX by its file type identifier, VHD by a footer
// cookie at the end (every VHD) or at the start (the copy dynamic disks keep). A file
// with neither may be a raw disk or a container whose signature is damaged, and only
// the caller can say which.
Result<DiskFormat> FormatOfContent(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(File file, File::Open(path, File::Mode::kRead));
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
  return Error(Code::kInvalidArgument,
               path + ": neither a VHDX (file type identifier \"vhdxfile\" at offset 0) nor a VHD (footer cookie "
                      "\"conectix\" in the last 512 bytes), and its name does not say raw: name a raw image "
                      ".raw, .img or .bin, or open it with the raw format chosen");
}

// The caller's format, else the name's, else the content's.
Result<DiskFormat> ChooseFormat(const std::string& path, std::optional<DiskFormat> chosen) {
  if (chosen) return *chosen;
  if (const auto named = DiskFormatOfName(path)) return *named;
  return FormatOfContent(path);
}

// Enters `path` into the chain, refusing cycles and absurd depths.
Status EnterChain(const std::string& path, ChainContext& chain) {
  HVR_ASSIGN_OR_RETURN(const FileIdentity identity, IdentityOfFile(path));
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

// Opens `path` as the next disk of `chain`, in the format `chosen` or its own.
Result<std::unique_ptr<DiskReader>> OpenAs(const std::string& path, std::optional<DiskFormat> chosen,
                                           ChainContext& chain) {
  HVR_RETURN_IF_ERROR(EnterChain(path, chain));
  Result<std::unique_ptr<DiskReader>> reader = [&]() -> Result<std::unique_ptr<DiskReader>> {
    HVR_ASSIGN_OR_RETURN(const DiskFormat format, ChooseFormat(path, chosen));
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

std::optional<DiskFormat> DiskFormatOfName(std::string_view path) {
  const std::string extension = AsciiLower(Utf8(PathFromUtf8(path).extension()));
  for (const auto& [name, format] : kExtensions) {
    if (extension == name) return format;
  }
  return std::nullopt;
}

Status OpenDiskOptions::Validate() const {
  if (max_chain_depth >= 1 && max_chain_depth <= kMaxChainDepth) return Ok();
  return Error(Code::kInvalidArgument, "open options: max_chain_depth must be 1 to " + std::to_string(kMaxChainDepth) +
                                           ", not " + std::to_string(max_chain_depth));
}

Result<DiskFormat> DetectDiskFormat(const std::string& path, const OpenDiskOptions& options) {
  HVR_RETURN_IF_ERROR(options.Validate());
  HVR_RETURN_IF_ERROR(File::Open(path, File::Mode::kRead));  // a missing file has no format
  return ChooseFormat(path, options.format);
}

Result<std::unique_ptr<DiskReader>> OpenInChain(const std::string& path, ChainContext& chain) {
  // A parent's format is never the caller's choice for the child.
  return OpenAs(path, std::nullopt, chain);
}

Result<std::unique_ptr<DiskReader>> OpenDisk(const std::string& path, const OpenDiskOptions& options) {
  HVR_RETURN_IF_ERROR(options.Validate());
  ChainContext chain{options, {}, {}};
  return OpenAs(path, options.format, chain);
}

Result<std::unique_ptr<DiskWriter>> OpenDiskForWrite(const std::string& path, const WriteOptions& options) {
  HVR_RETURN_IF_ERROR(options.open.Validate());
  ChainContext chain{options.open, {}, {}};
  HVR_RETURN_IF_ERROR(EnterChain(path, chain));
  HVR_ASSIGN_OR_RETURN(const DiskFormat format, ChooseFormat(path, options.open.format));
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
