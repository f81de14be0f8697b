// What the Azure store tests against Azurite share: test data and a store opened or the
// test failed.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hvr/sync_store.hpp"
#include "test_util/sizes.hpp"

namespace hvr::testing {

using test::kMiB;

// `size` bytes of a pattern that `seed` shifts.
inline std::vector<uint8_t> Bytes(size_t size, uint8_t seed) {
  std::vector<uint8_t> out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(seed + i * 7);
  return out;
}

// The store at `target`, or null with the test failed saying why.
inline std::unique_ptr<SyncStore> OpenStore(const std::string& target, const StoreOptions& options) {
  auto store = SyncStore::Open(target, options);
  EXPECT_TRUE(store.ok()) << store.error().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

}  // namespace hvr::testing
