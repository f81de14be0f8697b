#include "platform/file_system.hpp"

#include <aclapi.h>
#include <windows.h>

#include <memory>

#include "platform/windows/owner_only_acl.hpp"
#include "platform/windows/wide_path.hpp"

namespace hvr {
namespace {

Status Move(const std::string& from, const std::string& to, DWORD flags) {
  HVR_ASSIGN_OR_RETURN(const std::wstring wide_from, LongPath(from));
  HVR_ASSIGN_OR_RETURN(const std::wstring wide_to, LongPath(to));
  // MOVEFILE_WRITE_THROUGH returns only once the rename is on disk: what fsyncing the
  // folder does on POSIX.
  if (!::MoveFileExW(wide_from.c_str(), wide_to.c_str(), flags | MOVEFILE_WRITE_THROUGH)) {
    return LastSystemError("rename " + from + " to " + to);
  }
  return Ok();
}

Status SetOwnerOnlyAcl(const std::string& path, DWORD inheritance) {
  HVR_ASSIGN_OR_RETURN(const OwnedAcl acl, OwnerAndSystemAcl(inheritance, path));
  std::wstring wide = Utf16(path);
  const DWORD set = ::SetNamedSecurityInfoW(wide.data(), SE_FILE_OBJECT, kProtectedAcl, nullptr, nullptr, acl.get(), nullptr);
  if (set != ERROR_SUCCESS) return NativeError(static_cast<int>(set), "restrict access to " + path);
  return Ok();
}

}  // namespace

Status RenameReplacing(const std::string& from, const std::string& to) {
  return Move(from, to, MOVEFILE_REPLACE_EXISTING);
}

Status RenameNoReplace(const std::string& from, const std::string& to) { return Move(from, to, 0); }

Status RemoveFile(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(const std::wstring wide, LongPath(path));
  if (!::DeleteFileW(wide.c_str())) return LastSystemError("remove " + path);
  return Ok();
}

Status RemoveFileIfExists(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(const std::wstring wide, LongPath(path));
  if (!::DeleteFileW(wide.c_str())) {
    const DWORD error = ::GetLastError();
    if (error != ERROR_FILE_NOT_FOUND && error != ERROR_PATH_NOT_FOUND) {
      return NativeError(static_cast<int>(error), "remove " + path);
    }
  }
  return Ok();
}

Status MakeDirectory(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(const std::wstring wide, LongPath(path));
  if (!::CreateDirectoryW(wide.c_str(), nullptr)) return LastSystemError("create folder " + path);
  return Ok();
}

Status SyncDirectory(const std::string&) { return Ok(); }

Status RestrictToOwner(const std::string& folder) {
  // Inherited by everything created inside: its files are owner-only without an access
  // list of their own.
  return SetOwnerOnlyAcl(folder, SUB_CONTAINERS_AND_OBJECTS_INHERIT);
}

Status RestrictExistingFileToOwner(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(const std::wstring wide, LongPath(path));
  if (::GetFileAttributesW(wide.c_str()) == INVALID_FILE_ATTRIBUTES) {
    const DWORD error = ::GetLastError();
    if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) return Ok();
    return NativeError(static_cast<int>(error), "read the attributes of " + path);
  }
  return SetOwnerOnlyAcl(path, NO_INHERITANCE);
}

Result<FileIdentity> IdentityOfFile(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(const std::wstring wide, LongPath(path));
  // No access is asked for, only attributes; BACKUP_SEMANTICS lets folders open too.
  const HANDLE handle = ::CreateFileW(wide.c_str(), FILE_READ_ATTRIBUTES,
                                      FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                                      FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (handle == INVALID_HANDLE_VALUE) return LastSystemError("identify " + path);
  BY_HANDLE_FILE_INFORMATION info{};
  const bool ok = ::GetFileInformationByHandle(handle, &info);
  const DWORD error = ::GetLastError();
  ::CloseHandle(handle);
  if (!ok) return NativeError(static_cast<int>(error), "identify " + path);
  return FileIdentity{info.dwVolumeSerialNumber, (static_cast<uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow};
}

}  // namespace hvr
