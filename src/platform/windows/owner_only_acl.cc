#include "platform/windows/owner_only_acl.hpp"

#include <aclapi.h>

#include "platform/system_error.hpp"

namespace hvr {
namespace {

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

Result<OwnedAcl> OwnerAndSystemAcl(DWORD inheritance, const std::string& what) {
  HVR_ASSIGN_OR_RETURN(const auto user, CurrentUserSid());
  SID_IDENTIFIER_AUTHORITY nt_authority = SECURITY_NT_AUTHORITY;
  PSID system = nullptr;
  if (!::AllocateAndInitializeSid(&nt_authority, 1, SECURITY_LOCAL_SYSTEM_RID, 0, 0, 0, 0, 0, 0, 0, &system)) {
    return LastSystemError("build the SYSTEM account's SID");
  }
  EXPLICIT_ACCESS_W grants[2] = {};
  const PSID sids[2] = {user.get(), system};
  for (int i = 0; i < 2; ++i) {
    grants[i].grfAccessPermissions = GENERIC_ALL;
    grants[i].grfAccessMode = SET_ACCESS;
    grants[i].grfInheritance = inheritance;
    grants[i].Trustee.TrusteeForm = TRUSTEE_IS_SID;
    grants[i].Trustee.TrusteeType = TRUSTEE_IS_USER;
    grants[i].Trustee.ptstrName = static_cast<LPWSTR>(sids[i]);
  }
  PACL acl = nullptr;
  const DWORD built = ::SetEntriesInAclW(2, grants, nullptr, &acl);
  ::FreeSid(system);
  if (built != ERROR_SUCCESS) return NativeError(static_cast<int>(built), "build the access list for " + what);
  return OwnedAcl(acl);
}

}  // namespace hvr
