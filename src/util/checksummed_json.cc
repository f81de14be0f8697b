#include "util/checksummed_json.hpp"

#include <xxhash.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "util/file.hpp"
#include "util/hex.hpp"

namespace hvr {
namespace {

std::string BodyChecksum(const boost::json::object& body) {
  const std::string text = boost::json::serialize(body);
  const uint64_t sum = XXH3_64bits(text.data(), text.size());
  return Hex64(sum).substr(2);
}

Error Corrupt(const std::string& path, const std::string& what) {
  return Error(Code::kCorruptData, path + ": " + what);
}

}  // namespace

Status WriteChecksummedJson(const std::string& path, const boost::json::object& body, FileAccess access) {
  boost::json::object file;
  file["body"] = body;
  file["xxh3"] = BodyChecksum(body);
  return WriteFileAtomically(path, boost::json::serialize(file) + "\n", access);
}

Result<boost::json::object> ReadChecksummedJson(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(path));
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec) return Corrupt(path, "not JSON (" + ec.message() + ")");
  const auto* file = value.if_object();
  const auto* body = file ? file->if_contains("body") : nullptr;
  const auto* sum = file ? file->if_contains("xxh3") : nullptr;
  if (!body || !body->is_object() || !sum || !sum->is_string()) {
    return Corrupt(path, "expected an object with \"body\" and \"xxh3\"");
  }
  const std::string computed = BodyChecksum(body->get_object());
  if (sum->get_string() != computed) {
    return Corrupt(path, "xxh3 expected " + computed + ", found " +
                             std::string(sum->get_string()));
  }
  return body->get_object();
}

}  // namespace hvr
