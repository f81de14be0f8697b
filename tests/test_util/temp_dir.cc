#include "test_util/temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace hvr {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/hvr-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  // HVR_KEEP_TEMP=1 keeps every test's folder, to look at what a failed test left.
  if (const char* keep = std::getenv("HVR_KEEP_TEMP"); keep && *keep == '1') return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

unsigned PermissionsOf(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  return ec ? 0 : static_cast<unsigned>(status.permissions() & std::filesystem::perms::all);
}

}  // namespace hvr
