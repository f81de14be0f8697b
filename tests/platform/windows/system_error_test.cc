#include "platform/system_error.hpp"

#include <gtest/gtest.h>
#include <windows.h>

namespace hvr {
namespace {

TEST(WindowsSystemErrorTest, Win32ErrorsBecomeHvrCodesWithTheFileNamed) {
  const struct {
    DWORD win32;
    Code code;
  } cases[] = {
      {ERROR_FILE_NOT_FOUND, Code::kNotFound},     {ERROR_PATH_NOT_FOUND, Code::kNotFound},
      {ERROR_DISK_FULL, Code::kLowDiskSpace},      {ERROR_HANDLE_DISK_FULL, Code::kLowDiskSpace},
      {ERROR_NOT_ENOUGH_MEMORY, Code::kLowMemory}, {ERROR_ACCESS_DENIED, Code::kAuthFailed},
      {ERROR_SHARING_VIOLATION, Code::kConflict},  {ERROR_LOCK_VIOLATION, Code::kConflict},
      {ERROR_ALREADY_EXISTS, Code::kConflict},     {ERROR_INVALID_NAME, Code::kInvalidArgument},
      {ERROR_CRC, Code::kIo},
  };
  for (const auto& c : cases) {
    const Error error = NativeError(static_cast<int>(c.win32), "open C:\\vm\\disk.vhdx");
    EXPECT_EQ(error.code(), c.code) << c.win32;
    EXPECT_EQ(error.message().rfind("open C:\\vm\\disk.vhdx: ", 0), 0u) << error.message();
    EXPECT_NE(error.message().find("(error " + std::to_string(c.win32) + ")"), std::string::npos)
        << error.message();
  }
}

TEST(WindowsSystemErrorTest, TheLastErrorIsTheOneReported) {
  ::SetLastError(ERROR_DISK_FULL);
  EXPECT_EQ(LastSystemError("write x").code(), Code::kLowDiskSpace);
}

}  // namespace
}  // namespace hvr
