#include <aclapi.h>
#include <gtest/gtest.h>
#include <sddl.h>
#include <windows.h>

#include "platform/file_system.hpp"
#include "platform/os_name.hpp"
#include "platform/windows/wide_path.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

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

// Only the current user and SYSTEM (S-1-5-18), with nothing taken from the parent.
void ExpectOwnerAndSystemAlone(const std::string& path) {
  const Grants grants = ReadGrants(path);
  EXPECT_TRUE(grants.protected_from_parent) << path;
  std::vector<std::string> sids = grants.sids;
  std::sort(sids.begin(), sids.end());
  std::vector<std::string> expected = {CurrentUser(), "S-1-5-18"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sids, expected) << path;
}

// Wine 8 accepts access lists but keeps none (no security descriptors on files, the Unix
// mode unchanged), and reads back one made from the mode (docs/windows.md).
constexpr const char* kWineKeepsNoAcls = "Wine keeps no access lists on files";

TEST(OwnerOnlyTest, AFolderForTheOwnerOnlyGrantsTheOwnerAndSystemAlone) {
  if (RunningUnderWine()) GTEST_SKIP() << kWineKeepsNoAcls;
  TempDir dir;
  const std::string folder = dir.path() + "/state";
  ASSERT_TRUE(MakeDirectory(folder).ok());
  ASSERT_TRUE(RestrictToOwner(folder).ok());
  ExpectOwnerAndSystemAlone(folder);
}

TEST(OwnerOnlyTest, OwnerOnlyFilesGrantTheOwnerAndSystemAlone) {
  TempDir dir;
  // Written in a folder anyone may read: the file's own list is what keeps others out.
  const std::string path = dir.path() + "/settings.json";
  ASSERT_TRUE(WriteFileAtomically(path, "one", FileAccess::kOwnerOnly).ok());
  const std::string other = dir.path() + "/other";
  ASSERT_TRUE(WriteFileAtomically(other, "x").ok());
  ASSERT_TRUE(File::Open(other, File::Mode::kCreateOrTruncate, FileAccess::kOwnerOnly).ok());
  const std::string older = dir.path() + "/older";
  EXPECT_TRUE(RestrictExistingFileToOwner(older).ok()) << "no file is no error";
  ASSERT_TRUE(WriteFileAtomically(older, "x").ok());
  ASSERT_TRUE(RestrictExistingFileToOwner(older).ok());
  if (RunningUnderWine()) GTEST_SKIP() << kWineKeepsNoAcls << " (the calls above succeed)";
  ExpectOwnerAndSystemAlone(path);
  ExpectOwnerAndSystemAlone(other);
  ExpectOwnerAndSystemAlone(older);
}

}  // namespace
}  // namespace hvr
