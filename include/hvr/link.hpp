// The link from this host to a replica store, as the decision to join page writes sees
// it. Writes separated by a gap the replica already holds as zeros can go as one request
// that carries the gap's zeros, or as two requests. Sending the gap costs
// gap / bandwidth; a request more costs 1 / (requests a second one replica disk takes).
// Joining pays while the first is the smaller: below JoinGap() bytes. On a slow link
// bytes are scarce and little is joined; on a fast one requests are (docs/transport.md,
// "Joining writes across zeros").
#pragma once

#include <cstdint>
#include <string_view>

#include "hvr/error.hpp"

namespace hvr {

struct LinkModel {
  // 100 Mbit/s: a WAN link a Hyper-V host commonly has to Azure.
  static constexpr uint64_t kDefaultBytesPerSecond = 12'500'000;
  // Azure's scalability targets for one page blob: 500 requests and 60 MiB a second
  // ("Scalability and performance targets for Blob storage").
  static constexpr uint32_t kBlobRequestsPerSecond = 500;
  static constexpr uint64_t kBlobBytesPerSecond = 60ull << 20;
  // The valid ranges: 1 Mbit/s to 100 Gbit/s, 1 to 100,000 requests a second.
  static constexpr uint64_t kMinBytesPerSecond = 125'000;
  static constexpr uint64_t kMaxBytesPerSecond = 12'500'000'000;
  static constexpr uint32_t kMaxRequestsPerSecond = 100'000;

  // Bytes a second the link carries towards the store.
  uint64_t bytes_per_second = kDefaultBytesPerSecond;
  // Requests a second one replica disk takes.
  uint32_t requests_per_second = kBlobRequestsPerSecond;

  // kInvalidArgument naming the setting and its range. The one check of a link model.
  Status Validate() const;
  // The range of requests a second per disk alone (Validate's second check), for the
  // stores' pacing too (StoreOptions::blob_requests_per_second); `name` names the setting.
  static Status ValidateRequestsPerSecond(uint32_t requests_per_second, std::string_view name);

  // The longest gap of zeros worth sending to save a request: bandwidth / request rate,
  // where the bandwidth is the smallest of the link's, a bandwidth limit in force
  // (`limit_bytes_per_second`, 0 for none) and what one blob takes (Azure's target).
  // Gaps shorter than this are joined.
  uint64_t JoinGap(uint64_t limit_bytes_per_second = 0) const;

  bool operator==(const LinkModel&) const = default;
};

}  // namespace hvr
