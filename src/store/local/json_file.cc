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

std::optional<uint64_t> PositiveSizeIn(const boost::json::value* value) {
  if (value && value->is_uint64() && value->get_uint64() > 0) return value->get_uint64();
  if (value && value->is_int64() && value->get_int64() > 0) return static_cast<uint64_t>(value->get_int64());
  return std::nullopt;
}

}  // namespace hvr
