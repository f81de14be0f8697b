// The fields of a blob that every part of the Azure store reads or writes: its metadata
// headers and the keys the store reserves among them, byte ranges, and the virtual size
// of a replica disk as the blob's type and length give it.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hvr/error.hpp"
#include "hvr/store.hpp"
#include "store/azure/blob_request.hpp"

namespace hvr::azure {

// Reserved metadata: a random token on a disk as it is created or copied, and on a
// snapshot as it is taken, by which a try that may have been carried out is recognised.
inline constexpr std::string_view kCreateTokenKey = "hvr_create";
inline constexpr std::string_view kSnapshotTokenKey = "hvr_request";

// The x-ms-range value of `length` bytes from `offset`.
std::string RangeHeader(uint64_t offset, uint64_t length);
// The value of header `name`, empty when it is absent.
std::string Header(const http::fields& headers, std::string_view name);

// Metadata goes out and comes back as x-ms-meta-* headers.
void AddMetadata(BlobRequest& request, const Metadata& metadata);
Metadata MetadataFrom(const http::fields& headers);
// The metadata without the keys the store reserves ("hvr..."), as callers see it.
Metadata WithoutReserved(const Metadata& metadata);
// The value of `key` (lower case), whatever case the service gave the name in.
std::optional<std::string> FindMetadata(const Metadata& metadata, std::string_view key);

// A replica disk is a page blob of a whole number of MiB plus the 512-byte footer: the
// virtual size of blob `name`, or an error saying it is not a replica disk.
Result<uint64_t> VirtualSizeOf(const std::string& name, uint64_t blob_length, std::string_view blob_type);
// The virtual size a Get Blob Properties answer gives (its Content-Length and blob type).
Result<uint64_t> VirtualSizeFrom(const std::string& name, const http::fields& headers, const std::string& what);

}  // namespace hvr::azure
