#include "disk/new_file.hpp"

#include <filesystem>
#include <system_error>

#include "disk/disk_checks.hpp"
#include "hvr/guid.hpp"
#include "util/path.hpp"

namespace hvr {

Result<NewFile> NewFile::Create(const std::string& path, DiskFormat format, bool overwrite) {
  HVR_RETURN_IF_ERROR(CheckNameClaims(path, format));
  std::error_code ec;
  if (!overwrite && std::filesystem::symlink_status(PathFromUtf8(path), ec).type() != std::filesystem::file_type::not_found) {
    return Error(Code::kConflict, path + ": already exists; hvr does not replace it");
  }
  const std::string temp = path + ".hvr-" + Guid::Random().ToString().substr(0, 8) + ".tmp";
  HVR_ASSIGN_OR_RETURN(File file, File::Open(temp, File::Mode::kCreateExclusive));
  return NewFile(std::move(file), path, temp, overwrite);
}

NewFile::NewFile(NewFile&& other) noexcept
    : file_(std::move(other.file_)),
      path_(std::move(other.path_)),
      temp_path_(std::move(other.temp_path_)),
      overwrite_(other.overwrite_),
      published_(other.published_) {
  other.published_ = true;  // the moved-from object owns nothing to clean up
}

NewFile::~NewFile() {
  if (!published_) static_cast<void>(RemoveFileIfExists(temp_path_));
}

Status NewFile::Publish(bool sync) {
  if (sync) HVR_RETURN_IF_ERROR(file_.Sync());
  HVR_RETURN_IF_ERROR(overwrite_ ? RenameReplacing(temp_path_, path_) : RenameNoReplace(temp_path_, path_));
  published_ = true;
  if (!sync) return Ok();
  return SyncDirectory(FolderOf(path_));
}

}  // namespace hvr
