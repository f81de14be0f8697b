// JSON Web Tokens (RFC 7519) taken apart, for tests that check what hvr signs and for the
// test token endpoint. Nothing is verified here: callers check what they need.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

namespace hvr {

struct Jwt {
  boost::json::object header;
  boost::json::object claims;
  std::string signed_part;  // "HEADER.CLAIMS" as sent: what the signature covers
  std::string signature;    // the signature's bytes
};

// nullopt unless `text` is three base64url parts, the first two JSON objects.
std::optional<Jwt> DecodeJwt(const std::string& text);

// Base64url without padding (RFC 4648 section 5) back to bytes.
std::optional<std::string> DecodeBase64Url(std::string text);

// A string claim or header, "" when absent or not a string.
std::string JwtText(const boost::json::object& json, const char* name);
// A numeric claim, -1 when absent or not an integer.
int64_t JwtNumber(const boost::json::object& json, const char* name);

}  // namespace hvr
