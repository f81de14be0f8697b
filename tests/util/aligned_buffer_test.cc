#include "util/aligned_buffer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

namespace hvr {
namespace {

TEST(AlignedBufferTest, IsZeroFilledAndAlignedForDirectIo) {
  auto buffer = AlignedBuffer::Allocate(3 * AlignedBuffer::kAlignment + 17);
  ASSERT_TRUE(buffer.ok()) << buffer.error().message();
  EXPECT_EQ(buffer->size(), 3 * AlignedBuffer::kAlignment + 17);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer->data()) % AlignedBuffer::kAlignment, 0u);
  EXPECT_TRUE(std::all_of(buffer->span().begin(), buffer->span().end(), [](uint8_t b) { return b == 0; }));
  // The whole size is writable, the odd tail included.
  std::fill(buffer->span().begin(), buffer->span().end(), uint8_t{0xA5});
  EXPECT_EQ(buffer->data()[buffer->size() - 1], 0xA5);
}

TEST(AlignedBufferTest, AnEmptyBufferStillHasAnAddress) {
  auto buffer = AlignedBuffer::Allocate(0);
  ASSERT_TRUE(buffer.ok());
  EXPECT_EQ(buffer->size(), 0u);
  EXPECT_NE(buffer->data(), nullptr);
}

TEST(AlignedBufferTest, MovingHandsOverTheMemory) {
  auto made = AlignedBuffer::Allocate(8192);
  ASSERT_TRUE(made.ok());
  AlignedBuffer first = std::move(*made);
  first.data()[0] = 7;
  AlignedBuffer second = std::move(first);
  EXPECT_EQ(first.data(), nullptr);  // NOLINT(bugprone-use-after-move): the state a move leaves is the point
  EXPECT_EQ(first.size(), 0u);
  EXPECT_EQ(second.data()[0], 7);
  auto other = AlignedBuffer::Allocate(4096);
  ASSERT_TRUE(other.ok());
  second = std::move(*other);  // the old mapping is released, the new one taken
  EXPECT_EQ(second.size(), 4096u);
  EXPECT_EQ(second.data()[0], 0);
}

TEST(AlignedBufferTest, ASizeNoSystemCanGiveIsLowMemory) {
  for (const size_t size : {SIZE_MAX - 1, size_t{1} << 62}) {  // beyond rounding; beyond any address space
    auto buffer = AlignedBuffer::Allocate(size);
    ASSERT_FALSE(buffer.ok()) << size;
    EXPECT_EQ(buffer.error().code(), Code::kLowMemory);
    EXPECT_NE(buffer.error().message().find("-byte buffer"), std::string::npos);
  }
}

}  // namespace
}  // namespace hvr
