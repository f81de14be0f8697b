// A Windows test program cannot start Azurite, a Linux program, under Wine, nor wait for
// it (docs/windows.md): it only ever uses the one a fixture started (HVR_TEST_AZURITE).
#include <stdexcept>

#include "test_util/azurite.hpp"

namespace hvr {

void Azurite::Start(const Options&) {
  throw std::runtime_error(std::string("a Windows test cannot start Azurite: set ") + kFixtureVariable +
                           " to the folder of one that tests/test_util/azurite_fixture.sh started");
}

void Azurite::Stop() {}

}  // namespace hvr
