// The token request of the OAuth 2.0 client credentials grant at Microsoft Entra ID's v2.0
// endpoint, and its answer: an access token for Azure Storage, or the error the endpoint
// names (error, error_description with its AADSTS code).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "hvr/error.hpp"
#include "store/azure/azure_target.hpp"

namespace hvr::azure {

// Every Azure Storage account, in every cloud, accepts tokens for this resource.
inline constexpr std::string_view kStorageScope = "https://storage.azure.com/.default";

// "/{tenant}/oauth2/v2.0/token", the path on the authority host.
std::string TokenPath(const ServicePrincipal& principal);
// The whole URL, which is also the audience of a client assertion.
std::string TokenUrl(const ServicePrincipal& principal);

// The form body (application/x-www-form-urlencoded) asking for a storage token with the
// principal's secret, or with `assertion` when the principal has a certificate.
std::string TokenRequestBody(const ServicePrincipal& principal, std::string_view assertion);

struct AccessToken {
  std::string value;
  std::chrono::seconds lifetime{0};  // expires_in: from when the request was sent
};

// The token of a 200 answer, or the error of any other: 408, 429 and 5xx are recoverable
// (timeout; throttled; throttled or network, as for the Blob service); every other
// status, invalid_client, unauthorized_client and an unknown certificate among them, is
// auth_failed. A 200 without a token is corrupt_data. `what` names the request.
Result<AccessToken> ParseTokenResponse(unsigned status, std::string_view body,
                                       std::string_view what);

}  // namespace hvr::azure
