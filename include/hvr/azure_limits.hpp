// The Azure limits a protected VM must fit, in one table (docs/azure-limits.md says where
// each number comes from). Enable protection checks them before anything is created, so
// a VM that could never fail over is refused at the start, not at the worst moment.
#pragma once

#include <cstdint>
#include <string_view>

#include "hvr/error.hpp"

namespace hvr {

struct AzureLimits {
  uint64_t max_disk_bytes;     // virtual size of any disk: a page blob's 8 TiB
  uint64_t max_os_disk_bytes;  // the first disk boots the VM: 2 TiB
  size_t max_disks;            // the OS disk and up to 64 data disks
  size_t max_vm_name_length;   // 64
};

const AzureLimits& DefaultAzureLimits();

// The VM name as Azure names VMs: 1 to 64 letters, digits, '-', '_' and '.', starting
// with a letter or digit and ending with a letter, digit or '_'.
Status CheckVmName(std::string_view name, const AzureLimits& limits = DefaultAzureLimits());
// `index` 0 is the OS disk.
Status CheckDiskSize(size_t index, uint64_t virtual_size, const AzureLimits& limits = DefaultAzureLimits());
Status CheckDiskCount(size_t count, const AzureLimits& limits = DefaultAzureLimits());

}  // namespace hvr
