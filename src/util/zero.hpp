// All-zero detection: how converters and sparse writers decide what becomes a hole, how
// chunk hashing recognises zero chunks, and how transfers skip zeros. One function
// serves them all.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace hvr {

// True when every byte is zero (also for an empty span).
inline bool IsAllZero(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return true;
  // Data almost always shows in its first bytes; look there before scanning it all.
  const size_t head = bytes.size() < 16 ? bytes.size() : 16;
  for (size_t i = 0; i < head; ++i) {
    if (bytes[i] != 0) return false;
  }
  // Every byte equals its successor and the first is zero: all are zero. memcmp is the
  // C library's vectorised loop, at memory speed.
  return std::memcmp(bytes.data(), bytes.data() + 1, bytes.size() - 1) == 0;
}

// A MiB of zeros to write from.
inline std::span<const uint8_t> ZeroMiB() {
  static const std::vector<uint8_t> zeros(1 << 20, 0);
  return zeros;
}

// Granule of zero detection: holes are made and skipped in 4 KiB pieces, the page and
// file system block size.
inline constexpr uint64_t kZeroGranule = 4096;

// Calls on_run(offset, length, zero) for the maximal runs of `data` (which starts at
// virtual `offset`) that are all zero or not, judged per granule aligned to the virtual
// offset.
template <typename OnRun>
auto ForEachZeroRun(uint64_t offset, std::span<const uint8_t> data, OnRun&& on_run) -> decltype(on_run(0, 0, true)) {
  using R = decltype(on_run(0, 0, true));
  const uint64_t end = offset + data.size();
  uint64_t run_start = offset;
  bool run_zero = false;
  for (uint64_t pos = offset; pos < end;) {
    const uint64_t next = std::min(end, (pos / kZeroGranule + 1) * kZeroGranule);
    const bool zero = IsAllZero(data.subspan(pos - offset, next - pos));
    if (pos == offset) {
      run_zero = zero;
    } else if (zero != run_zero) {
      R r = on_run(run_start, pos - run_start, run_zero);
      if (!r.ok()) return r;
      run_start = pos;
      run_zero = zero;
    }
    pos = next;
  }
  if (end > run_start) return on_run(run_start, end - run_start, run_zero);
  return R();
}

}  // namespace hvr
