// ChooseWinHttpProxy (platform/system_proxy.hpp).
#include <cctype>

#include "platform/system_proxy.hpp"

namespace hvr {
namespace {

// Calls `each` with the entries of a list separated by ';' or white space.
template <typename Each>
void ForEachEntry(std::string_view list, Each each) {
  size_t pos = 0;
  while (pos < list.size()) {
    const size_t end = list.find_first_of("; \t\r\n", pos);
    const std::string_view entry = list.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (!entry.empty()) each(entry);
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
}

bool SameLetter(char a, char b) {
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

// `pattern` with '*' standing for any run of characters.
bool Matches(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (size_t skip = 0; skip <= text.size(); ++skip) {
      if (Matches(pattern.substr(1), text.substr(skip))) return true;
    }
    return false;
  }
  return !text.empty() && SameLetter(pattern.front(), text.front()) && Matches(pattern.substr(1), text.substr(1));
}

bool Bypassed(std::string_view bypass, std::string_view host) {
  bool bypassed = false;
  ForEachEntry(bypass, [&](std::string_view pattern) {
    if (pattern == "<local>") {
      bypassed = bypassed || host.find('.') == std::string_view::npos;
    } else {
      bypassed = bypassed || Matches(pattern, host);
    }
  });
  return bypassed;
}

}  // namespace

std::optional<std::string> ChooseWinHttpProxy(std::string_view proxies, std::string_view bypass,
                                              std::string_view host, bool https) {
  if (Bypassed(bypass, host)) return std::nullopt;
  const std::string_view scheme = https ? "https" : "http";
  std::optional<std::string> for_scheme;
  std::optional<std::string> for_all;
  ForEachEntry(proxies, [&](std::string_view entry) {
    const size_t equals = entry.find('=');
    if (equals == std::string_view::npos) {
      if (!for_all) for_all = std::string(entry);
    } else if (entry.substr(0, equals) == scheme && equals + 1 < entry.size() && !for_scheme) {
      for_scheme = std::string(entry.substr(equals + 1));
    }
  });
  return for_scheme ? for_scheme : for_all;
}

}  // namespace hvr
