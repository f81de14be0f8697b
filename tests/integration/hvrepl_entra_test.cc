// hvrepl signing in with Microsoft Entra ID, run as a user would: Azurite in OAuth mode
// takes the tokens that the test's own token endpoint issues. hvrepl is started as a
// program and the test makes and compares its image itself, so the same program runs on
// Linux and, as a Windows program running hvrepl.exe, under Wine (docs/windows.md).
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/store_backends.hpp"
#include "test_util/build_paths.hpp"
#include "test_util/command.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr::testing {
namespace {

using test::kMiB;

// hvrepl with these arguments, trusting the certificate of the OAuth Azurite and the
// token endpoint.
CommandResult Hvrepl(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), kHvreplPath);
  arguments.insert(arguments.end(), {"--ca-file", HttpsAzuriteCa()});
  return RunCommand(arguments);
}

// Signing in with Entra ID happens once per run, and neither the secret nor a token
// shows, even with every request logged.
TEST(HvreplEntraTest, UploadSignsInOnceAndShowsNoSecret) {
  TempDir scratch;
  const std::string target = NewTarget(Backend::kAzuriteEntra, scratch);
  // 8 MiB, 3 MiB of 0x5a at 2 MiB.
  const std::string image = scratch.File("image.raw");
  std::vector<uint8_t> content(8 * kMiB, 0);
  std::fill_n(content.begin() + 2 * kMiB, 3 * kMiB, uint8_t{0x5a});
  WriteFileBytes(image, content);
  TokenEndpoint& tokens = EntraTokenEndpoint();
  const int before = tokens.requests();
  const CommandResult up = Hvrepl({"upload", image, target + "/disk0", "--verbose"});
  ASSERT_EQ(up.exit_code, 0) << up.output;
  EXPECT_EQ(tokens.requests(), before + 1);
  EXPECT_NE(up.output.find("PUT disk0?comp=page"), std::string::npos) << "requests are logged";
  EXPECT_EQ(up.output.find(kEntraClientSecret), std::string::npos) << up.output;
  for (const auto& token : tokens.tokens()) EXPECT_EQ(up.output.find(token), std::string::npos);

  const std::string raw = scratch.File("back.raw");
  const CommandResult down = Hvrepl({"download", target + "/disk0", raw, "--raw"});
  ASSERT_EQ(down.exit_code, 0) << down.output;
  EXPECT_EQ(FirstDifference(ReadFileBytes(raw), content), "equal");

  // A wrong secret is an authentication failure (exit 1, non-recoverable) that names
  // Entra ID's code and not the secret.
  const std::string wrong = "Wr0ng~secret.value";
  std::string bad_target = target;
  bad_target.replace(bad_target.find(kEntraClientSecret), std::string(kEntraClientSecret).size(), wrong);
  const CommandResult refused = Hvrepl({"upload", image, bad_target + "/disk1"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("AADSTS7000215"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find(wrong), std::string::npos) << refused.output;
}

}  // namespace
}  // namespace hvr::testing
