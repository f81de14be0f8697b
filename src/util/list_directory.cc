#include "util/list_directory.hpp"

#include <filesystem>

#include "platform/system_error.hpp"
#include "util/path.hpp"

namespace hvr {

Result<std::vector<std::string>> ListDirectory(const std::string& path) {
  std::error_code ec;
  std::vector<std::string> names;
  for (std::filesystem::directory_iterator it(PathFromUtf8(path), ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(Utf8(it->path().filename()));
  }
  if (ec) return SystemError(ec, "list folder " + path);
  return names;
}

}  // namespace hvr
