// Small JSON files of the local store (disk metadata, recovery point descriptions,
// leases), each carrying an XXH3 checksum of its body so that damage is found, not
// believed, and each replaced atomically (a crash leaves the old or the new file).
//
//   {"body": {...}, "xxh3": "0123456789abcdef"}
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "hvr/error.hpp"
#include "hvr/store.hpp"

namespace hvr {

Status WriteChecksummedJson(const std::string& path, const boost::json::object& body);
// kNotFound when the file does not exist; kCorruptData naming the file and what is wrong.
Result<boost::json::object> ReadChecksummedJson(const std::string& path);

boost::json::object MetadataToJson(const Metadata& metadata);
// `where` names the file for messages.
Result<Metadata> MetadataFromJson(const boost::json::value& value, const std::string& where);

}  // namespace hvr
