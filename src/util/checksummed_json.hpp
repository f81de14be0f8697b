// Small JSON files that must not be believed when damaged: each carries an XXH3 checksum
// of its body and is replaced atomically (a crash leaves the old or the new file). The
// local store keeps its metadata, recovery points and leases in them, sessions their
// state journal.
//
//   {"body": {...}, "xxh3": "0123456789abcdef"}
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "hvr/error.hpp"
#include "util/file.hpp"

namespace hvr {

Status WriteChecksummedJson(const std::string& path, const boost::json::object& body,
                            FileAccess access = FileAccess::kShared);
// kNotFound when the file does not exist; kCorruptData naming the file and what is wrong.
Result<boost::json::object> ReadChecksummedJson(const std::string& path);

}  // namespace hvr
