#include "util/file.hpp"

#include <filesystem>
#include <vector>

#include "util/path.hpp"

namespace hvr {

Result<std::string> ReadWholeFile(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(File file, File::Open(path, File::Mode::kRead));
  HVR_ASSIGN_OR_RETURN(const uint64_t size, file.Size());
  std::string content(static_cast<size_t>(size), '\0');
  HVR_RETURN_IF_ERROR(
      file.ReadAt(0, std::span(reinterpret_cast<uint8_t*>(content.data()), content.size())));
  return content;
}

Status WriteFileAtomically(const std::string& path, std::string_view content, FileAccess access) {
  return WriteFileAtomically(path, std::span<const std::string_view>(&content, 1), access);
}

Status WriteFileAtomically(const std::string& path, std::span<const std::string_view> pieces, FileAccess access) {
  const std::string temp = path + ".tmp";
  {
    // The temporary gets the mode first: the content is never readable by others.
    HVR_ASSIGN_OR_RETURN(File file, File::Open(temp, File::Mode::kCreateOrTruncate, access));
    uint64_t offset = 0;
    for (const std::string_view piece : pieces) {
      HVR_RETURN_IF_ERROR(file.WriteAt(
          offset, std::span(reinterpret_cast<const uint8_t*>(piece.data()), piece.size())));
      offset += piece.size();
    }
    HVR_RETURN_IF_ERROR(file.SyncAll());
  }
  HVR_RETURN_IF_ERROR(RenameReplacing(temp, path));
  return SyncDirectory(FolderOf(path));
}

void RemoveTree(const std::string& path) {
  // The whole listing first, then the removals: std::filesystem::remove_all lists the
  // folder again after each removal, and never ends where a removed file that is still
  // open keeps its name.
  std::error_code ignored;
  const std::filesystem::path root = PathFromUtf8(path);
  std::vector<std::filesystem::path> entries;
  for (std::filesystem::recursive_directory_iterator it(root, ignored), end; !ignored && it != end;
       it.increment(ignored)) {
    entries.push_back(it->path());
  }
  // A folder is listed before what it holds: backwards, each is empty when its turn comes.
  for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry) std::filesystem::remove(*entry, ignored);
  std::filesystem::remove(root, ignored);
}

}  // namespace hvr
