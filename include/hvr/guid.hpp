// A GUID as Microsoft's formats store it (MS-DTYP): Data1-3 little-endian, Data4 as bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "hvr/error.hpp"

namespace hvr {

struct Guid {
  std::array<uint8_t, 16> bytes{};  // the on-disk byte order

  bool IsZero() const;
  // "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower case, in the usual textual order.
  std::string ToString() const;
  // Parses ToString()'s form, with or without braces.
  static Result<Guid> Parse(std::string_view text);
  // A random (version 4) GUID from OpenSSL's CSPRNG.
  static Guid Random();

  friend bool operator==(const Guid&, const Guid&) = default;
};

}  // namespace hvr
