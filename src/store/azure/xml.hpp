// The XML the Blob service answers with, read with Boost.PropertyTree's XML parser:
// error bodies (mapped onto hvr error codes), page range lists and blob lists.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hvr/clock.hpp"
#include "hvr/disk.hpp"
#include "hvr/error.hpp"
#include "hvr/store.hpp"

namespace hvr::azure {

struct ServiceError {
  std::string code;     // e.g. "LeaseIdMissing"
  std::string message;  // the service's words, lines joined
};

// The <Error><Code/><Message/></Error> of a failed request; nullopt for bodies that are
// not such a document (a proxy's HTML page, an empty body of a HEAD request).
std::optional<ServiceError> ParseErrorBody(std::string_view body);

// The hvr error for a failed response: the code decides the class (403 is
// non-recoverable, 500/503 throttling, 409/412 lease conflicts...). `error_code` is the
// x-ms-error-code header, used when the body has none; `what` names the request.
Error MapServiceError(unsigned status, std::string_view error_code, std::string_view body,
                      std::string_view what);
// What a failed HTTP status says by itself, before an error code refines it: 401/403
// auth_failed, 404 not_found, 409/412 conflict, 429/500/503 and other 5xx throttled,
// 502/504 network, other 4xx invalid_argument.
Code CodeForStatus(unsigned status);

struct PageList {
  std::vector<ByteRange> pages;   // <PageRange>
  std::vector<ByteRange> clears;  // <ClearRange>, only in diffs
  std::string next_marker;
};
Result<PageList> ParsePageList(std::string_view body);

struct BlobItem {
  std::string name;
  std::string snapshot;  // empty for the base blob
  uint64_t content_length = 0;
  std::string blob_type;    // "PageBlob"
  LeaseState lease_state = LeaseState::kAvailable;
  std::string etag;  // ParseEtag's form
  TimePoint last_modified;
  Metadata metadata;
};
struct BlobList {
  std::vector<BlobItem> blobs;
  std::string next_marker;
};
Result<BlobList> ParseBlobList(std::string_view body);

// The x-ms-lease-state header's value as a LeaseState ("available", "leased", ...).
LeaseState ParseLeaseState(std::string_view text);

// An ETag as the ETag header or a listing's <Etag> gives it, without the quotes the header
// (and some listings) put around it, so that the two compare equal.
std::string ParseEtag(std::string_view text);

}  // namespace hvr::azure
