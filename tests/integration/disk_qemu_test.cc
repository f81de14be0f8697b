// The disk component against independent implementations: images qemu makes read the
// same through hvr as through qemu, and images hvr makes pass qemu-img check, compare
// equal in qemu-img and read the same in libvhdi (vhdiinfo, vhdimount).
//
// The qemu tools and libvhdi run natively around this program, in a CTest fixture
// (qemu_images.sh): its setup makes the qemu images this program reads, its cleanup runs
// the checks each case asks for on the images it wrote. So the same program runs on Linux
// and, as a Windows program, under Wine, which cannot drive Linux tools (docs/windows.md).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "disk/disk_chain.hpp"
#include "disk/vhdx_writer.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_convert.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/disk_writer.hpp"
#include "test_util/build_paths.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

using namespace hvr::testing;

using test::kMiB;

// The fixture's folder (tests/integration/CMakeLists.txt).
std::string QemuFolder() { return kQemuImagesDir; }

// An image qemu made (qemu_images.sh make), by its file name, and its content as qemu
// reads it (the raw file beside it).
struct MadeImage {
  std::string image;
  std::vector<uint8_t> content;
};
MadeImage Made(const std::string& file) {
  const std::string image = QemuFolder() + "/made/" + file;
  if (!std::filesystem::exists(PathFromUtf8(image))) {
    ADD_FAILURE() << image << " is missing: the fixture makes it (ctest -R disk_qemu, or "
                  << "tests/integration/qemu_images.sh make " << QemuFolder() << ")";
    return {};
  }
  return {image, ReadFileBytes(image.substr(0, image.rfind('.')) + ".raw")};
}

// Where a case writes its images, and the checks that qemu_images.sh check runs on them
// once the program has ended: a folder of the case's own, FOLDER/out/SUITE.CASE.
class QemuChecks {
 public:
  QemuChecks() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    folder_ = QemuFolder() + "/out/" + test->test_suite_name() + "." + test->name();
    std::filesystem::remove_all(PathFromUtf8(folder_));
    std::filesystem::create_directories(PathFromUtf8(folder_));
  }
  std::string File(const std::string& name) const { return folder_ + "/" + name; }
  // One check (qemu_images.sh names them), its file names relative to the case's folder.
  void Add(const std::vector<std::string>& words) {
    // Binary: the script reads lines ending in "\n" alone, on Windows too.
    std::ofstream checks(PathFromUtf8(folder_ + "/checks"), std::ios::app | std::ios::binary);
    for (size_t i = 0; i < words.size(); ++i) checks << (i ? " " : "") << words[i];
    checks << "\n";
    ASSERT_TRUE(checks.good()) << "cannot write " << folder_ << "/checks";
  }

 private:
  std::string folder_;
};

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

class QemuImageTest : public ::testing::TestWithParam<const char*> {};

TEST_P(QemuImageTest, ReadsByteForByteLikeQemu) {
  const MadeImage made = Made(GetParam());
  ASSERT_FALSE(made.content.empty());
  auto disk = OpenDisk(made.image);
  ASSERT_TRUE(disk.ok()) << disk.error().ToString();
  EXPECT_EQ((*disk)->info().virtual_size, made.content.size());
  EXPECT_EQ(FirstDifference(ReadWholeDisk(**disk), made.content), "equal");
  auto ranges = (*disk)->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  EXPECT_TRUE(RangesCoverNonZero(*ranges, made.content));
  // Converting with hvr gives what qemu-img convert gives.
  TempDir dir;
  ConvertOptions options;
  auto stats = ConvertDisk(**disk, dir.File("hvr.raw"), options);
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  EXPECT_EQ(FirstDifference(ReadFileBytes(dir.File("hvr.raw")), made.content), "equal");
}

// qemu_images.sh makes each: 40 MiB written at block starts, with sector-unaligned lengths,
// across block boundaries, and at the end of the disk.
INSTANTIATE_TEST_SUITE_P(QemuMade, QemuImageTest,
                         ::testing::Values("vhdx_dynamic.vhdx", "vhdx_dynamic_32m.vhdx",
                                           "vhdx_fixed.vhdx", "vhd_dynamic.vhd", "vhd_fixed.vhd"),
                         [](const auto& param_info) {
                           const std::string file = param_info.param;
                           return file.substr(0, file.rfind('.'));
                         });

TEST(HvrImagesTest, DynamicAndFixedVhdxPassQemuAndLibvhdi) {
  QemuChecks checks;
  for (const bool fixed : {false, true}) {
    SCOPED_TRACE(fixed ? "fixed" : "dynamic");
    const std::string name = fixed ? "fixed" : "dynamic";
    VhdxCreateOptions o;
    o.virtual_size = 48 * kMiB + 4096;
    o.block_size = static_cast<uint32_t>(2 * kMiB);
    o.fixed = fixed;
    ASSERT_TRUE(CreateVhdx(checks.File(name + ".vhdx"), o).ok());
    Mirror m(checks.File(name + ".vhdx"), checks.File(name + ".raw"), o.virtual_size);
    m.Write(3 * kMiB + 5, PatternBytes(5 * kMiB, 1));
    m.Write(30 * kMiB, PatternBytes(512, 2));
    m.Write(o.virtual_size - 100, PatternBytes(100, 3));
    ASSERT_TRUE(m.writer().WriteZeros(4 * kMiB, 2 * kMiB).ok());
    std::vector<uint8_t> model = m.model();
    std::fill(model.begin() + 4 * kMiB, model.begin() + 6 * kMiB, 0);
    m.SetModel(model);
    m.Close();
    const std::string size = std::to_string(o.virtual_size);
    checks.Add({"check", "vhdx", name + ".vhdx"});
    checks.Add({"same", "vhdx", name + ".vhdx", name + ".raw"});
    checks.Add({"vhdi", name + ".vhdx", size, fixed ? "Fixed" : "Dynamic"});
    checks.Add({"size", "vhdx", name + ".vhdx", size});
  }
}

TEST(HvrImagesTest, FixedVhdHasExactlyTheSizeAskedFor) {
  QemuChecks checks;
  for (const uint64_t size : {kMiB, 127 * kMiB, 1025 * kMiB, 300 * 1024 * kMiB}) {
    SCOPED_TRACE(size);
    const std::string image = "azure-" + std::to_string(size) + ".vhd";
    ASSERT_TRUE(CreateFixedVhd(checks.File(image), size).ok());
    checks.Add({"size", "vpc", image, std::to_string(size)});
    checks.Add({"vhdi", image, std::to_string(size), "Fixed"});
  }
  ASSERT_TRUE(CreateFixedVhd(checks.File("written.vhd"), 20 * kMiB).ok());
  Mirror m(checks.File("written.vhd"), checks.File("written.raw"), 20 * kMiB);
  m.Write(kMiB + 77, PatternBytes(3 * kMiB, 4));
  m.Close();
  checks.Add({"same", "vpc", "written.vhd", "written.raw"});
}

TEST(HvrImagesTest, WritesIntoQemuMadeImages) {
  QemuChecks checks;
  for (const auto& [made_as, format, image] :
       {std::tuple{"into_vhdx.vhdx", "vhdx", "into.vhdx"}, std::tuple{"into_vhd.vhd", "vpc", "into.vhd"}}) {
    SCOPED_TRACE(format);
    const MadeImage made = Made(made_as);
    ASSERT_FALSE(made.content.empty());
    std::filesystem::copy_file(PathFromUtf8(made.image), PathFromUtf8(checks.File(image)));
    Mirror m(checks.File(image), checks.File(std::string(image) + ".raw"), made.content.size());
    m.SetModel(made.content);
    m.Write(2 * kMiB + 700, PatternBytes(5000, 5));    // into qemu's block
    m.Write(11 * kMiB + 3, PatternBytes(3 * kMiB, 6));  // new blocks
    m.Close();
    if (std::string(format) == "vhdx") checks.Add({"check", format, image});
    checks.Add({"same", format, image, std::string(image) + ".raw"});
  }
}

// A parent of 32 MiB and a differencing child, in `folder` (one of the case's folder):
// their contents as hvr wrote them, and the parent's DataWriteGuid.
struct Chain {
  std::vector<uint8_t> parent;
  std::vector<uint8_t> child;
};
Chain MakeChain(const QemuChecks& checks, const std::string& folder) {
  std::filesystem::create_directories(PathFromUtf8(checks.File(folder)));
  const std::string parent = checks.File(folder + "/parent.vhdx");
  const std::string child = checks.File(folder + "/child.avhdx");
  VhdxCreateOptions o;
  o.virtual_size = 32 * kMiB;
  o.block_size = static_cast<uint32_t>(kMiB);
  EXPECT_TRUE(CreateVhdx(parent, o).ok());
  Mirror p(parent, checks.File(folder + "/parent.raw"), o.virtual_size);
  p.Write(0, PatternBytes(12 * kMiB, 1));
  p.Close();
  EXPECT_TRUE(CreateDifferencingVhdx(child, parent).ok());
  Mirror c(child, checks.File(folder + "/child.raw"), o.virtual_size);
  c.SetModel(p.model());
  c.Write(kMiB + 1000, PatternBytes(3000, 2));
  c.Write(5 * kMiB, PatternBytes(2 * kMiB, 3));
  c.Write(20 * kMiB + 512, PatternBytes(512, 4));
  c.Close();
  return {p.model(), c.model()};
}

TEST(HvrImagesTest, DifferencingVhdxReadsLikeLibvhdiAndMergesForQemu) {
  QemuChecks checks;
  // One chain for libvhdi to read, another merged for qemu to check.
  const Chain read = MakeChain(checks, "read");
  EXPECT_EQ(FirstDifference(ReadImage(checks.File("read/child.avhdx")), read.child), "equal");
  auto parent_disk = OpenDisk(checks.File("read/parent.vhdx"));
  ASSERT_TRUE(parent_disk.ok());
  checks.Add({"vhdi", "read/child.avhdx", std::to_string(read.child.size()), "Differential",
              (*parent_disk)->info().data_write_guid.ToString()});
  parent_disk->reset();
  checks.Add({"layers", "read/child.avhdx", "read/parent.raw", "read/child.raw"});

  MakeChain(checks, "merged");
  auto merged = MergeDifferencingDisk(checks.File("merged/child.avhdx"));
  ASSERT_TRUE(merged.ok()) << merged.error().ToString();
  checks.Add({"check", "vhdx", "merged/parent.vhdx"});
  checks.Add({"same", "vhdx", "merged/parent.vhdx", "merged/child.raw"});
}

TEST(HvrImagesTest, QemuReplaysALogHvrLeftBehind) {
  QemuChecks checks;
  const std::string image = checks.File("d.vhdx");
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
  WriteFileBytes(checks.File("d.raw"), model);
  // qemu refuses read-only opens of a file with a log to replay; a writable open replays.
  checks.Add({"replay", "d.vhdx"});
  checks.Add({"same", "vhdx", "d.vhdx", "d.raw"});
}

}  // namespace
}  // namespace hvr
