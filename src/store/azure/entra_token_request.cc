#include "store/azure/entra_token_request.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "store/azure/blob_request.hpp"
#include "store/azure/xml.hpp"
#include "store/redact.hpp"

namespace hvr::azure {
namespace {

constexpr std::string_view kAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

std::string Field(const boost::json::object& object, std::string_view name) {
  const auto* value = object.if_contains(name);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

// The first line of error_description ("AADSTS7000215: Invalid client secret provided...");
// the lines after it repeat the trace and correlation ids, which come from their own fields.
std::string FirstLine(std::string text) {
  text.resize(std::min(text.find_first_of("\r\n"), text.size()));
  return text;
}

// expires_in is a number; Entra ID's older endpoints and some proxies send it as a string.
std::optional<int64_t> Seconds(const boost::json::value* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64() && value->as_uint64() <= INT64_MAX) return static_cast<int64_t>(value->as_uint64());
  if (!value->is_string()) return std::nullopt;
  const std::string_view text = value->as_string();
  int64_t out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return out;
}

Code CodeFor(unsigned status) {
  if (status == 408) return Code::kTimeout;
  // Busy (429, 5xx) or out of reach (502, 504) as the Blob service would be. Anything
  // else says the principal, its secret or certificate, or the tenant is wrong, which
  // retrying cannot mend.
  const Code code = CodeForStatus(status);
  return ClassOf(code) == ErrorClass::kRecoverable ? code : Code::kAuthFailed;
}

}  // namespace

std::string TokenPath(const ServicePrincipal& principal) {
  return "/" + principal.tenant_id + "/oauth2/v2.0/token";
}

std::string TokenUrl(const ServicePrincipal& principal) {
  return principal.authority.Url() + TokenPath(principal);
}

std::string TokenRequestBody(const ServicePrincipal& principal, std::string_view assertion) {
  std::string body = "grant_type=client_credentials&client_id=" + PercentEncode(principal.client_id) +
                     "&scope=" + PercentEncode(kStorageScope);
  if (principal.certificate_path.empty()) {
    body += "&client_secret=" + PercentEncode(principal.client_secret);
  } else {
    body += "&client_assertion_type=" + PercentEncode(kAssertionType) +
            "&client_assertion=" + PercentEncode(assertion);
  }
  return body;
}

Result<AccessToken> ParseTokenResponse(unsigned status, std::string_view body, std::string_view what) {
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(body, ec);
  const boost::json::object* object = !ec && json.is_object() ? &json.as_object() : nullptr;
  if (status != 200) {
    std::string message = std::string(what) + ": HTTP " + std::to_string(status);
    if (object != nullptr) {
      const std::string error = Field(*object, "error");
      const std::string description = FirstLine(Field(*object, "error_description"));
      const std::string correlation = Field(*object, "correlation_id");
      if (!error.empty()) message += " " + error;
      if (!description.empty()) message += ": " + description;
      if (!correlation.empty()) message += " (correlation id " + correlation + ")";
    }
    return Error(CodeFor(status), RedactSecrets(message));
  }
  if (object == nullptr) {
    return Error(Code::kCorruptData, std::string(what) + ": the answer is not a JSON object");
  }
  AccessToken token;
  token.value = Field(*object, "access_token");
  const std::string type = Field(*object, "token_type");
  const auto seconds = Seconds(object->if_contains("expires_in"));
  if (token.value.empty()) {
    return Error(Code::kCorruptData, std::string(what) + ": the answer has no access_token");
  }
  if (!type.empty() && type != "Bearer" && type != "bearer") {
    return Error(Code::kCorruptData, std::string(what) + ": token_type is '" + type +
                                         "', expected Bearer");
  }
  if (!seconds || *seconds <= 0) {
    return Error(Code::kCorruptData, std::string(what) + ": expires_in is missing or not a "
                                                         "positive number of seconds");
  }
  token.lifetime = std::chrono::seconds(*seconds);
  return token;
}

}  // namespace hvr::azure
