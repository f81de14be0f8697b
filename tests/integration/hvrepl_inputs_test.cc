// Inputs that cannot silently go wrong, run as a user would: mistyped targets, damaged or
// unnamed images and out-of-range arguments are refused by hvrepl and hvr-guest with a
// message saying what was expected, before anything is made, and without showing a
// secret.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "hvr/disk_create.hpp"
#include "store/azure/azure_target.hpp"
#include "test_util/build_paths.hpp"
#include "test_util/command.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr::testing {
namespace {

using test::kMiB;
constexpr std::string_view kSignature = "c2lnbmF0dXJl";

std::string Quote(const std::string& text) { return "'" + text + "'"; }

class HvreplInputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    image_ = dir_.File("image.raw");
    ASSERT_OK(CreateRaw(image_, kMiB));
    testing::WriteImage(image_, 0, testing::PatternBytes(4096, 1));
    disk_ = dir_.File("vm.vhdx");
    VhdxCreateOptions create;
    create.virtual_size = 4 * kMiB;
    ASSERT_OK(CreateVhdx(disk_, create));
  }

  // hvrepl run in the test's folder, so that a target taken for a relative folder would
  // show up there.
  CommandResult Hvrepl(const std::string& args) const {
    return RunShell("cd " + Quote(dir_.path()) + " && " + Quote(kHvreplPath) + " " + args);
  }

  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  void ExpectRefusedWithoutSecrets(const CommandResult& run, const std::string& expected) {
    EXPECT_NE(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find(expected), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find(kSignature), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find(azure::kDevelopmentKey.substr(0, 20)), std::string::npos) << run.output;
  }

  TempDir dir_;
  std::string image_;
  std::string disk_;
};

// Each of these once made upload and protect exit 0, writing the replica into a folder
// named after the string and printing the key or signature.
TEST_F(HvreplInputsTest, MistypedTargetsAreRefusedAndMakeNoFolder) {
  const std::string key = std::string(azure::kDevelopmentKey);
  const std::string sas = "sv=2024-11-04&ss=b&srt=co&sp=racwdl&sig=" + std::string(kSignature);
  const struct {
    std::string target;
    std::string expected;
  } cases[] = {
      {" UseDevelopmentStorage=true;Container=c01", "begins or ends with white space"},
      {"DefaultEndpointsProtocl=http;AccountName=devstoreaccount1;AccountKey=" + key + ";Container=c01",
       "unknown key 'DefaultEndpointsProtocl'"},
      {"htps://127.0.0.1:10000/devstoreaccount1/c01?" + sas, "URL scheme must be https or http"},
      {"http//127.0.0.1:10000/devstoreaccount1/c01?" + sas, "neither a container URL"},
      {"http://127.0.0.1:99999/devstoreaccount1/c01?" + sas, "port '99999' is not a number from 1 to 65535"},
      {"replicas", "is a relative path: give a local folder as an absolute path or as file:PATH"},
  };
  const std::vector<std::string> before = Entries();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.target);
    ExpectRefusedWithoutSecrets(Hvrepl("upload " + Quote(image_) + " " + Quote(c.target + "/disk0")), c.expected);
    ExpectRefusedWithoutSecrets(Hvrepl("store ls " + Quote(c.target)), c.expected);
    ExpectRefusedWithoutSecrets(Hvrepl("protect --name vm01 --disk " + Quote(disk_) + " --target " +
                                       Quote(c.target) + " --state-dir state"),
                                c.expected);
  }
  EXPECT_EQ(Entries(), before) << "no folder, no state directory";
}

// file:PATH names a folder relative to where hvrepl runs; protection keeps it absolute.
TEST_F(HvreplInputsTest, FileTargetsAreFoldersMadeAbsolute) {
  const CommandResult up = Hvrepl("upload " + Quote(image_) + " file:replicas/disk0");
  ASSERT_EQ(up.exit_code, 0) << up.output;
  EXPECT_TRUE(std::filesystem::exists(dir_.File("replicas")));
  const CommandResult ls = Hvrepl("store ls file:replicas --json");
  ASSERT_EQ(ls.exit_code, 0) << ls.output;
  EXPECT_NE(ls.output.find("\"store\":\"local:" + dir_.File("replicas") + "\""), std::string::npos) << ls.output;

  const CommandResult protect = Hvrepl("protect --name vm01 --disk " + Quote(disk_) + " --target file:vm-store --state-dir state");
  ASSERT_EQ(protect.exit_code, 0) << protect.output;
  const std::vector<uint8_t> saved = testing::ReadFileBytes(dir_.File("state/settings.json"));
  const std::string settings(saved.begin(), saved.end());
  EXPECT_NE(settings.find("\"target\":\"" + dir_.File("vm-store") + "\""), std::string::npos) << settings;
}

TEST_F(HvreplInputsTest, DamagedOrUnnamedImagesAreNeverReadAsRaw) {
  std::vector<uint8_t> bytes = testing::ReadFileBytes(disk_);
  bytes[0] ^= 0x01;
  testing::WriteFileBytes(disk_, bytes);
  const CommandResult protect = Hvrepl("protect --name vm01 --disk " + Quote(disk_) + " --target " +
                                       Quote(dir_.File("store")) + " --state-dir state");
  EXPECT_EQ(protect.exit_code, 1) << protect.output;
  EXPECT_NE(protect.output.find("vm.vhdx: file type identifier at offset 0: Signature expected \"vhdxfile\""),
            std::string::npos)
      << protect.output;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("store/vm01-disk0"))) << "no replica of the container's bytes";

  std::filesystem::rename(image_, dir_.File("image.data"));
  const CommandResult unnamed = Hvrepl("upload image.data " + Quote(dir_.File("store") + "/disk0"));
  EXPECT_EQ(unnamed.exit_code, 1) << unnamed.output;
  EXPECT_NE(unnamed.output.find("name a raw image .raw, .img or .bin"), std::string::npos) << unnamed.output;
}

// One range of requests in flight, the library's, for every command that takes one.
TEST_F(HvreplInputsTest, RequestsInFlightOutOfTheLibrarysRangeAreRefused) {
  const std::string range = "requests in flight must be 1 to 64, not 100000";
  const CommandResult upload = Hvrepl("upload " + Quote(image_) + " " + Quote(dir_.File("store") + "/disk0") +
                                      " --in-flight 100000");
  EXPECT_EQ(upload.exit_code, 2) << upload.output;
  EXPECT_NE(upload.output.find("--in-flight: " + range), std::string::npos) << upload.output;
  const CommandResult protect = Hvrepl("protect --name vm01 --disk " + Quote(disk_) + " --target " +
                                       Quote(dir_.File("store")) + " --state-dir state --in-flight 100000");
  EXPECT_EQ(protect.exit_code, 2) << protect.output;
  EXPECT_NE(protect.output.find("--in-flight: " + range), std::string::npos) << protect.output;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("store")));
  EXPECT_FALSE(std::filesystem::exists(dir_.File("state")));
}

TEST_F(HvreplInputsTest, DurationsAndCountsOutOfRangeAreRefusedWithTheRange) {
  for (const char* every : {"inf", "nan", "1e308s", "-1s", "9000h", "2x"}) {
    const CommandResult run = Hvrepl(std::string("run --state-dir state --cycles 1 --every ") + every);
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find(std::string("--every: '") + every + "' is not a duration from 0 to 8760h"),
              std::string::npos)
        << run.output;
  }
  const CommandResult cycles = Hvrepl("run --state-dir state --cycles -1");
  EXPECT_EQ(cycles.exit_code, 2) << cycles.output;
  EXPECT_NE(cycles.output.find("--cycles: -1 is not a count from 0 to 2147483647"), std::string::npos)
      << cycles.output;
  const CommandResult rpo = Hvrepl("protect --name vm01 --disk " + Quote(disk_) + " --target " +
                                   Quote(dir_.File("store")) + " --state-dir state --rpo-threshold inf");
  EXPECT_EQ(rpo.exit_code, 2) << rpo.output;
  EXPECT_NE(rpo.output.find("--rpo-threshold: 'inf' is not a duration"), std::string::npos) << rpo.output;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("state")));
}

// Writes land at random whole blocks: a block larger than the disk once divided by zero.
TEST_F(HvreplInputsTest, AGuestBlockLargerThanTheDiskIsRefused) {
  const CommandResult run = RunCommand({kGuestPath, "run", "--disk", disk_, "--control", dir_.File("guest.sock"),
                                        "--block", std::to_string(8 * kMiB), "--initial-writes", "1"});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("the guest's block of 8388608 bytes is larger than the disk's 4194304 bytes"),
            std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace hvr::testing
