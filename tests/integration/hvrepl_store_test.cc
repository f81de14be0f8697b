// hvrepl upload, download and store ls, run as a user would, against a local folder and
// Azurite. Images are made and compared with qemu-img and qemu-io, which know nothing of
// hvr: a downloaded replica must be the uploaded image, and a valid VHD.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "hvr/bandwidth.hpp"
#include "hvr/sync_store.hpp"
#include "integration/store_backends.hpp"
#include "test_util/build_paths.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/command.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr::testing {
namespace {

using test::kMiB;

std::string Quote(const std::string& text) { return "'" + text + "'"; }

CommandResult RunHvrepl(const std::string& args) { return RunShell(Quote(kHvreplPath) + " " + args); }

// The JSON document on the last line of a run's output.
boost::json::object JsonOf(const CommandResult& run) {
  std::string text = run.output;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const size_t start = text.rfind('\n');
  return boost::json::parse(text.substr(start == std::string::npos ? 0 : start + 1)).as_object();
}

uint64_t Field(const boost::json::object& json, const char* name) {
  return static_cast<uint64_t>(json.at(name).to_number<double>());
}

class HvreplStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    store_target_ = NewTarget(GetParam(), scratch_);
    // A 24 MiB image: 3 MiB of 0xab at 1 MiB, 64 KiB of 0xcd at 10 MiB, 1 MiB of written
    // zeros at 16 MiB, holes elsewhere.
    image_ = scratch_.File("image.raw");
    ASSERT_EQ(RunShell("qemu-img create -q -f raw " + Quote(image_) + " 24M").exit_code, 0);
    const CommandResult io = RunShell("qemu-io -f raw -c 'write -P 0xab 1M 3M' -c 'write -P 0xcd 10M 64k' "
                         "-c 'write -P 0 16M 1M' " + Quote(image_));
    ASSERT_EQ(io.exit_code, 0) << io.output;
  }

  // TARGET/NAME for the command line (a connection string's Container= entry takes the
  // name after a slash just as a folder does).
  std::string Disk(const std::string& name) const { return Quote(store_target_ + "/" + name); }

  // hvrepl, trusting the loopback certificate where the backend is HTTPS.
  CommandResult Hvrepl(const std::string& args) const {
    const bool https = GetParam() == Backend::kAzuriteEntra;
    return RunHvrepl(args + (https ? " --ca-file " + Quote(HttpsAzuriteCa()) : ""));
  }

  TempDir scratch_;
  std::string store_target_;
  std::string image_;
};

TEST_P(HvreplStoreTest, UploadedImagesComeBackIdenticalAsValidVhds) {
  const CommandResult up = Hvrepl("upload " + Quote(image_) + " " + Disk("disk0") + " --json");
  ASSERT_EQ(up.exit_code, 0) << up.output;
  const auto stats = JsonOf(up);
  EXPECT_EQ(Field(stats, "virtual_size"), 24 * kMiB);
  EXPECT_EQ(Field(stats, "bytes_sent"), 3 * kMiB + 64 * 1024) << "only non-zero data travels";
  EXPECT_EQ(Field(stats, "bytes_sent") + Field(stats, "bytes_skipped"), 24 * kMiB);
  EXPECT_LT(Field(stats, "bytes_read"), 24 * kMiB) << "holes are not read";

  const std::string vhd = scratch_.File("out.vhd");
  const CommandResult down = Hvrepl("download " + Disk("disk0") + " " + Quote(vhd));
  ASSERT_EQ(down.exit_code, 0) << down.output;
  const CommandResult compare = RunShell("qemu-img compare -f raw -F vpc " + Quote(image_) + " " + Quote(vhd));
  EXPECT_EQ(compare.exit_code, 0) << compare.output;
  const CommandResult info = RunShell("qemu-img info -f vpc --output=json " + Quote(vhd));
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_EQ(boost::json::parse(info.output).at("virtual-size").to_number<uint64_t>(), 24 * kMiB);

  const std::string raw = scratch_.File("out.raw");
  ASSERT_EQ(Hvrepl("download " + Disk("disk0") + " " + Quote(raw) + " --raw").exit_code, 0);
  EXPECT_EQ(RunShell("cmp " + Quote(image_) + " " + Quote(raw)).exit_code, 0);
  EXPECT_EQ(std::filesystem::file_size(raw), 24 * kMiB);

  const CommandResult ls = Hvrepl("store ls " + Quote(store_target_) + " --json");
  ASSERT_EQ(ls.exit_code, 0) << ls.output;
  const auto disks = JsonOf(ls).at("disks").as_array();
  ASSERT_EQ(disks.size(), 1u);
  EXPECT_EQ(disks[0].at("name").as_string(), "disk0");
  EXPECT_EQ(disks[0].at("virtual_size").to_number<uint64_t>(), 24 * kMiB);
  const CommandResult human = Hvrepl("store ls " + Quote(store_target_));
  EXPECT_NE(human.output.find("disk0"), std::string::npos) << human.output;
  EXPECT_NE(human.output.find("24.0 MiB"), std::string::npos) << human.output;
}

TEST_P(HvreplStoreTest, ARecoveryPointDownloadsAsItWas) {
  ASSERT_EQ(Hvrepl("upload " + Quote(image_) + " " + Disk("disk0")).exit_code, 0);
  auto store = SyncStore::Open(store_target_, OptionsFor(GetParam()));
  ASSERT_OK(store);
  ASSERT_OK_AND_ASSIGN(const RecoveryPoint point, (*store)->CreateSnapshot("disk0"));
  ASSERT_OK((*store)->WritePages("disk0", kMiB, std::vector<uint8_t>(kMiB, 0x11)));
  // Flushed, so that the write is in the disk hvrepl reads and the point keeps what it replaced.
  ASSERT_OK((*store)->Flush("disk0"));
  const std::string out = scratch_.File("point.raw");
  const CommandResult down = Hvrepl("download " + Quote(store_target_ + "/disk0@" + point.id) + " " + Quote(out) + " --raw");
  ASSERT_EQ(down.exit_code, 0) << down.output;
  EXPECT_EQ(RunShell("cmp " + Quote(image_) + " " + Quote(out)).exit_code, 0);
  const CommandResult points = Hvrepl("store ls " + Quote(store_target_) + " --points");
  EXPECT_NE(points.output.find("@" + point.id), std::string::npos) << points.output;
}

TEST_P(HvreplStoreTest, SizesAreRoundedUpToWholeMebibytes) {
  const std::string odd = scratch_.File("odd.raw");
  {
    std::ofstream out(odd, std::ios::binary);
    out << std::string(1'000'000, '\x42');
  }
  const CommandResult up = Hvrepl("upload " + Quote(odd) + " " + Disk("odd") + " --json");
  ASSERT_EQ(up.exit_code, 0) << up.output;
  EXPECT_EQ(Field(JsonOf(up), "virtual_size"), kMiB);
  const std::string back = scratch_.File("odd-back.raw");
  ASSERT_EQ(Hvrepl("download " + Disk("odd") + " " + Quote(back) + " --raw").exit_code, 0);
  EXPECT_EQ(std::filesystem::file_size(back), kMiB);
  EXPECT_EQ(RunShell("cmp -n 1000000 " + Quote(odd) + " " + Quote(back)).exit_code, 0);
  EXPECT_EQ(RunShell("cmp -i 1000000:0 -n 48576 " + Quote(back) + " /dev/zero").exit_code, 0);
}

TEST_P(HvreplStoreTest, FailuresExitWithTheirClass) {
  ASSERT_EQ(Hvrepl("upload " + Quote(image_) + " " + Disk("disk0")).exit_code, 0);
  const CommandResult again = Hvrepl("upload " + Quote(image_) + " " + Disk("disk0"));
  EXPECT_EQ(again.exit_code, 3) << again.output;  // conflict: recoverable
  EXPECT_NE(again.output.find("already exists"), std::string::npos) << again.output;
  const CommandResult missing = Hvrepl("upload " + Quote(scratch_.File("nope.raw")) + " " + Disk("disk1"));
  EXPECT_EQ(missing.exit_code, 1) << missing.output;  // not found: non-recoverable
  const CommandResult usage = Hvrepl("upload " + Quote(image_));
  EXPECT_EQ(usage.exit_code, 2) << usage.output;
  const CommandResult no_disk = Hvrepl("download " + Disk("nothing") + " " + Quote(scratch_.File("x.vhd")));
  EXPECT_EQ(no_disk.exit_code, 1) << no_disk.output;
  EXPECT_FALSE(std::filesystem::exists(scratch_.File("x.vhd")));
}

// The bandwidth limit holds for every target, a local folder included: sending takes at
// least bytes / limit (less the limiter's burst). Only a lower bound is checked, which a
// loaded machine cannot break.
TEST_P(HvreplStoreTest, TheBandwidthLimitHoldsForEveryTarget) {
  constexpr uint64_t kLimit = 2 * kMiB;
  const auto started = std::chrono::steady_clock::now();
  const CommandResult up = Hvrepl("upload " + Quote(image_) + " " + Disk("limited") + " --bandwidth 2M --json");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(up.exit_code, 0) << up.output;
  const uint64_t sent = Field(JsonOf(up), "bytes_sent");
  ASSERT_EQ(sent, 3 * kMiB + 64 * 1024);
  const auto least = std::chrono::duration<double>(static_cast<double>(sent) / kLimit) - BandwidthLimiter::kBurst;
  EXPECT_GE(elapsed, least) << "sent " << sent << " bytes in "
                            << std::chrono::duration<double>(elapsed).count() << " s";
}

INSTANTIATE_TEST_SUITE_P(Targets, HvreplStoreTest,
                         ::testing::Values(Backend::kLocal, Backend::kAzuriteHttp,
                                           Backend::kAzuriteEntra),
                         [](const ::testing::TestParamInfo<Backend>& param) {
                           return std::string(BackendName(param.param));
                         });

}  // namespace
}  // namespace hvr::testing
