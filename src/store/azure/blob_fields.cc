#include "store/azure/blob_fields.hpp"

#include "disk/vhd_footer.hpp"
#include "util/ascii.hpp"

namespace hvr::azure {
namespace {

constexpr std::string_view kMetaPrefix = "x-ms-meta-";

bool IsReserved(std::string_view key) { return AsciiLower(key).rfind("hvr", 0) == 0; }

}  // namespace

std::string RangeHeader(uint64_t offset, uint64_t length) {
  return "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1);
}

std::string Header(const http::fields& headers, std::string_view name) {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : std::string(it->value());
}

void AddMetadata(BlobRequest& request, const Metadata& metadata) {
  for (const auto& [key, value] : metadata) request.headers.set(std::string(kMetaPrefix) + key, value);
}

Metadata MetadataFrom(const http::fields& headers) {
  Metadata out;
  for (const auto& field : headers) {
    const std::string name(field.name_string());
    if (name.size() > kMetaPrefix.size() && AsciiLower(name.substr(0, kMetaPrefix.size())) == kMetaPrefix) {
      out[name.substr(kMetaPrefix.size())] = std::string(field.value());
    }
  }
  return out;
}

Metadata WithoutReserved(const Metadata& metadata) {
  Metadata out;
  for (const auto& [key, value] : metadata) {
    if (!IsReserved(key)) out[key] = value;
  }
  return out;
}

std::optional<std::string> FindMetadata(const Metadata& metadata, std::string_view key) {
  for (const auto& [k, v] : metadata) {
    if (AsciiLower(k) == key) return v;
  }
  return std::nullopt;
}

Result<uint64_t> VirtualSizeOf(const std::string& name, uint64_t blob_length, std::string_view blob_type) {
  if (blob_type != "PageBlob" || blob_length < kDiskSizeUnit + vhd::kFooterSize ||
      (blob_length - vhd::kFooterSize) % kDiskSizeUnit != 0) {
    return Error(Code::kInvalidReplicaState,
                 "blob '" + name + "' is not a replica disk: expected a page blob of a whole "
                 "number of MiB plus a 512-byte footer, found a " +
                     (blob_type.empty() ? std::string("blob") : std::string(blob_type)) + " of " +
                     std::to_string(blob_length) + " bytes");
  }
  return blob_length - vhd::kFooterSize;
}

Result<uint64_t> VirtualSizeFrom(const std::string& name, const http::fields& headers, const std::string& what) {
  uint64_t length = 0;
  try {
    length = std::stoull(Header(headers, "Content-Length"));
  } catch (const std::exception&) {
    return Error(Code::kCorruptData, what + ": no valid Content-Length");
  }
  return VirtualSizeOf(name, length, Header(headers, "x-ms-blob-type"));
}

}  // namespace hvr::azure
