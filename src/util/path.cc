#include "util/path.hpp"

namespace hvr {

std::filesystem::path PathFromUtf8(std::string_view utf8) {
  return std::filesystem::path(std::u8string(utf8.begin(), utf8.end()));
}

std::string Utf8(const std::filesystem::path& path) {
  const std::u8string text = path.u8string();
  return std::string(text.begin(), text.end());
}

std::string AbsolutePath(std::string_view path) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(PathFromUtf8(path), ec);
  return ec ? std::string(path) : Utf8(absolute.lexically_normal());
}

std::string PathIn(std::string_view folder, std::string_view name) {
  return Utf8(PathFromUtf8(folder) / PathFromUtf8(name).make_preferred());
}

std::string FolderOf(const std::string& path) {
  const std::string folder = Utf8(PathFromUtf8(path).parent_path());
  return folder.empty() ? "." : folder;
}

}  // namespace hvr
