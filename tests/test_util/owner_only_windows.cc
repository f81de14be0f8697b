#include <aclapi.h>
#include <sddl.h>
#include <windows.h>

#include <algorithm>
#include <vector>

#include "platform/os_name.hpp"
#include "platform/windows/wide_path.hpp"
#include "test_util/owner_only.hpp"

namespace hvr {
namespace {

constexpr const char* kSystem = "S-1-5-18";

// The SIDs an object's access list grants something to, as S-1-5-... strings, and
// whether the list ignores what the parent folder would pass on.
struct Grants {
  std::vector<std::string> sids;
  bool protected_from_parent = false;
};

std::string SidText(PSID sid) {
  wchar_t* text = nullptr;
  if (!::ConvertSidToStringSidW(sid, &text)) return "(unreadable SID)";
  const std::string out = Utf8FromUtf16(text);
  ::LocalFree(text);
  return out;
}

::testing::AssertionResult ReadGrants(const std::string& path, Grants& grants) {
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  std::wstring wide = Utf16(path);
  const DWORD read = ::GetNamedSecurityInfoW(wide.data(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                                             nullptr, &dacl, nullptr, &descriptor);
  if (read != ERROR_SUCCESS) return ::testing::AssertionFailure() << "the access list of " << path << ": error " << read;
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  ::GetSecurityDescriptorControl(descriptor, &control, &revision);
  grants.protected_from_parent = (control & SE_DACL_PROTECTED) != 0;
  for (DWORD i = 0; dacl != nullptr && i < dacl->AceCount; ++i) {
    void* ace = nullptr;
    if (!::GetAce(dacl, i, &ace)) continue;
    auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
    if (allowed->Header.AceType != ACCESS_ALLOWED_ACE_TYPE) {
      ::LocalFree(descriptor);
      return ::testing::AssertionFailure() << path << ": entry " << i << " is not an allowing one";
    }
    grants.sids.push_back(SidText(&allowed->SidStart));
  }
  ::LocalFree(descriptor);
  return ::testing::AssertionSuccess();
}

std::string CurrentUser() {
  HANDLE token = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token)) return "(no process token)";
  std::vector<uint8_t> buffer(256);
  DWORD size = 0;
  const bool read = ::GetTokenInformation(token, TokenUser, buffer.data(), static_cast<DWORD>(buffer.size()), &size);
  ::CloseHandle(token);
  if (!read) return "(no user in the process token)";
  return SidText(reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid);
}

std::string Joined(const std::vector<std::string>& sids) {
  std::string out;
  for (const std::string& sid : sids) out += (out.empty() ? "" : ", ") + sid;
  return out;
}

}  // namespace

// Wine 8 accepts access lists but keeps none (no security descriptors on files, the Unix
// mode unchanged), and reads back one made from the mode.
std::string OwnerOnlyNotKept() { return RunningUnderWine() ? "Wine keeps no access lists on files" : ""; }

::testing::AssertionResult IsOwnerOnly(const std::string& path) {
  Grants grants;
  if (::testing::AssertionResult read = ReadGrants(path, grants); !read) return read;
  std::vector<std::string> expected = {CurrentUser(), kSystem};
  std::sort(expected.begin(), expected.end());
  std::sort(grants.sids.begin(), grants.sids.end());
  if (!grants.protected_from_parent) {
    return ::testing::AssertionFailure() << path << " takes what its parent folder passes on";
  }
  if (grants.sids != expected) {
    return ::testing::AssertionFailure() << path << " grants " << Joined(grants.sids) << ", not only "
                                         << Joined(expected);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult LetEveryoneRead(const std::string& path) {
  BYTE everyone[SECURITY_MAX_SID_SIZE];
  DWORD size = sizeof(everyone);
  if (!::CreateWellKnownSid(WinWorldSid, nullptr, everyone, &size)) {
    return ::testing::AssertionFailure() << "the SID of Everyone: error " << ::GetLastError();
  }
  EXPLICIT_ACCESS_W grant = {};
  grant.grfAccessPermissions = GENERIC_READ;
  grant.grfAccessMode = SET_ACCESS;
  grant.grfInheritance = NO_INHERITANCE;
  grant.Trustee.TrusteeForm = TRUSTEE_IS_SID;
  grant.Trustee.TrusteeType = TRUSTEE_IS_WELL_KNOWN_GROUP;
  grant.Trustee.ptstrName = reinterpret_cast<LPWSTR>(everyone);
  PACL acl = nullptr;
  if (const DWORD built = ::SetEntriesInAclW(1, &grant, nullptr, &acl); built != ERROR_SUCCESS) {
    return ::testing::AssertionFailure() << "an access list for Everyone: error " << built;
  }
  std::wstring wide = Utf16(path);
  const DWORD set = ::SetNamedSecurityInfoW(wide.data(), SE_FILE_OBJECT,
                                            DACL_SECURITY_INFORMATION | UNPROTECTED_DACL_SECURITY_INFORMATION,
                                            nullptr, nullptr, acl, nullptr);
  ::LocalFree(acl);
  if (set != ERROR_SUCCESS) return ::testing::AssertionFailure() << "letting Everyone read " << path << ": error " << set;
  return ::testing::AssertionSuccess();
}

CreatedFilesReadableByOthers::CreatedFilesReadableByOthers() = default;

CreatedFilesReadableByOthers::~CreatedFilesReadableByOthers() = default;

}  // namespace hvr
