// Rounding to a unit (sectors, pages, chunks, MiB): every layer aligns, and one spelling
// keeps the off-by-one out. `unit` is never 0; `value + unit - 1` must not overflow, which
// holds for disk offsets and sizes (at most 64 TiB).
#pragma once

#include <cstdint>

namespace hvr {

constexpr uint64_t RoundUp(uint64_t value, uint64_t unit) { return (value + unit - 1) / unit * unit; }
constexpr uint64_t RoundDown(uint64_t value, uint64_t unit) { return value / unit * unit; }

}  // namespace hvr
