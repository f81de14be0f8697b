// The VHDX structures one by one: headers, region table, metadata, BAT geometry.
#include <gtest/gtest.h>

#include "disk/vhdx_bat.hpp"
#include "disk/vhdx_header.hpp"
#include "disk/vhdx_metadata.hpp"
#include "disk/vhdx_region_table.hpp"
#include "util/endian.hpp"

namespace hvr::vhdx {
namespace {

Header SampleHeader(uint64_t sequence) {
  Header h;
  h.sequence_number = sequence;
  h.file_write_guid = Guid::Random();
  h.data_write_guid = Guid::Random();
  h.log_length = 1 << 20;
  h.log_offset = 1 << 20;
  return h;
}

TEST(VhdxHeaderTest, RoundTripsAndTheNewerValidHeaderIsCurrent) {
  const Header a = SampleHeader(5);
  const Header b = SampleHeader(6);
  auto decoded = DecodeHeader(EncodeHeader(a), "t");
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ(decoded->data_write_guid, a.data_write_guid);
  EXPECT_EQ(decoded->log_offset, a.log_offset);

  auto current = SelectCurrentHeader(a, b, "f.vhdx", 16 << 20);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->slot, 1);
  EXPECT_EQ(current->header.data_write_guid, b.data_write_guid);

  // A damaged newer header leaves the older one current.
  auto bytes = EncodeHeader(b);
  bytes[100] ^= 1;
  const auto damaged = DecodeHeader(bytes, "f.vhdx: header at offset 131072");
  ASSERT_FALSE(damaged.ok());
  EXPECT_NE(damaged.error().message().find("f.vhdx: header at offset 131072: Checksum expected"), std::string::npos);
  current = SelectCurrentHeader(a, damaged, "f.vhdx", 16 << 20);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->slot, 0);

  const auto none = SelectCurrentHeader(damaged, damaged, "f.vhdx", 16 << 20);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), Code::kCorruptData);
  EXPECT_NE(none.error().message().find("no valid header"), std::string::npos);
}

TEST(VhdxHeaderTest, VersionAndLogPlacementAreChecked) {
  Header h = SampleHeader(1);
  h.version = 2;
  auto r = SelectCurrentHeader(h, Error(Code::kCorruptData, "x"), "f", 16 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kUnsupported);
  h = SampleHeader(1);
  h.log_offset = 16 << 20;  // the log would end past the file
  r = SelectCurrentHeader(h, Error(Code::kCorruptData, "x"), "f", 16 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("LogOffset"), std::string::npos);
}

TEST(VhdxRegionTableTest, KnownRegionsAndDamage) {
  const auto bytes = EncodeRegionTable({{kBatRegion, 3 << 20, 1 << 20, true}, {kMetadataRegion, 2 << 20, 1 << 20, true}});
  auto table = DecodeRegionTable(bytes, "t", 8 << 20);
  ASSERT_TRUE(table.ok()) << table.error().ToString();
  EXPECT_EQ(table->bat.file_offset, 3u << 20);
  EXPECT_EQ(table->metadata.file_offset, 2u << 20);

  // An unknown required region must refuse the file (MS-VHDX 2.2.3.2).
  const auto unknown = EncodeRegionTable({{kBatRegion, 3 << 20, 1 << 20, true},
                                          {kMetadataRegion, 2 << 20, 1 << 20, true},
                                          {Guid::Random(), 4 << 20, 1 << 20, true}});
  auto r = DecodeRegionTable(unknown, "t", 8 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kUnsupported);

  // A region past the end of the file.
  const auto outside = EncodeRegionTable({{kBatRegion, 30 << 20, 1 << 20, true}, {kMetadataRegion, 2 << 20, 1 << 20, true}});
  r = DecodeRegionTable(outside, "f.vhdx: region table at offset 196608", 8 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("f.vhdx: region table at offset 196608: entry 0"), std::string::npos);
  EXPECT_NE(r.error().message().find("ends beyond the file size"), std::string::npos);
}

DiskMetadata SampleMetadata() {
  DiskMetadata md;
  md.block_size = 32 << 20;
  md.virtual_size = 10ull << 30;
  md.virtual_disk_id = Guid::Random();
  md.logical_sector_size = 512;
  md.physical_sector_size = 4096;
  return md;
}

TEST(VhdxMetadataTest, RoundTripsKnownItemsAndKeepsUnknownOnes) {
  DiskMetadata md = SampleMetadata();
  md.has_parent = true;
  ParentLocator locator;
  locator.Set("parent_linkage", "{83ed0ec3-24c8-49a6-a959-5e4bf1288bfb}");
  locator.Set("relative_path", "..\\p\u00e8re.vhdx");
  md.parent_locator = locator;
  md.items.push_back({Guid::Random(), true, false, false, {1, 2, 3}});  // a user item
  auto region = EncodeMetadataRegion(ItemsFor(md), 1 << 20);
  ASSERT_TRUE(region.ok());
  auto back = DecodeMetadataRegion(*region, "t");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->block_size, md.block_size);
  EXPECT_EQ(back->virtual_size, md.virtual_size);
  EXPECT_EQ(back->virtual_disk_id, md.virtual_disk_id);
  EXPECT_TRUE(back->has_parent);
  ASSERT_TRUE(back->parent_locator);
  EXPECT_EQ(*back->parent_locator->Find("relative_path"), "..\\p\u00e8re.vhdx");
  bool kept = false;
  for (const auto& item : back->items) kept = kept || (item.is_user && item.data == std::vector<uint8_t>{1, 2, 3});
  EXPECT_TRUE(kept);
}

TEST(VhdxMetadataTest, BadValuesAreNamed) {
  DiskMetadata md = SampleMetadata();
  md.block_size = 3 << 20;  // not a power of two
  auto region = EncodeMetadataRegion(ItemsFor(md), 1 << 20);
  auto r = DecodeMetadataRegion(*region, "f.vhdx: metadata region at offset 2097152");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("File Parameters: BlockSize"), std::string::npos);

  md = SampleMetadata();
  md.virtual_size = 100ull << 40;  // absurd: over 64 TiB
  region = EncodeMetadataRegion(ItemsFor(md), 1 << 20);
  r = DecodeMetadataRegion(*region, "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("Virtual Disk Size"), std::string::npos);

  // An item pointing outside the region.
  md = SampleMetadata();
  region = EncodeMetadataRegion(ItemsFor(md), 1 << 20);
  StoreLE<uint32_t>(region->data() + 32 + 16, (1 << 20) - 4);  // first entry's Offset
  r = DecodeMetadataRegion(*region, "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("metadata entry 0 (File Parameters)"), std::string::npos);
}

TEST(VhdxBatTest, GeometryFollowsTheSpecification) {
  // 10 GiB, 32 MiB blocks, 512-byte sectors: chunk ratio 2^23 * 512 / 2^25 = 128.
  BatGeometry g = BatGeometry::For(10ull << 30, 32 << 20, 512, false);
  EXPECT_EQ(g.chunk_ratio, 128u);
  EXPECT_EQ(g.payload_blocks, 320u);
  EXPECT_EQ(g.bitmap_blocks, 3u);
  EXPECT_EQ(g.entries, 320u + 319u / 128u);
  EXPECT_EQ(g.PayloadIndex(127), 127u);
  EXPECT_EQ(g.PayloadIndex(128), 129u);  // after the first chunk's bitmap entry
  EXPECT_EQ(g.BitmapIndex(0), 128u);
  EXPECT_EQ(g.BitmapByteOffset(129), 1u * (65536 / 8));
  g = BatGeometry::For(10ull << 30, 32 << 20, 512, true);
  EXPECT_EQ(g.entries, 3u * 129u);  // differencing: every chunk's bitmap entry
  // 4 KiB sectors and 1 MiB blocks: 2^23 * 4096 / 2^20 = 32768 blocks per chunk.
  EXPECT_EQ(BatGeometry::For(1ull << 30, 1 << 20, 4096, false).chunk_ratio, 32768u);
  EXPECT_EQ(MakeEntry(6, 5ull << 20), (5ull << 20) | 6);
  EXPECT_EQ(EntryFileOffset((5ull << 20) | 6 | (1 << 10)), 5ull << 20);
}

}  // namespace
}  // namespace hvr::vhdx
