// Shared access signatures made from an account key (Create an account SAS, version
// 2020-12-06 and later), for handing a container URL to a program that must not hold
// the key. Requests of a store whose target carries a SAS simply append it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hvr/clock.hpp"

namespace hvr::azure {

// An account SAS token (query string, no '?') for the Blob service, all resource types,
// the given permissions (e.g. "rwdlacup"), valid until `expiry`, signed with
// sv=kApiVersion.
std::string MakeAccountSas(std::string_view account, const std::vector<uint8_t>& key,
                           std::string_view permissions, TimePoint expiry);

}  // namespace hvr::azure
