// Where the agent id is kept: the session options' file, else the one HVR_AGENT_ID_FILE
// names, each checked to name a file (docs/session.md "Leases").
#include "session/agent_identity.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "hvr/session_options.hpp"
#include "platform/environment.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

// Names `file` in HVR_AGENT_ID_FILE for one test, and puts the program's own back after.
class AgentIdVariable {
 public:
  explicit AgentIdVariable(const std::string& file) {
    if (const char* was = std::getenv(kAgentIdFileVariable)) was_ = was;
    EXPECT_TRUE(SetEnvironmentValue(kAgentIdFileVariable, file.c_str()).ok());
  }
  ~AgentIdVariable() { (void)SetEnvironmentValue(kAgentIdFileVariable, was_ ? was_->c_str() : nullptr); }

 private:
  std::optional<std::string> was_;
};

TEST(AgentIdentityTest, TheVariableNamesTheFileWhenTheOptionsNameNone) {
  TempDir dir;
  const std::string file = dir.File("service/agent-id");
  AgentIdVariable variable(file);
  ASSERT_OK_AND_ASSIGN(const std::string named, DefaultAgentIdFile());
  EXPECT_EQ(named, file);
  ASSERT_OK_AND_ASSIGN(const Guid made, LoadAgentId(""));
  EXPECT_TRUE(std::filesystem::exists(file));
  ASSERT_OK_AND_ASSIGN(const Guid again, LoadAgentId(""));
  EXPECT_EQ(again, made);
  // The options' file comes first.
  ASSERT_OK_AND_ASSIGN(const Guid other, LoadAgentId(dir.File("other-agent-id")));
  EXPECT_NE(other, made);
}

TEST(AgentIdentityTest, AFolderIsRefusedNamingWhereItCameFrom) {
  TempDir dir;
  {
    AgentIdVariable variable(dir.path());
    const auto named = DefaultAgentIdFile();
    ASSERT_FALSE(named.ok());
    EXPECT_EQ(named.error().code(), Code::kInvalidArgument);
    EXPECT_NE(named.error().message().find("HVR_AGENT_ID_FILE"), std::string::npos) << named.error().message();
  }
  SessionOptions options;
  options.agent_id_file = dir.path();
  const Status valid = ValidateSessionOptions(options);
  ASSERT_FALSE(valid.ok());
  EXPECT_EQ(valid.error().code(), Code::kInvalidArgument);
  EXPECT_NE(valid.error().message().find("agent id file"), std::string::npos) << valid.error().message();
  options.agent_id_file = dir.File("agent/");
  EXPECT_FALSE(ValidateSessionOptions(options).ok());
  options.agent_id_file = dir.File("agent-id");
  EXPECT_TRUE(ValidateSessionOptions(options).ok());
}

}  // namespace
}  // namespace hvr
