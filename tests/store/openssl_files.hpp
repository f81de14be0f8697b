// What tests/store/openssl_files.sh made with the openssl program before the tests ran
// (the CTest fixture store.openssl_files): certificates, keys and digests to compare hvr
// against, with no child process in the test program.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "test_util/build_paths.hpp"
#include "test_util/disk_tools.hpp"
#include "util/path.hpp"

namespace hvr::testing {

inline std::string OpensslFile(const std::string& name) {
  const std::string path = Utf8((PathFromUtf8(kOpensslFilesDir) / name).make_preferred());
  if (!std::filesystem::exists(PathFromUtf8(path))) {
    throw std::runtime_error(path + " is missing: run the test through ctest, or tests/store/openssl_files.sh " +
                             kOpensslFilesDir + " first");
  }
  return path;
}

inline std::string OpensslFileText(const std::string& name) {
  const std::vector<uint8_t> bytes = ReadFileBytes(OpensslFile(name));
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace hvr::testing
