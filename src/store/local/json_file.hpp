// The local store's JSON files (disk metadata, recovery point descriptions, leases) are
// checksummed JSON (util/checksummed_json.hpp); this is how metadata looks in them.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "hvr/error.hpp"
#include "hvr/store.hpp"
#include "util/checksummed_json.hpp"

namespace hvr {

boost::json::object MetadataToJson(const Metadata& metadata);
// `where` names the file for messages.
Result<Metadata> MetadataFromJson(const boost::json::value& value, const std::string& where);

// A size in bytes as the files hold it: a positive integer; nullopt for anything else,
// a missing field (null) included.
std::optional<uint64_t> PositiveSizeIn(const boost::json::value* value);

}  // namespace hvr
