#include "store/azure/blob_request.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace hvr::azure {

std::string PercentEncode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string BlobRequest::What() const {
  std::string out(http::to_string(method));
  out += " " + (blob.empty() ? std::string("(container)") : blob);
  char separator = '?';
  for (const auto& [name, value] : query) {
    out += separator + name + "=" + value;
    separator = '&';
  }
  return out;
}

std::string RequestPath(const Target& target, const BlobRequest& request) {
  std::string path = target.endpoint.base_path + "/" + PercentEncode(target.container);
  if (!request.blob.empty()) path += "/" + PercentEncode(request.blob);
  return path;
}

std::string RequestTarget(const Target& target, const BlobRequest& request) {
  std::string out = RequestPath(target, request);
  char separator = '?';
  for (const auto& [name, value] : request.query) {
    out += separator + PercentEncode(name) + "=" + PercentEncode(value);
    separator = '&';
  }
  if (!target.sas.empty()) out += separator + target.sas;
  return out;
}

}  // namespace hvr::azure
