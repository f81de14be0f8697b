// Where the build tree put the programs that tests run and the files they read. The values
// are defined in a source that tests/CMakeLists.txt generates for each test program that
// needs them (hvr_test_build_paths), not given to every source as compile definitions: a
// test object then holds no path of its clone, and a compiler cache serves it to a clone at
// another path (docs/ci-time.md). A program that uses a name it was not given fails to link.
#pragma once

namespace hvr::testing {

extern const char* const kHvreplPath;       // examples/hvrepl
extern const char* const kGuestPath;        // examples/guest (hvr-guest)
extern const char* const kFaultProxyPath;   // hvr-fault-proxy
extern const char* const kOpensslFilesDir;  // what tests/store/openssl_files.sh made
extern const char* const kQemuImagesDir;    // the fixture of tests/integration/qemu_images.sh
extern const char* const kHrlImagesDir;     // the fixture of tests/integration/hrl_images.sh

}  // namespace hvr::testing
