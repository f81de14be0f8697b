#include <aclapi.h>
#include <gtest/gtest.h>
#include <sddl.h>
#include <windows.h>

#include "platform/file_system.hpp"
#include "platform/os_name.hpp"
#include "platform/windows/wide_path.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

// The SIDs the folder's access list grants something to, as S-1-5-... strings, and
// whether the list ignores what the parent folder would pass on.
struct Grants {
  std::vector<std::string> sids;
  bool protected_from_parent = false;
};

Grants ReadGrants(const std::string& folder) {
  Grants grants;
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  std::wstring wide = Utf16(folder);
  EXPECT_EQ(::GetNamedSecurityInfoW(wide.data(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl,
                                    nullptr, &descriptor),
            static_cast<DWORD>(ERROR_SUCCESS));
  if (descriptor == nullptr) return grants;
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  ::GetSecurityDescriptorControl(descriptor, &control, &revision);
  grants.protected_from_parent = (control & SE_DACL_PROTECTED) != 0;
  for (DWORD i = 0; dacl != nullptr && i < dacl->AceCount; ++i) {
    void* ace = nullptr;
    if (!::GetAce(dacl, i, &ace)) continue;
    auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
    EXPECT_EQ(allowed->Header.AceType, ACCESS_ALLOWED_ACE_TYPE);
    wchar_t* text = nullptr;
    if (::ConvertSidToStringSidW(&allowed->SidStart, &text)) {
      grants.sids.push_back(Utf8FromUtf16(text));
      ::LocalFree(text);
    }
  }
  ::LocalFree(descriptor);
  return grants;
}

std::string CurrentUser() {
  HANDLE token = nullptr;
  EXPECT_TRUE(::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token));
  std::vector<uint8_t> buffer(256);
  DWORD size = 0;
  EXPECT_TRUE(::GetTokenInformation(token, TokenUser, buffer.data(), static_cast<DWORD>(buffer.size()), &size));
  ::CloseHandle(token);
  wchar_t* text = nullptr;
  EXPECT_TRUE(::ConvertSidToStringSidW(reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid, &text));
  const std::string sid = Utf8FromUtf16(text);
  ::LocalFree(text);
  return sid;
}

TEST(OwnerOnlyTest, AFolderForTheOwnerOnlyGrantsTheOwnerAndSystemAlone) {
  if (RunningUnderWine()) {
    // Wine 8 accepts the access list but keeps none (no security descriptors on files,
    // the Unix mode unchanged), and reads back one made from the mode (docs/windows.md).
    GTEST_SKIP() << "Wine keeps no access lists on files";
  }
  TempDir dir;
  const std::string folder = dir.path() + "/state";
  ASSERT_TRUE(MakeDirectory(folder).ok());
  ASSERT_TRUE(RestrictToOwner(folder).ok());
  const Grants grants = ReadGrants(folder);
  EXPECT_TRUE(grants.protected_from_parent);
  std::vector<std::string> sids = grants.sids;
  std::sort(sids.begin(), sids.end());
  std::vector<std::string> expected = {CurrentUser(), "S-1-5-18"};  // S-1-5-18: SYSTEM
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sids, expected);
}

}  // namespace
}  // namespace hvr
