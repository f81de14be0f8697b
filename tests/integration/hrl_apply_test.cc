// hvrepl hrl apply and inspect against independent tools: the same writes go into an
// image through qemu-io and into replica logs through the change tracker; applying the
// logs to a copy of the original image must give exactly qemu-io's image.
//
// qemu-io runs natively before this program, in a fixture (hrl_images.sh), which also
// chooses the writes; so the same program runs on Linux and, as a Windows program running
// hvrepl.exe, under Wine (docs/windows.md).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "hvr/change_tracker.hpp"
#include "test_util/build_paths.hpp"
#include "test_util/command.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

using testing::CommandResult;
using testing::ReadFileBytes;

constexpr uint64_t kDisk = 32 << 20;

// The fixture's folder (tests/integration/CMakeLists.txt).
std::string Made(const std::string& file) { return std::string(testing::kHrlImagesDir) + "/" + file; }

// hvrepl with these arguments.
CommandResult Hvrepl(std::vector<std::string> arguments, bool stdout_only = false) {
  arguments.insert(arguments.begin(), testing::kHvreplPath);
  return testing::RunCommand(arguments, stdout_only);
}

// hvrepl hrl apply LOGS... --to IMAGE EXTRA...
CommandResult Apply(const std::vector<std::string>& logs, const std::string& image,
                    const std::vector<std::string>& extra = {}) {
  std::vector<std::string> arguments = {"hrl", "apply"};
  arguments.insert(arguments.end(), logs.begin(), logs.end());
  arguments.insert(arguments.end(), {"--to", image});
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return Hvrepl(arguments);
}

// The fixture's writes recorded as three logs by the change tracker, in a folder of the
// case's own.
struct Scenario {
  TempDir dir;
  std::vector<std::string> logs;
  std::vector<size_t> writes_per_log;
  const std::vector<uint8_t> base = ReadFileBytes(Made("base.img"));          // the disk before the writes
  const std::vector<uint8_t> expected = ReadFileBytes(Made("expected.img"));  // qemu-io's result

  Scenario() {
    std::filesystem::create_directory(PathFromUtf8(dir.File("logs")));
    auto tracker = ChangeTracker::Open(dir.File("logs"), TrackedDisk{kDisk, Guid::Random()});
    EXPECT_TRUE(tracker.ok());
    std::ifstream writes(PathFromUtf8(Made("writes")));
    EXPECT_TRUE(writes.good()) << Made("writes") << " is missing: the fixture makes it (ctest -R hrl_images, "
                               << "or tests/integration/hrl_images.sh make " << testing::kHrlImagesDir << ")";
    size_t log = 0;
    uint64_t offset = 0;
    uint64_t length = 0;
    unsigned pattern = 0;
    writes_per_log.assign(1, 0);
    while (writes >> log >> offset >> length >> pattern) {
      if (log == writes_per_log.size()) {  // the previous log is complete
        Close(**tracker);
        writes_per_log.push_back(0);
      }
      EXPECT_TRUE((*tracker)->Record(offset, std::vector<uint8_t>(length, static_cast<uint8_t>(pattern))).ok());
      ++writes_per_log.back();
    }
    Close(**tracker);
    EXPECT_TRUE((*tracker)->Close().ok());
    EXPECT_EQ(logs.size(), 3u);
  }

  void Close(ChangeTracker& tracker) {
    auto closed = tracker.Rotate();
    EXPECT_TRUE(closed.ok());
    logs.push_back(*closed);
  }

  // A copy of the disk before the writes, in the case's folder.
  std::string Copy(const std::string& name) {
    std::filesystem::copy_file(PathFromUtf8(Made("base.img")), PathFromUtf8(dir.File(name)));
    return dir.File(name);
  }
};

TEST(HrlApplyIntegrationTest, ApplyingLogsGivesQemuIosImage) {
  Scenario s;
  for (const char* mode : {"", "--copy"}) {
    const std::string image = s.Copy(std::string("replica") + (*mode ? "-copy" : "") + ".img");
    const CommandResult apply = Apply(s.logs, image, *mode ? std::vector<std::string>{mode} : std::vector<std::string>{});
    ASSERT_EQ(apply.exit_code, 0) << apply.output;
    EXPECT_NE(apply.output.find("applied 3 log(s), 240 writes"), std::string::npos) << apply.output;
    EXPECT_EQ(testing::FirstDifference(ReadFileBytes(image), s.expected), "equal");
  }
  // Applied in two steps, the second told which log came last.
  const std::string image = s.Copy("stepwise.img");
  ASSERT_EQ(Apply({s.logs[0]}, image).exit_code, 0);
  const std::string first_id = ReadHrlHeader(s.logs[0])->unique_id.ToString();
  const CommandResult rest = Apply({s.logs[1], s.logs[2]}, image, {"--after", first_id});
  ASSERT_EQ(rest.exit_code, 0) << rest.output;
  EXPECT_EQ(testing::FirstDifference(ReadFileBytes(image), s.expected), "equal");
}

TEST(HrlApplyIntegrationTest, ABrokenChainLeavesTheImageUntouched) {
  Scenario s;
  const std::string image = s.Copy("replica.img");
  const CommandResult apply = Apply({s.logs[0], s.logs[2]}, image);
  EXPECT_EQ(apply.exit_code, 4) << apply.output;  // resync class
  EXPECT_NE(apply.output.find("hvrepl: log_chain_gap: "), std::string::npos) << apply.output;
  EXPECT_EQ(testing::FirstDifference(ReadFileBytes(image), s.base), "equal");

  // Damaged data in the last log: nothing is written either.
  const auto bytes = ReadWholeFile(s.logs[2]);
  ASSERT_TRUE(bytes.ok());
  auto file = File::Open(s.logs[2], File::Mode::kReadWrite);
  const uint8_t flipped = static_cast<uint8_t>((*bytes)[8200] ^ 0xff);
  ASSERT_TRUE(file->WriteAt(8200, std::span(&flipped, 1)).ok());
  const CommandResult damaged = Apply(s.logs, image);
  EXPECT_EQ(damaged.exit_code, 1) << damaged.output;
  EXPECT_NE(damaged.output.find("corrupt_data: "), std::string::npos) << damaged.output;
  EXPECT_NE(damaged.output.find("DataChecksum"), std::string::npos) << damaged.output;
  EXPECT_EQ(testing::FirstDifference(ReadFileBytes(image), s.base), "equal");

  // A log reaching beyond the image is refused before anything is written.
  testing::WriteFileBytes(s.dir.File("small.img"), std::vector<uint8_t>(1 << 20, 0));
  const CommandResult small = Apply({s.logs[0]}, s.dir.File("small.img"));
  EXPECT_EQ(small.exit_code, 1) << small.output;
  EXPECT_NE(small.output.find("ByteOffset + DataLength expected at most the disk size 1048576"), std::string::npos);
}

TEST(HrlApplyIntegrationTest, InspectListsEveryEntryAndNamesDamage) {
  Scenario s;
  const CommandResult human = Hvrepl({"hrl", "inspect", s.logs[1]});
  ASSERT_EQ(human.exit_code, 0) << human.output;
  EXPECT_NE(human.output.find("previous unique id   " + ReadHrlHeader(s.logs[0])->unique_id.ToString()),
            std::string::npos)
      << human.output;
  const CommandResult as_json = Hvrepl({"hrl", "inspect", "--json", s.logs[1]});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.output;
  const boost::json::value doc = boost::json::parse(as_json.output);
  const auto& entries = doc.at("entries").as_array();
  EXPECT_EQ(entries.size(), s.writes_per_log[1]);
  for (const auto& e : entries) EXPECT_EQ(e.at("checksum").as_string(), "ok");
  EXPECT_EQ(doc.at("header").at("total_metadata_entries").to_number<uint64_t>(), s.writes_per_log[1]);
  EXPECT_TRUE(doc.at("header").at("closed").as_bool());
  EXPECT_FALSE(doc.as_object().contains("error"));

  // The second entry's data damaged: the first is listed, the second is "bad", then the
  // error, and a non-zero exit.
  const auto entry1 = entries.at(1).at("data_location").to_number<uint64_t>();
  const auto bytes = ReadWholeFile(s.logs[1]);
  auto file = File::Open(s.logs[1], File::Mode::kReadWrite);
  const uint8_t flipped = static_cast<uint8_t>((*bytes)[entry1] ^ 0xff);
  ASSERT_TRUE(file->WriteAt(entry1, std::span(&flipped, 1)).ok());
  const CommandResult bad = Hvrepl({"hrl", "inspect", "--json", s.logs[1]}, /*stdout_only=*/true);
  EXPECT_EQ(bad.exit_code, 1);
  const boost::json::value bad_doc = boost::json::parse(bad.output);
  EXPECT_EQ(bad_doc.at("entries").as_array().size(), 2u);
  EXPECT_EQ(bad_doc.at("entries").as_array().at(1).at("checksum").as_string(), "bad");
  EXPECT_EQ(bad_doc.at("error").at("code").as_string(), "corrupt_data");
  const CommandResult bad_human = Hvrepl({"hrl", "inspect", s.logs[1]});
  EXPECT_EQ(bad_human.exit_code, 1);
  EXPECT_NE(bad_human.output.find("hvrepl: corrupt_data: " + s.logs[1] + ": metadata block at offset"),
            std::string::npos)
      << bad_human.output;

  const CommandResult missing = Hvrepl({"hrl", "inspect", s.dir.File("none.hrl")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("not_found"), std::string::npos);
  EXPECT_EQ(Hvrepl({"hrl", "inspect"}).exit_code, 2);              // usage
  EXPECT_EQ(Hvrepl({"hrl", "apply", s.logs[0]}).exit_code, 2);  // no --to
}

TEST(HrlApplyIntegrationTest, InspectOfAnUnclosedLogShowsTheHeaderAndAsksForResync) {
  TempDir dir;
  auto tracker = ChangeTracker::Open(dir.path(), TrackedDisk{kDisk, Guid::Random()});
  ASSERT_TRUE((*tracker)->Record(0, std::vector<uint8_t>(512, 1)).ok());
  ASSERT_TRUE((*tracker)->Flush().ok());
  const CommandResult run = Hvrepl({"hrl", "inspect", (*tracker)->current_log()});
  EXPECT_EQ(run.exit_code, 4) << run.output;
  EXPECT_NE(run.output.find("end of log           0 (not closed)"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("hvrepl: log_not_closed: "), std::string::npos) << run.output;
}

}  // namespace
}  // namespace hvr
