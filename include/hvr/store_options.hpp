// Options of the replica stores (include/hvr/store.hpp): limits, timeouts, TLS, proxy,
// bandwidth, encryption and where logs go. One struct serves both stores; each uses
// what applies to it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "hvr/bandwidth.hpp"
#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/link.hpp"
#include "hvr/progress.hpp"

namespace hvr {

// The most requests in flight a store, a transfer or a session takes (the least is 1).
// Each holds a buffer of up to 4 MiB, so this keeps those buffers within 256 MiB per
// store or session: memory stays bounded however the number is mistyped.
inline constexpr int kMaxInFlight = 64;

// kInvalidArgument naming the range unless 1 <= requests <= kMaxInFlight. The one check
// of every max_in_flight in the library.
Status ValidateMaxInFlight(int requests);

struct TlsOptions {
  // Certificate chain and host name are checked unless this is false, which logs a
  // warning: the traffic stays encrypted but the server is not authenticated.
  bool verify = true;
  // PEM file of trusted CA certificates; empty means the system store.
  std::string ca_file;
};

// How the Azure store retries one request that failed the way the service documents as
// transient: 408, 429, 500, 502, 503, 504, resets, truncated responses and timeouts
// (docs/transport.md "Retries", which gives the sources of these defaults). Only a request
// that exhausts them fails its operation.
struct RequestRetryOptions {
  // Tries of one request, the first included; 1 turns retries off.
  int max_attempts = 6;
  // The wait before the first retry; it doubles for each next one, with +-20 % jitter.
  std::chrono::milliseconds base_delay{1'000};
  // The longest computed wait. A Retry-After from the service is honoured as given, as
  // long as it fits `max_elapsed`.
  std::chrono::milliseconds max_delay{30'000};
  // No retry starts later than this after the request's first try.
  std::chrono::milliseconds max_elapsed{120'000};
};

// kInvalidArgument unless at least one try (at most 100), a positive first wait, a longest
// wait not shorter than the first, and a non-negative time bound.
Status ValidateRequestRetryOptions(const RequestRetryOptions& options);

struct StoreOptions {
  // Requests in flight at once per store, 1 to kMaxInFlight (Azure: also the most
  // connections kept open; local: I/O threads). Each request in flight holds at most
  // 4 MiB of the caller's data. Against Azure this is a ceiling: the store halves what it
  // lets in flight when the service says it is busy, and grows back one at a time while
  // requests succeed.
  int max_in_flight = 8;

  // Azure: requests a second sent to one blob (a replica disk) at most, 1 to
  // LinkModel::kMaxRequestsPerSecond. Azure's target for a page blob is 500; a store kept
  // to it is not answered ServerBusy for going past it. Sessions set it from their link
  // (ProtectionSettings::link, requests a second per disk).
  uint32_t blob_requests_per_second = LinkModel::kBlobRequestsPerSecond;

  // Azure: retries of each request on transient failures.
  RequestRetryOptions retry;

  // Azure: establishing a connection (TCP, proxy tunnel and TLS handshake).
  std::chrono::milliseconds connect_timeout{30'000};
  // Azure: the longest any step of a request may take without progress (sending a piece
  // of the body, waiting for the response, receiving it). Time spent waiting for the
  // bandwidth limiter does not count.
  std::chrono::milliseconds io_timeout{60'000};
  // Azure: kept-alive connections idle longer than this are closed instead of reused.
  std::chrono::milliseconds idle_timeout{20'000};

  TlsOptions tls;

  // Azure: an HTTP proxy, "http://[user:password@]host:port", reached with CONNECT.
  // Unset: HTTPS_PROXY (https targets) or HTTP_PROXY (http targets) from the
  // environment, honouring NO_PROXY; loopback targets never use the environment's
  // proxy. Set to "" to use no proxy at all.
  std::optional<std::string> proxy;

  // Applied to every byte sent; may be shared between stores. Null: unlimited.
  std::shared_ptr<BandwidthLimiter> bandwidth;

  // Azure: a customer-provided AES-256 key (x-ms-encryption-key): the service encrypts
  // the data at rest with it, and every read and write of those disks needs it again.
  // Needs an https endpoint.
  std::optional<std::array<uint8_t, 32>> encryption_key;

  // Receives the store's log lines (requests at debug level, a warning when TLS
  // verification is off). Never given secrets.
  LogFn log;

  // Local store: the time of leases and recovery point ids; null means the system
  // clock. Must outlive the store.
  const Clock* clock = nullptr;

  // kInvalidArgument naming the option and its range for an option out of range
  // (max_in_flight, connect_timeout and io_timeout, retry). Both stores check their
  // options with it when opened, and the C API when an option is set.
  Status Validate() const;
};

}  // namespace hvr
