#include "test_util/temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <system_error>

#include "hvr/guid.hpp"
#include "platform/file_system.hpp"
#include "util/path.hpp"

namespace hvr {

TempDir::TempDir() {
  // The system's temporary folder: TMPDIR or /tmp on POSIX, TEMP on Windows.
  const std::filesystem::path base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 8; ++attempt) {
    const std::string candidate = Utf8(base / ("hvr-test-" + Guid::Random().ToString().substr(0, 8)));
    const Status made = MakeDirectory(candidate);
    if (made.ok()) {
      path_ = candidate;
      return;
    }
    if (made.error().code() != Code::kConflict) throw std::runtime_error(made.error().ToString());
  }
  throw std::runtime_error("no fresh temporary folder under " + Utf8(base));
}

std::string TempDir::File(const std::string& name) const {
  return PathIn(path_, name);
}

TempDir::~TempDir() {
  // HVR_KEEP_TEMP=1 keeps every test's folder, to look at what a failed test left.
  if (const char* keep = std::getenv("HVR_KEEP_TEMP"); keep && *keep == '1') return;
  std::error_code ignored;
  std::filesystem::remove_all(PathFromUtf8(path_), ignored);
}

unsigned PermissionsOf(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  return ec ? 0 : static_cast<unsigned>(status.permissions() & std::filesystem::perms::all);
}

}  // namespace hvr
