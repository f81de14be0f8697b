// Shared Key authorization of Blob service requests: the string to sign exactly as the
// REST documentation ("Authorize with Shared Key", 2009-09-19 and later) builds it, and
// its HMAC-SHA256 under the account key.
#pragma once

#include <string>
#include <string_view>

#include "store/azure/blob_request.hpp"

namespace hvr::azure {

// Orders canonicalized x-ms- header names the way the service does. The service sorts
// them with a culture-aware comparison in which '_' comes before '-', digits and
// letters, unlike byte order; metadata keys such as "a_1" and "a1" would otherwise
// produce a signature the service rejects. Names are compared lower-cased.
bool CanonicalHeaderLess(std::string_view a, std::string_view b);

// The string to sign for `request` with its final headers in place.
std::string StringToSign(const Target& target, const BlobRequest& request);

// Sets x-ms-date to `date` (RFC 1123) and Authorization: SharedKey account:signature.
void SignSharedKey(const Target& target, BlobRequest& request, std::string_view date);

}  // namespace hvr::azure
