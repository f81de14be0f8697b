#include "store/local/json_file.hpp"

namespace hvr {

boost::json::object MetadataToJson(const Metadata& metadata) {
  boost::json::object out;
  for (const auto& [key, value] : metadata) out[key] = value;
  return out;
}

Result<Metadata> MetadataFromJson(const boost::json::value& value, const std::string& where) {
  const auto* object = value.if_object();
  if (!object) return Error(Code::kCorruptData, where + ": metadata is not an object");
  Metadata out;
  for (const auto& [key, v] : *object) {
    if (!v.is_string()) return Error(Code::kCorruptData, where + ": metadata value of '" + std::string(key) + "' is not a string");
    out[std::string(key)] = std::string(v.get_string());
  }
  return out;
}

}  // namespace hvr
