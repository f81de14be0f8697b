// Which format an image is opened as: the caller's choice, else the name, else the
// content; and an image taken for VHDX or VHD whose signature is damaged is an error
// naming the damage, never a raw disk (docs/disk-io.md).
#include <gtest/gtest.h>

#include <filesystem>

#include "hvr/disk.hpp"
#include "hvr/disk_convert.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/disk_writer.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"
#include "test_util/vhd_builder.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

using test::kMiB;

// Changes the byte at `offset` of a file, as a bad sector or a stray write would.
void FlipByte(const std::string& path, uint64_t offset) {
  std::vector<uint8_t> bytes = testing::ReadFileBytes(path);
  ASSERT_LT(offset, bytes.size());
  bytes[offset] ^= 0x20;
  testing::WriteFileBytes(path, bytes);
}

VhdxCreateOptions Sized(uint64_t virtual_size) {
  VhdxCreateOptions options;
  options.virtual_size = virtual_size;
  return options;
}

ConvertOptions ToRaw() {
  ConvertOptions options;
  options.target = ConvertTarget::kRaw;
  return options;
}

std::string MessageOf(const Result<std::unique_ptr<DiskReader>>& disk) {
  EXPECT_FALSE(disk.ok());
  return disk.ok() ? std::string() : disk.error().message();
}

TEST(DiskFormatTest, TheExtensionNamesTheFormat) {
  EXPECT_EQ(DiskFormatOfName("/vms/a.vhdx"), DiskFormat::kVhdx);
  EXPECT_EQ(DiskFormatOfName("/vms/a.AVHDX"), DiskFormat::kVhdx);
  EXPECT_EQ(DiskFormatOfName("a.vhd"), DiskFormat::kVhd);
  EXPECT_EQ(DiskFormatOfName("a.avhd"), DiskFormat::kVhd);
  EXPECT_EQ(DiskFormatOfName("a.raw"), DiskFormat::kRaw);
  EXPECT_EQ(DiskFormatOfName("a.Img"), DiskFormat::kRaw);
  EXPECT_EQ(DiskFormatOfName("a.bin"), DiskFormat::kRaw);
  EXPECT_EQ(DiskFormatOfName("a.vhdx.tmp"), std::nullopt);
  EXPECT_EQ(DiskFormatOfName("/vms.vhdx/disk"), std::nullopt);
  EXPECT_EQ(DiskFormatOfName("/proc/self/fd/3"), std::nullopt);
}

TEST(DiskFormatTest, OneChangedByteOfTheVhdxSignatureIsNamedNotReadAsRaw) {
  TempDir dir;
  const std::string path = dir.File("d.vhdx");
  ASSERT_OK(CreateVhdx(path, Sized(4 * kMiB)));
  FlipByte(path, 3);
  const std::string message = MessageOf(OpenDisk(path));
  EXPECT_EQ(CodeOf(OpenDisk(path)), Code::kCorruptData);
  EXPECT_NE(message.find(path + ": file type identifier at offset 0: Signature expected \"vhdxfile\", found 0x"),
            std::string::npos)
      << message;
  EXPECT_EQ(CodeOf(OpenDiskForWrite(path)), Code::kCorruptData);
  ASSERT_OK_AND_ASSIGN(const DiskFormat claimed, DetectDiskFormat(path));
  EXPECT_EQ(claimed, DiskFormat::kVhdx) << "what OpenDisk would open it as";

  // A checkpoint's differencing disk is a VHDX too.
  std::filesystem::rename(path, dir.File("d.avhdx"));
  EXPECT_EQ(CodeOf(OpenDisk(dir.File("d.avhdx"))), Code::kCorruptData);
  // Under a name that says nothing, a damaged container is not a raw disk either.
  std::filesystem::rename(dir.File("d.avhdx"), dir.File("d"));
  EXPECT_EQ(CodeOf(OpenDisk(dir.File("d"))), Code::kInvalidArgument);
}

TEST(DiskFormatTest, OneChangedByteOfAFixedVhdFooterCookieIsNamed) {
  TempDir dir;
  const std::string path = dir.File("azure.vhd");
  ASSERT_OK(CreateFixedVhd(path, 2 * kMiB));
  FlipByte(path, 2 * kMiB + 1);
  const std::string message = MessageOf(OpenDisk(path));
  EXPECT_NE(message.find(path + ": footer at offset 2097152: Cookie expected \"conectix\", found 0x"),
            std::string::npos)
      << message;
  EXPECT_EQ(CodeOf(OpenDiskForWrite(path)), Code::kCorruptData);
}

TEST(DiskFormatTest, OneChangedByteOfADynamicVhdHeaderCookieIsNamed) {
  TempDir dir;
  const std::string path = dir.File("dynamic.vhd");
  testing::BuildDynamicVhd(path, {.virtual_size = 4 * kMiB, .block_size = kMiB});
  FlipByte(path, 512 + 2);  // the dynamic header follows the footer copy
  const std::string message = MessageOf(OpenDisk(path));
  EXPECT_NE(message.find(path + ": dynamic header at offset 512: Cookie expected \"cxsparse\", found 0x"),
            std::string::npos)
      << message;
}

TEST(DiskFormatTest, WithoutASignatureOrARawNameTheCallerChooses) {
  TempDir dir;
  const std::string path = dir.File("disk0");
  testing::WriteFileBytes(path, testing::PatternBytes(3000, 2));
  const std::string message = MessageOf(OpenDisk(path));
  EXPECT_EQ(CodeOf(OpenDisk(path)), Code::kInvalidArgument);
  EXPECT_NE(message.find(path + ": neither a VHDX"), std::string::npos) << message;
  EXPECT_NE(message.find("name a raw image .raw, .img or .bin, or open it with the raw format chosen"),
            std::string::npos)
      << message;
  EXPECT_EQ(CodeOf(DetectDiskFormat(path)), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(OpenDiskForWrite(path)), Code::kInvalidArgument);

  ASSERT_OK_AND_ASSIGN(auto raw, OpenDisk(path, {.format = DiskFormat::kRaw}));
  EXPECT_EQ(raw->info().format, DiskFormat::kRaw);
  EXPECT_EQ(raw->info().virtual_size, 3000u);
  std::filesystem::rename(path, dir.File("disk0.img"));
  ASSERT_OK_AND_ASSIGN(auto named, OpenDisk(dir.File("disk0.img")));
  EXPECT_EQ(named->info().format, DiskFormat::kRaw);

  EXPECT_EQ(CodeOf(OpenDisk(dir.File("nothing"))), Code::kNotFound);
  EXPECT_EQ(CodeOf(DetectDiskFormat(dir.File("nothing.vhdx"))), Code::kNotFound);
}

TEST(DiskFormatTest, TheNameOrTheCallersChoiceWinsOverTheContent) {
  TempDir dir;
  ASSERT_OK(CreateVhdx(dir.File("v.vhdx"), Sized(4 * kMiB)));
  const uint64_t file_size = std::filesystem::file_size(dir.File("v.vhdx"));
  std::filesystem::copy_file(dir.File("v.vhdx"), dir.File("v.bin"));
  ASSERT_OK_AND_ASSIGN(auto raw, OpenDisk(dir.File("v.bin")));
  EXPECT_EQ(raw->info().format, DiskFormat::kRaw) << "a raw disk may hold anything";
  EXPECT_EQ(raw->info().virtual_size, file_size);
  ASSERT_OK_AND_ASSIGN(auto vhdx, OpenDisk(dir.File("v.bin"), {.format = DiskFormat::kVhdx}));
  EXPECT_EQ(vhdx->info().format, DiskFormat::kVhdx);
  EXPECT_EQ(vhdx->info().virtual_size, 4 * kMiB);
  WriteOptions write;
  write.open.format = DiskFormat::kVhdx;
  ASSERT_OK_AND_ASSIGN(auto writer, OpenDiskForWrite(dir.File("v.bin"), write));
  EXPECT_EQ(writer->info().format, DiskFormat::kVhdx);
  ASSERT_OK(writer->Close());
}

// An image created under a name that claims another format would later be opened as
// what the name claims.
TEST(DiskFormatTest, ImagesAreNotCreatedUnderANameOfAnotherFormat) {
  TempDir dir;
  const Status raw = CreateRaw(dir.File("disk.vhdx"), kMiB);
  ASSERT_FALSE(raw.ok());
  EXPECT_EQ(raw.error().code(), Code::kInvalidArgument);
  EXPECT_NE(raw.error().message().find("the name says vhdx, not raw"), std::string::npos) << raw.error().message();
  EXPECT_FALSE(CreateVhdx(dir.File("disk.raw"), Sized(kMiB)).ok());
  EXPECT_FALSE(CreateFixedVhd(dir.File("disk.img"), kMiB).ok());
  EXPECT_FALSE(std::filesystem::exists(dir.File("disk.vhdx")));

  ASSERT_OK(CreateRaw(dir.File("source.raw"), kMiB));
  ASSERT_OK_AND_ASSIGN(auto source, OpenDisk(dir.File("source.raw")));
  EXPECT_EQ(CodeOf(ConvertDisk(*source, dir.File("out.vhd"), ToRaw())),
            Code::kInvalidArgument);
  // A name that claims nothing takes any format; the converter knows what it made.
  ASSERT_OK(ConvertDisk(*source, dir.File("out"), ToRaw()));
  ASSERT_OK_AND_ASSIGN(auto out, OpenDisk(dir.File("out"), {.format = DiskFormat::kRaw}));
  EXPECT_EQ(out->info().virtual_size, kMiB);
}

}  // namespace
}  // namespace hvr
