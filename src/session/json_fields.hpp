// Reading fields out of a JSON object with errors that name the file and the field. The
// first problem is kept and later reads return defaults, so decoders read every field in
// a row and check once:
//
//   JsonFields f(object, "state.json");
//   state.cycles = f.U64("cycles");
//   if (auto error = f.error()) return *error;
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"

namespace hvr {

class JsonFields {
 public:
  JsonFields(const boost::json::object& object, std::string where)
      : object_(object), where_(std::move(where)) {}

  bool Has(const char* key) const;
  std::string String(const char* key);
  std::optional<std::string> OptionalString(const char* key);
  uint64_t U64(const char* key);
  int64_t I64(const char* key);
  std::optional<int64_t> OptionalI64(const char* key);
  bool Bool(const char* key);
  // Unix seconds that the clock can hold.
  TimePoint Time(const char* key);
  std::optional<TimePoint> OptionalTime(const char* key);
  Guid GuidField(const char* key);
  std::optional<Guid> OptionalGuid(const char* key);
  const boost::json::object& Object(const char* key);
  const boost::json::array& Array(const char* key);
  // Optional members that are objects; null when absent.
  const boost::json::object* OptionalObject(const char* key);

  // A problem the caller found in a value it decoded itself.
  void Fail(const std::string& key, const std::string& what);
  const std::optional<Error>& error() const { return error_; }
  const std::string& where() const { return where_; }

 private:
  const boost::json::value* Find(const char* key, bool required);

  const boost::json::object& object_;
  const std::string where_;
  std::optional<Error> error_;
};

}  // namespace hvr
