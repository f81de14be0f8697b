// Shared access signatures made from an account key (Create an account SAS, version
// 2020-12-06 and later), for handing a container URL to a program that must not hold
// the key. Requests of a store whose target carries a SAS simply append it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"

namespace hvr::azure {

// An account SAS token (query string, no '?') for the Blob service, all resource types,
// the given permissions (e.g. "rwdlacup"), valid until `expiry`, signed with
// sv=kApiVersion.
std::string MakeAccountSas(std::string_view account, const std::vector<uint8_t>& key,
                           std::string_view permissions, TimePoint expiry);

// Checks that the SAS query `sas` (no '?') grants every permission letter of `needed`
// (e.g. "racwdl") on a container and its blobs: sp= holds each letter; an account SAS
// (one with srt= or ss=) covers the Blob service (ss= has b) and containers and objects
// (srt= has c and o); a service SAS is for a container (sr=c). The error names what is
// missing, and never the signature.
Status CheckSasGrants(std::string_view sas, std::string_view needed);

}  // namespace hvr::azure
