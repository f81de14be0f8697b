// hvrepl hrl apply and inspect against independent tools: the same writes go into an
// image through qemu-io and into replica logs through the change tracker; applying the
// logs to a copy of the original image must give exactly qemu-io's image
// (qemu-img compare).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "hvr/change_tracker.hpp"
#include "test_util/build_paths.hpp"
#include "test_util/command.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

constexpr uint64_t kDisk = 32 << 20;

std::string Hvrepl() { return testing::kHvreplPath; }  // set by CMake

struct Scenario {
  TempDir dir;
  std::string base = dir.File("base.img");          // the disk before the writes
  std::string expected = dir.File("expected.img");  // qemu-io's result
  std::vector<std::string> logs;
  std::vector<size_t> writes_per_log;

  Scenario() {
    EXPECT_EQ(testing::RunShell("qemu-img create -q -f raw " + base + " " + std::to_string(kDisk)).exit_code, 0);
    EXPECT_EQ(testing::RunShell("qemu-io -f raw -c 'write -P 0x5c 0 " + std::to_string(kDisk) + "' " + base).exit_code, 0);
    EXPECT_EQ(testing::RunShell("cp " + base + " " + expected).exit_code, 0);
    std::filesystem::create_directory(dir.File("logs"));
    auto tracker = ChangeTracker::Open(dir.File("logs"), TrackedDisk{kDisk, Guid::Random()});
    EXPECT_TRUE(tracker.ok());
    std::mt19937_64 rng(7);
    for (int log = 0; log < 3; ++log) {
      std::string commands;
      const size_t count = 60 + 20 * log;
      for (size_t i = 0; i < count; ++i) {
        // Sector writes mostly, some unaligned, many overlapping in a hot first MiB.
        const bool hot = rng() % 3 == 0;
        const bool unaligned = rng() % 5 == 0;
        uint64_t length = unaligned ? 1 + rng() % 3000 : 512 * (1 + rng() % 64);
        uint64_t offset = rng() % ((hot ? (1 << 20) : kDisk) - length);
        if (!unaligned) offset = offset / 512 * 512;
        const int pattern = static_cast<int>(rng() % 255) + 1;
        EXPECT_TRUE((*tracker)->Record(offset, std::vector<uint8_t>(length, static_cast<uint8_t>(pattern))).ok());
        commands += " -c 'write -P " + std::to_string(pattern) + " " + std::to_string(offset) + " " +
                    std::to_string(length) + "'";
      }
      EXPECT_EQ(testing::RunShell("qemu-io -f raw" + commands + " " + expected).exit_code, 0);
      auto closed = (*tracker)->Rotate();
      EXPECT_TRUE(closed.ok());
      logs.push_back(*closed);
      writes_per_log.push_back(count);
    }
    EXPECT_TRUE((*tracker)->Close().ok());
  }

  std::string Copy(const std::string& name) {
    EXPECT_EQ(testing::RunShell("cp " + base + " " + dir.File(name)).exit_code, 0);
    return dir.File(name);
  }
};

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += " " + w;
  return out;
}

TEST(HrlApplyIntegrationTest, ApplyingLogsGivesQemuIosImage) {
  Scenario s;
  for (const char* mode : {"", " --copy"}) {
    const std::string image = s.Copy(std::string("replica") + (*mode ? "-copy" : "") + ".img");
    const testing::CommandResult apply = testing::RunShell(Hvrepl() + " hrl apply" + Join(s.logs) + " --to " + image + mode);
    ASSERT_EQ(apply.exit_code, 0) << apply.output;
    EXPECT_NE(apply.output.find("applied 3 log(s), 240 writes"), std::string::npos) << apply.output;
    const testing::CommandResult compare = testing::RunShell("qemu-img compare -f raw -F raw " + image + " " + s.expected);
    EXPECT_EQ(compare.exit_code, 0) << compare.output;
  }
  // Applied in two steps, the second told which log came last.
  const std::string image = s.Copy("stepwise.img");
  ASSERT_EQ(testing::RunShell(Hvrepl() + " hrl apply " + s.logs[0] + " --to " + image).exit_code, 0);
  const std::string first_id = ReadHrlHeader(s.logs[0])->unique_id.ToString();
  const testing::CommandResult rest = testing::RunShell(Hvrepl() + " hrl apply " + s.logs[1] + " " + s.logs[2] + " --to " + image +
                         " --after " + first_id);
  ASSERT_EQ(rest.exit_code, 0) << rest.output;
  EXPECT_EQ(testing::RunShell("qemu-img compare -f raw -F raw " + image + " " + s.expected).exit_code, 0);
}

TEST(HrlApplyIntegrationTest, ABrokenChainLeavesTheImageUntouched) {
  Scenario s;
  const std::string image = s.Copy("replica.img");
  const testing::CommandResult apply = testing::RunShell(Hvrepl() + " hrl apply " + s.logs[0] + " " + s.logs[2] + " --to " + image);
  EXPECT_EQ(apply.exit_code, 4) << apply.output;  // resync class
  EXPECT_NE(apply.output.find("hvrepl: log_chain_gap: "), std::string::npos) << apply.output;
  EXPECT_EQ(testing::RunShell("qemu-img compare -q -f raw -F raw " + image + " " + s.base).exit_code, 0);

  // Damaged data in the last log: nothing is written either.
  const auto bytes = ReadWholeFile(s.logs[2]);
  ASSERT_TRUE(bytes.ok());
  auto file = File::Open(s.logs[2], File::Mode::kReadWrite);
  const uint8_t flipped = static_cast<uint8_t>((*bytes)[8200] ^ 0xff);
  ASSERT_TRUE(file->WriteAt(8200, std::span(&flipped, 1)).ok());
  const testing::CommandResult damaged = testing::RunShell(Hvrepl() + " hrl apply" + Join(s.logs) + " --to " + image);
  EXPECT_EQ(damaged.exit_code, 1) << damaged.output;
  EXPECT_NE(damaged.output.find("corrupt_data: "), std::string::npos) << damaged.output;
  EXPECT_NE(damaged.output.find("DataChecksum"), std::string::npos) << damaged.output;
  EXPECT_EQ(testing::RunShell("qemu-img compare -q -f raw -F raw " + image + " " + s.base).exit_code, 0);

  // A log reaching beyond the image is refused before anything is written.
  ASSERT_EQ(testing::RunShell("qemu-img create -q -f raw " + s.dir.File("small.img") + " 1M").exit_code, 0);
  const testing::CommandResult small = testing::RunShell(Hvrepl() + " hrl apply " + s.logs[0] + " --to " + s.dir.File("small.img"));
  EXPECT_EQ(small.exit_code, 1) << small.output;
  EXPECT_NE(small.output.find("ByteOffset + DataLength expected at most the disk size 1048576"), std::string::npos);
}

TEST(HrlApplyIntegrationTest, InspectListsEveryEntryAndNamesDamage) {
  Scenario s;
  const testing::CommandResult human = testing::RunShell(Hvrepl() + " hrl inspect " + s.logs[1]);
  ASSERT_EQ(human.exit_code, 0) << human.output;
  EXPECT_NE(human.output.find("previous unique id   " + ReadHrlHeader(s.logs[0])->unique_id.ToString()),
            std::string::npos)
      << human.output;
  const testing::CommandResult as_json = testing::RunShell(Hvrepl() + " hrl inspect --json " + s.logs[1]);
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
  const testing::CommandResult bad = testing::RunShell(Hvrepl() + " hrl inspect --json " + s.logs[1], /*stdout_only=*/true);
  EXPECT_EQ(bad.exit_code, 1);
  const boost::json::value bad_doc = boost::json::parse(bad.output);
  EXPECT_EQ(bad_doc.at("entries").as_array().size(), 2u);
  EXPECT_EQ(bad_doc.at("entries").as_array().at(1).at("checksum").as_string(), "bad");
  EXPECT_EQ(bad_doc.at("error").at("code").as_string(), "corrupt_data");
  const testing::CommandResult bad_human = testing::RunShell(Hvrepl() + " hrl inspect " + s.logs[1]);
  EXPECT_EQ(bad_human.exit_code, 1);
  EXPECT_NE(bad_human.output.find("hvrepl: corrupt_data: " + s.logs[1] + ": metadata block at offset"),
            std::string::npos)
      << bad_human.output;

  const testing::CommandResult missing = testing::RunShell(Hvrepl() + " hrl inspect " + s.dir.File("none.hrl"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("not_found"), std::string::npos);
  EXPECT_EQ(testing::RunShell(Hvrepl() + " hrl inspect").exit_code, 2);  // usage
  EXPECT_EQ(testing::RunShell(Hvrepl() + " hrl apply " + s.logs[0]).exit_code, 2);  // no --to
}

TEST(HrlApplyIntegrationTest, InspectOfAnUnclosedLogShowsTheHeaderAndAsksForResync) {
  TempDir dir;
  auto tracker = ChangeTracker::Open(dir.path(), TrackedDisk{kDisk, Guid::Random()});
  ASSERT_TRUE((*tracker)->Record(0, std::vector<uint8_t>(512, 1)).ok());
  ASSERT_TRUE((*tracker)->Flush().ok());
  const testing::CommandResult run = testing::RunShell(Hvrepl() + " hrl inspect " + (*tracker)->current_log());
  EXPECT_EQ(run.exit_code, 4) << run.output;
  EXPECT_NE(run.output.find("end of log           0 (not closed)"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("hvrepl: log_not_closed: "), std::string::npos) << run.output;
}

}  // namespace
}  // namespace hvr
