#include "util/file.hpp"

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

}  // namespace hvr
