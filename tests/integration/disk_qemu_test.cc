// The disk component against independent implementations: images qemu makes read the
// same through hvr as through qemu, and images hvr makes pass qemu-img check, compare
// equal in qemu-img and read the same in libvhdi (vhdiinfo, vhdimount).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "disk/disk_chain.hpp"
#include "disk/vhdx_writer.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_convert.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/disk_writer.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/qemu_tools.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

using namespace hvr::testing;

using test::kMiB;

#define REQUIRE_TOOLS(...)                                              \
  for (const char* tool : {__VA_ARGS__}) {                              \
    if (!HaveTool(tool)) GTEST_SKIP() << tool << " is not installed";   \
  }

// Writes through an hvr writer and into a raw reference file of the same size.
class Mirror {
 public:
  Mirror(const std::string& image, const std::string& reference, uint64_t size) : reference_(reference) {
    auto w = OpenDiskForWrite(image);
    EXPECT_TRUE(w.ok()) << w.error().ToString();
    if (w.ok()) writer_ = std::move(w).value();
    model_.assign(size, 0);
  }
  void Write(uint64_t offset, const std::vector<uint8_t>& data) {
    const Status s = writer_->Write(offset, data);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    std::memcpy(model_.data() + offset, data.data(), data.size());
  }
  void Close() {
    ASSERT_TRUE(writer_->Close().ok());
    WriteFileBytes(reference_, model_);
  }
  void SetModel(std::vector<uint8_t> model) { model_ = std::move(model); }
  const std::vector<uint8_t>& model() const { return model_; }
  DiskWriter& writer() { return *writer_; }

 private:
  std::string reference_;
  std::unique_ptr<DiskWriter> writer_;
  std::vector<uint8_t> model_;
};

struct QemuImage {
  const char* name;
  const char* format;        // qemu's format name
  std::vector<std::string> options;
};

void PrintTo(const QemuImage& image, std::ostream* out) { *out << image.name; }

class QemuImageTest : public ::testing::TestWithParam<QemuImage> {};

TEST_P(QemuImageTest, ReadsByteForByteLikeQemu) {
  REQUIRE_TOOLS("qemu-img", "qemu-io");
  const QemuImage& p = GetParam();
  TempDir dir;
  const std::string image = dir.File("img");
  QemuCreate(image, p.format, 40 * kMiB, p.options);
  // Scattered writes: block starts, sector-unaligned lengths, across block boundaries,
  // and the end of the disk.
  QemuWrite(image, p.format, 0, 4096, 0x11);
  QemuWrite(image, p.format, kMiB + 512, 3 * kMiB, 0x22);
  QemuWrite(image, p.format, 9 * kMiB - 1024, 2048, 0x33);
  QemuWrite(image, p.format, 17 * kMiB + 4096, 100 * 1024, 0x44);
  const std::vector<uint8_t> expected = QemuReadAll(image, p.format, dir.File("qemu.raw"));
  QemuWrite(image, p.format, expected.size() - 8192, 8192, 0x55);
  const std::vector<uint8_t> full = QemuReadAll(image, p.format, dir.File("qemu.raw"));

  auto disk = OpenDisk(image);
  ASSERT_TRUE(disk.ok()) << disk.error().ToString();
  EXPECT_EQ((*disk)->info().virtual_size, full.size());
  EXPECT_EQ(FirstDifference(ReadWholeDisk(**disk), full), "equal");
  auto ranges = (*disk)->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  EXPECT_TRUE(RangesCoverNonZero(*ranges, full));
  // Converting with hvr gives what qemu-img convert gives.
  ConvertOptions options;
  auto stats = ConvertDisk(**disk, dir.File("hvr.raw"), options);
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  EXPECT_EQ(FirstDifference(ReadFileBytes(dir.File("hvr.raw")), full), "equal");
  EXPECT_EQ(expected.size(), full.size());
}

INSTANTIATE_TEST_SUITE_P(
    QemuMade, QemuImageTest,
    ::testing::Values(QemuImage{"vhdx_dynamic", "vhdx", {"subformat=dynamic", "block_size=1048576"}},
                      QemuImage{"vhdx_dynamic_32m", "vhdx", {"subformat=dynamic"}},
                      QemuImage{"vhdx_fixed", "vhdx", {"subformat=fixed", "block_size=8388608"}},
                      QemuImage{"vhd_dynamic", "vpc", {"subformat=dynamic"}},
                      QemuImage{"vhd_fixed", "vpc", {"subformat=fixed"}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(HvrImagesTest, DynamicAndFixedVhdxPassQemuAndLibvhdi) {
  REQUIRE_TOOLS("qemu-img", "vhdiinfo");
  for (const bool fixed : {false, true}) {
    SCOPED_TRACE(fixed ? "fixed" : "dynamic");
    TempDir dir;
    const std::string image = dir.File("d.vhdx");
    VhdxCreateOptions o;
    o.virtual_size = 48 * kMiB + 4096;
    o.block_size = static_cast<uint32_t>(2 * kMiB);
    o.fixed = fixed;
    ASSERT_TRUE(CreateVhdx(image, o).ok());
    Mirror m(image, dir.File("ref.raw"), o.virtual_size);
    m.Write(3 * kMiB + 5, PatternBytes(5 * kMiB, 1));
    m.Write(30 * kMiB, PatternBytes(512, 2));
    m.Write(o.virtual_size - 100, PatternBytes(100, 3));
    ASSERT_TRUE(m.writer().WriteZeros(4 * kMiB, 2 * kMiB).ok());
    std::vector<uint8_t> model = m.model();
    std::fill(model.begin() + 4 * kMiB, model.begin() + 6 * kMiB, 0);
    m.SetModel(model);
    m.Close();
    RunOrFail({"qemu-img", "check", "-f", "vhdx", image});
    EXPECT_TRUE(QemuSameContent(image, "vhdx", dir.File("ref.raw")));
    const VhdiInfo info = RunVhdiinfo(image);
    EXPECT_EQ(info.media_size, o.virtual_size);
    EXPECT_EQ(info.disk_type, fixed ? "Fixed" : "Dynamic");
    EXPECT_EQ(QemuVirtualSize(image, "vhdx"), o.virtual_size);
  }
}

TEST(HvrImagesTest, FixedVhdHasExactlyTheSizeAskedFor) {
  REQUIRE_TOOLS("qemu-img", "vhdiinfo");
  for (const uint64_t size : {kMiB, 127 * kMiB, 1025 * kMiB, 300 * 1024 * kMiB}) {
    SCOPED_TRACE(size);
    TempDir dir;
    const std::string image = dir.File("azure.vhd");
    ASSERT_TRUE(CreateFixedVhd(image, size).ok());
    EXPECT_EQ(QemuVirtualSize(image, "vpc"), size);
    const VhdiInfo info = RunVhdiinfo(image);
    EXPECT_EQ(info.media_size, size);
    EXPECT_EQ(info.disk_type, "Fixed");
  }
  TempDir dir;
  const std::string image = dir.File("azure.vhd");
  ASSERT_TRUE(CreateFixedVhd(image, 20 * kMiB).ok());
  Mirror m(image, dir.File("ref.raw"), 20 * kMiB);
  m.Write(kMiB + 77, PatternBytes(3 * kMiB, 4));
  m.Close();
  EXPECT_TRUE(QemuSameContent(image, "vpc", dir.File("ref.raw")));
}

TEST(HvrImagesTest, WritesIntoQemuMadeImages) {
  REQUIRE_TOOLS("qemu-img", "qemu-io");
  for (const auto& [format, subformat] : {std::pair{"vhdx", "dynamic"}, std::pair{"vpc", "dynamic"}}) {
    SCOPED_TRACE(format);
    TempDir dir;
    const std::string image = dir.File("img");
    QemuCreate(image, format, 24 * kMiB, {std::string("subformat=") + subformat});
    QemuWrite(image, format, 2 * kMiB, kMiB, 0x66);
    const std::vector<uint8_t> before = QemuReadAll(image, format, dir.File("before.raw"));
    Mirror m(image, dir.File("ref.raw"), before.size());
    m.SetModel(before);
    m.Write(2 * kMiB + 700, PatternBytes(5000, 5));  // into qemu's block
    m.Write(11 * kMiB + 3, PatternBytes(3 * kMiB, 6));  // new blocks
    m.Close();
    if (std::string(format) == "vhdx") RunOrFail({"qemu-img", "check", "-f", format, image});
    EXPECT_TRUE(QemuSameContent(image, format, dir.File("ref.raw")));
  }
}

TEST(HvrImagesTest, DifferencingVhdxReadsLikeLibvhdiAndMergesForQemu) {
  REQUIRE_TOOLS("qemu-img", "vhdiinfo");
  TempDir dir;
  const std::string parent = dir.File("parent.vhdx");
  const std::string child = dir.File("child.avhdx");
  VhdxCreateOptions o;
  o.virtual_size = 32 * kMiB;
  o.block_size = static_cast<uint32_t>(kMiB);
  ASSERT_TRUE(CreateVhdx(parent, o).ok());
  Mirror p(parent, dir.File("parent.raw"), o.virtual_size);
  p.Write(0, PatternBytes(12 * kMiB, 1));
  p.Close();
  ASSERT_TRUE(CreateDifferencingVhdx(child, parent).ok());
  Mirror c(child, dir.File("child.raw"), o.virtual_size);
  c.SetModel(p.model());
  c.Write(kMiB + 1000, PatternBytes(3000, 2));
  c.Write(5 * kMiB, PatternBytes(2 * kMiB, 3));
  c.Write(20 * kMiB + 512, PatternBytes(512, 4));
  c.Close();

  EXPECT_EQ(FirstDifference(ReadImage(child), c.model()), "equal");
  const VhdiInfo info = RunVhdiinfo(child);
  EXPECT_EQ(info.disk_type, "Differential");
  auto parent_disk = OpenDisk(parent);
  ASSERT_TRUE(parent_disk.ok());
  EXPECT_EQ(info.parent_identifier, (*parent_disk)->info().data_write_guid.ToString());
  parent_disk->reset();
  {
    VhdiMount mount(child, dir.File("mnt"));
    RecordProperty("vhdimount", mount.available() ? "used" : "not available here");
    if (mount.available()) {
      ASSERT_EQ(mount.layers(), 2);
      EXPECT_EQ(FirstDifference(mount.ReadLayer(2), c.model()), "equal") << "libvhdi reads the child differently";
      EXPECT_EQ(FirstDifference(mount.ReadLayer(1), p.model()), "equal");
    }
  }
  auto merged = MergeDifferencingDisk(child);
  ASSERT_TRUE(merged.ok()) << merged.error().ToString();
  RunOrFail({"qemu-img", "check", "-f", "vhdx", parent});
  EXPECT_TRUE(QemuSameContent(parent, "vhdx", dir.File("child.raw")));
}

TEST(HvrImagesTest, QemuReplaysALogHvrLeftBehind) {
  REQUIRE_TOOLS("qemu-img", "qemu-io");
  TempDir dir;
  const std::string image = dir.File("d.vhdx");
  VhdxCreateOptions o;
  o.virtual_size = 16 * kMiB;
  o.block_size = static_cast<uint32_t>(kMiB);
  ASSERT_TRUE(CreateVhdx(image, o).ok());
  std::vector<uint8_t> model(o.virtual_size, 0);
  {
    ChainContext chain{{}, {}, {}};
    auto writer = VhdxWriter::Open(image, {}, chain);
    ASSERT_TRUE(writer.ok());
    const auto data = PatternBytes(5 * kMiB, 7);
    ASSERT_TRUE((*writer)->Write(2 * kMiB, data).ok());
    std::memcpy(model.data() + 2 * kMiB, data.data(), data.size());
    // Crash after the log entry is durable, before the BAT is updated in place.
    (*writer)->SetFaultHookForTesting([](std::string_view step) -> Status {
      return step == "apply" ? Status(Error(Code::kIo, "crash")) : Ok();
    });
    ASSERT_FALSE((*writer)->Close().ok());
  }
  EXPECT_EQ(FirstDifference(ReadImage(image), model), "equal");  // in-memory replay
  // qemu refuses read-only opens of a file with a log to replay; a writable open replays.
  RunOrFail({"qemu-io", "-f", "vhdx", "-c", "read 0 512", image});
  WriteFileBytes(dir.File("ref.raw"), model);
  EXPECT_TRUE(QemuSameContent(image, "vhdx", dir.File("ref.raw")));
}

}  // namespace
}  // namespace hvr
