// ASCII case folding for protocol and file-system text: header names, connection-string
// keys, URL schemes, units, file extensions. std::tolower follows the process's locale,
// which an embedding program may change; these never do, and leave bytes above 127 alone.
#pragma once

#include <string>
#include <string_view>

namespace hvr {

constexpr char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

constexpr bool AsciiEqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

}  // namespace hvr
