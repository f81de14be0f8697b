#include "disk/parent_path.hpp"

#include <filesystem>
#include <system_error>

#include "util/ascii.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

namespace fs = std::filesystem;

std::string Slashes(std::string text, char from, char to) {
  for (char& c : text) {
    if (c == from) c = to;
  }
  return text;
}

bool HasDriveLetter(const std::string& text) {
  return text.size() >= 2 && text[1] == ':' &&
         ((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= 'A' && text[0] <= 'Z'));
}

// Windows file names are case-insensitive, so a chain copied from Hyper-V may name its
// parent "Base.VHDX" for a file now called "base.vhdx": the one file of the folder whose
// name matches but for case, when there is exactly one.
std::optional<std::string> MatchIgnoringCase(const fs::path& path) {
  const std::string wanted = AsciiLower(Utf8(path.filename()));
  std::error_code ec;
  std::optional<std::string> found;
  for (const auto& entry : fs::directory_iterator(path.parent_path(), ec)) {
    if (AsciiLower(Utf8(entry.path().filename())) != wanted || !entry.is_regular_file(ec)) continue;
    if (found) return std::nullopt;  // ambiguous
    found = Utf8(entry.path());
  }
  return found;
}

}  // namespace

std::optional<std::string> HintToHostPath(const std::string& child_path, const ParentPathHint& hint) {
  std::string value = hint.value;
  if (value.empty()) return std::nullopt;
  if (hint.relative) {
    if (HasDriveLetter(value) || value.starts_with("\\\\")) return std::nullopt;
    const fs::path folder = fs::absolute(PathFromUtf8(child_path)).parent_path();
    return Utf8((folder / PathFromUtf8(Slashes(value, '\\', '/'))).lexically_normal());
  }
  if (value.starts_with("file://")) {  // VHD MacX: file://host/path
    value = value.substr(7);
    const size_t slash = value.find('/');
    if (slash == std::string::npos) return std::nullopt;
    return Utf8(PathFromUtf8(value.substr(slash)).lexically_normal());
  }
  if (value.starts_with("\\\\?\\")) value = value.substr(4);
  if (value.starts_with("Volume{") || value.starts_with("UNC\\") || value.starts_with("\\\\")) {
    return std::nullopt;
  }
  // What is absolute depends on the host: "C:/vm/p.vhdx" on Windows, "/vm/p.vhdx" on
  // POSIX (where a drive letter names nothing), and neither is on the other.
  const fs::path path = PathFromUtf8(Slashes(value, '\\', '/'));
  if (!path.is_absolute()) return std::nullopt;
  return Utf8(path.lexically_normal());
}

Result<std::string> FindParentFile(const std::string& child_path, const std::vector<ParentPathHint>& hints) {
  std::string tried;
  for (const ParentPathHint& hint : hints) {
    const std::optional<std::string> path = HintToHostPath(child_path, hint);
    tried += (tried.empty() ? "" : "; ") + hint.key + " \"" + hint.value + "\"";
    if (!path) {
      tried += " (not a path on this host)";
      continue;
    }
    std::error_code ec;
    if (fs::is_regular_file(PathFromUtf8(*path), ec)) return *path;
    if (const auto other_case = MatchIgnoringCase(PathFromUtf8(*path))) return *other_case;
    tried += " -> " + *path + " (not found)";
  }
  if (hints.empty()) tried = "the locator records no path";
  return Error(Code::kBrokenChain, child_path + ": parent disk not found: " + tried);
}

std::string WindowsRelativePath(const std::string& child_path, const std::string& parent_path) {
  const fs::path folder = fs::absolute(PathFromUtf8(child_path)).parent_path().lexically_normal();
  const fs::path parent = fs::absolute(PathFromUtf8(parent_path)).lexically_normal();
  std::string relative = Utf8(parent.lexically_relative(folder));
  if (!relative.starts_with("..")) relative = "./" + relative;
  return Slashes(relative, '/', '\\');
}

std::string Win32AbsolutePath(const std::string& parent_path) {
  return "\\\\?\\" + Slashes(Utf8(fs::absolute(PathFromUtf8(parent_path)).lexically_normal()), '/', '\\');
}

}  // namespace hvr
