#include "platform/file_system.hpp"

#include <aclapi.h>
#include <windows.h>

#include <memory>

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

struct LocalFreer {
  void operator()(void* p) const { ::LocalFree(p); }
};

// The SID of the user this process runs as.
Result<std::unique_ptr<void, LocalFreer>> CurrentUserSid() {
  HANDLE token = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token)) return LastSystemError("open process token");
  DWORD size = 0;
  ::GetTokenInformation(token, TokenUser, nullptr, 0, &size);
  std::unique_ptr<void, LocalFreer> buffer(::LocalAlloc(LMEM_FIXED, size));
  const bool ok = buffer && ::GetTokenInformation(token, TokenUser, buffer.get(), size, &size);
  const DWORD error = ::GetLastError();
  ::CloseHandle(token);
  if (!ok) return NativeError(static_cast<int>(error), "read the process token's user");
  const PSID user = static_cast<TOKEN_USER*>(buffer.get())->User.Sid;
  const DWORD sid_size = ::GetLengthSid(user);
  std::unique_ptr<void, LocalFreer> sid(::LocalAlloc(LMEM_FIXED, sid_size));
  if (!sid || !::CopySid(sid_size, sid.get(), user)) return LastSystemError("copy the process token's user");
  return sid;
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
  HVR_ASSIGN_OR_RETURN(const auto user, CurrentUserSid());
  SID_IDENTIFIER_AUTHORITY nt_authority = SECURITY_NT_AUTHORITY;
  PSID system = nullptr;
  if (!::AllocateAndInitializeSid(&nt_authority, 1, SECURITY_LOCAL_SYSTEM_RID, 0, 0, 0, 0, 0, 0, 0, &system)) {
    return LastSystemError("build the SYSTEM account's SID");
  }
  // Full control for the owner and SYSTEM, inherited by everything created inside.
  EXPLICIT_ACCESS_W grants[2] = {};
  const PSID sids[2] = {user.get(), system};
  for (int i = 0; i < 2; ++i) {
    grants[i].grfAccessPermissions = GENERIC_ALL;
    grants[i].grfAccessMode = SET_ACCESS;
    grants[i].grfInheritance = SUB_CONTAINERS_AND_OBJECTS_INHERIT;
    grants[i].Trustee.TrusteeForm = TRUSTEE_IS_SID;
    grants[i].Trustee.TrusteeType = TRUSTEE_IS_USER;
    grants[i].Trustee.ptstrName = static_cast<LPWSTR>(sids[i]);
  }
  PACL acl = nullptr;
  const DWORD built = ::SetEntriesInAclW(2, grants, nullptr, &acl);
  ::FreeSid(system);
  if (built != ERROR_SUCCESS) return NativeError(static_cast<int>(built), "build the access list for " + folder);
  std::unique_ptr<void, LocalFreer> acl_owner(acl);
  std::wstring wide = Utf16(folder);
  // PROTECTED: nothing is inherited from the parent folder, so its readers (Users,
  // Administrators...) lose access here, as chmod 0700 does.
  const DWORD set = ::SetNamedSecurityInfoW(wide.data(), SE_FILE_OBJECT,
                                            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                            nullptr, nullptr, acl, nullptr);
  if (set != ERROR_SUCCESS) return NativeError(static_cast<int>(set), "restrict access to " + folder);
  return Ok();
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
