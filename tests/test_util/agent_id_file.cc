// Every test program keeps the agent id of the sessions it runs, and of the hvrepl
// processes it starts, in a temporary folder of its own: a test never reads or writes the
// user's own agent id file (docs/session.md "Leases"). Linked into each test program
// (hvr_test_executable), it names the file in HVR_AGENT_ID_FILE before main runs; tests
// that need another agent name another file in their session options.
#include <cstdio>
#include <cstdlib>

#include "platform/environment.hpp"
#include "session/agent_identity.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

struct TestAgentIdFile {
  TempDir folder;
  TestAgentIdFile() {
    const Status set = SetEnvironmentValue(kAgentIdFileVariable, folder.File("agent-id").c_str());
    if (!set.ok()) {
      std::fprintf(stderr, "cannot set %s: %s\n", kAgentIdFileVariable, set.error().ToString().c_str());
      std::abort();
    }
  }
};

const TestAgentIdFile test_agent_id_file;

}  // namespace
}  // namespace hvr
