#include "session/json_fields.hpp"

namespace hvr {
namespace {

const boost::json::object& EmptyObject() {
  static const boost::json::object empty;
  return empty;
}

const boost::json::array& EmptyArray() {
  static const boost::json::array empty;
  return empty;
}

}  // namespace

bool JsonFields::Has(const char* key) const {
  const auto* v = object_.if_contains(key);
  return v && !v->is_null();
}

void JsonFields::Fail(const std::string& key, const std::string& what) {
  if (!error_) error_ = Error(Code::kCorruptData, where_ + ": field \"" + key + "\": " + what);
}

const boost::json::value* JsonFields::Find(const char* key, bool required) {
  const auto* v = object_.if_contains(key);
  if (v && !v->is_null()) return v;
  if (required) Fail(key, "missing");
  return nullptr;
}

std::string JsonFields::String(const char* key) {
  const auto* v = Find(key, true);
  if (!v) return {};
  if (!v->is_string()) {
    Fail(key, "not a string");
    return {};
  }
  return std::string(v->get_string());
}

std::optional<std::string> JsonFields::OptionalString(const char* key) {
  if (!Has(key)) return std::nullopt;
  return String(key);
}

uint64_t JsonFields::U64(const char* key) {
  const auto* v = Find(key, true);
  if (!v) return 0;
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64() && v->get_int64() >= 0) return static_cast<uint64_t>(v->get_int64());
  Fail(key, "not a non-negative integer");
  return 0;
}

int64_t JsonFields::I64(const char* key) {
  const auto* v = Find(key, true);
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->get_uint64());
  }
  Fail(key, "not an integer");
  return 0;
}

std::optional<int64_t> JsonFields::OptionalI64(const char* key) {
  if (!Has(key)) return std::nullopt;
  return I64(key);
}

bool JsonFields::Bool(const char* key) {
  const auto* v = Find(key, true);
  if (!v) return false;
  if (!v->is_bool()) {
    Fail(key, "not true or false");
    return false;
  }
  return v->get_bool();
}

TimePoint JsonFields::Time(const char* key) {
  const int64_t seconds = I64(key);
  if (error_) return {};
  const auto t = FromUnixSeconds(seconds);
  if (!t) {
    Fail(key, std::to_string(seconds) + " seconds since 1970 is beyond the years a clock can hold");
    return {};
  }
  return *t;
}

std::optional<TimePoint> JsonFields::OptionalTime(const char* key) {
  if (!Has(key)) return std::nullopt;
  return Time(key);
}

Guid JsonFields::GuidField(const char* key) {
  const std::string text = String(key);
  if (error_) return {};
  auto guid = Guid::Parse(text);
  if (!guid.ok()) {
    Fail(key, "not a GUID");
    return {};
  }
  return *guid;
}

std::optional<Guid> JsonFields::OptionalGuid(const char* key) {
  if (!Has(key)) return std::nullopt;
  return GuidField(key);
}

const boost::json::object& JsonFields::Object(const char* key) {
  const auto* v = Find(key, true);
  if (!v) return EmptyObject();
  if (!v->is_object()) {
    Fail(key, "not an object");
    return EmptyObject();
  }
  return v->get_object();
}

const boost::json::object* JsonFields::OptionalObject(const char* key) {
  if (!Has(key)) return nullptr;
  const auto& o = Object(key);
  return error_ ? nullptr : &o;
}

const boost::json::array& JsonFields::Array(const char* key) {
  const auto* v = Find(key, true);
  if (!v) return EmptyArray();
  if (!v->is_array()) {
    Fail(key, "not an array");
    return EmptyArray();
  }
  return v->get_array();
}

}  // namespace hvr
