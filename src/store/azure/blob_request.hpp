// One request of the Blob service, before it is signed and sent: method, which
// container and blob, query parameters, headers and a body borrowed from the caller.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "store/azure/azure_target.hpp"

namespace hvr::azure {

namespace http = boost::beast::http;

struct BlobRequest {
  http::verb method = http::verb::get;
  std::string blob;  // empty for requests on the container
  std::vector<std::pair<std::string, std::string>> query;  // names and values, not encoded
  http::fields headers;
  std::span<const uint8_t> body;  // must outlive the request

  // "PUT disk0?comp=page" for messages; no secrets.
  std::string What() const;
};

// The URL path as sent: base path, container and blob, percent-encoded.
std::string RequestPath(const Target& target, const BlobRequest& request);
// Path and query, SAS token included when the target uses one.
std::string RequestTarget(const Target& target, const BlobRequest& request);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string PercentEncode(std::string_view text);

}  // namespace hvr::azure
