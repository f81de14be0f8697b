#include "test_util/vhd_builder.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "disk/image_file.hpp"
#include "disk/parent_path.hpp"
#include "disk/utf16.hpp"
#include "disk/vhd_disk.hpp"
#include "disk/vhd_dynamic_header.hpp"
#include "disk/vhd_footer.hpp"
#include "test_util/disk_tools.hpp"

namespace hvr::testing {
namespace {

uint64_t RoundUp(uint64_t v, uint64_t unit) { return (v + unit - 1) / unit * unit; }

}  // namespace

void BuildDynamicVhd(const std::string& path, const VhdBuildOptions& options) {
  vhd::Footer footer;
  footer.data_offset = 512;
  footer.timestamp = vhd::VhdTimestamp(std::chrono::system_clock::now());
  footer.original_size = footer.current_size = options.virtual_size;
  footer.geometry = vhd::GeometryFor(options.virtual_size);
  footer.disk_type = options.parent_path ? vhd::DiskType::kDifferencing : vhd::DiskType::kDynamic;
  footer.unique_id = Guid::Random();

  vhd::DynamicHeader header;
  header.block_size = options.block_size;
  header.max_table_entries =
      static_cast<uint32_t>((options.virtual_size + options.block_size - 1) / options.block_size);
  header.table_offset = 1536;
  uint64_t end = header.table_offset + RoundUp(uint64_t{header.max_table_entries} * 4, 512);
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> locator_data;

  if (options.parent_path) {
    auto parent_file = ImageFile::Open(*options.parent_path, File::Mode::kRead);
    ASSERT_TRUE(parent_file.ok()) << parent_file.error().ToString();
    uint64_t footer_offset = 0;
    auto parent_footer = ReadVhdFooter(*parent_file, &footer_offset);
    ASSERT_TRUE(parent_footer.ok()) << parent_footer.error().ToString();
    header.parent_unique_id = options.parent_unique_id.value_or(parent_footer->unique_id);
    header.parent_timestamp = options.parent_timestamp.value_or(parent_footer->timestamp);
    header.parent_name = *options.parent_path;
    size_t slot = 0;
    const auto add = [&](uint32_t code, const std::string& value) {
      std::vector<uint8_t> bytes = Utf8ToUtf16Le(value);
      header.locators[slot++] = {code, static_cast<uint32_t>(RoundUp(bytes.size(), 512) / 512),
                                 static_cast<uint32_t>(bytes.size()), end};
      locator_data.emplace_back(end, bytes);
      end += RoundUp(bytes.size(), 512);
    };
    if (options.relative_locator) add(vhd::kPlatformW2ru, WindowsRelativePath(path, *options.parent_path));
    if (options.absolute_locator) add(vhd::kPlatformW2ku, Win32AbsolutePath(*options.parent_path));
  }

  std::vector<uint8_t> bytes(static_cast<size_t>(end + 512), 0);
  const auto footer_bytes = vhd::Encode(footer);
  std::copy(footer_bytes.begin(), footer_bytes.end(), bytes.begin());
  std::copy(footer_bytes.begin(), footer_bytes.end(), bytes.begin() + static_cast<ptrdiff_t>(end));
  const auto header_bytes = vhd::EncodeDynamicHeader(header);
  std::copy(header_bytes.begin(), header_bytes.end(), bytes.begin() + 512);
  std::fill(bytes.begin() + 1536, bytes.begin() + 1536 + header.max_table_entries * 4, 0xFF);
  for (const auto& [offset, data] : locator_data) {
    std::copy(data.begin(), data.end(), bytes.begin() + static_cast<ptrdiff_t>(offset));
  }
  WriteFileBytes(path, bytes);
}

}  // namespace hvr::testing
