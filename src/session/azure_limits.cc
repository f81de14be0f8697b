#include "hvr/azure_limits.hpp"

#include <string>

namespace hvr {

const AzureLimits& DefaultAzureLimits() {
  // docs/azure-limits.md gives the source of each number.
  static const AzureLimits limits{
      .max_disk_bytes = uint64_t{8} << 40,
      .max_os_disk_bytes = uint64_t{2} << 40,
      .max_disks = 65,
      .max_vm_name_length = 64,
  };
  return limits;
}

Status CheckVmName(std::string_view name, const AzureLimits& limits) {
  const auto bad = [&](const std::string& why) {
    return Error(Code::kInvalidArgument, "VM name '" + std::string(name) + "' is not valid in Azure: " + why);
  };
  if (name.empty()) return bad("it is empty");
  if (name.size() > limits.max_vm_name_length) {
    return bad("longer than " + std::to_string(limits.max_vm_name_length) + " characters");
  }
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  for (char c : name) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') {
      return bad("only letters, digits, '-', '_' and '.' are allowed");
    }
  }
  if (!alnum(name.front())) return bad("it must start with a letter or digit");
  if (!alnum(name.back()) && name.back() != '_') return bad("it must end with a letter, digit or '_'");
  return Ok();
}

Status CheckDiskSize(size_t index, uint64_t virtual_size, const AzureLimits& limits) {
  const uint64_t limit = index == 0 ? limits.max_os_disk_bytes : limits.max_disk_bytes;
  if (virtual_size == 0) {
    return Error(Code::kInvalidArgument, "disk " + std::to_string(index) + " is empty");
  }
  if (virtual_size > limit) {
    return Error(Code::kInvalidArgument,
                 "disk " + std::to_string(index) + (index == 0 ? " (the OS disk)" : "") + " has " +
                     std::to_string(virtual_size) + " bytes; Azure takes at most " + std::to_string(limit));
  }
  return Ok();
}

Status CheckDiskCount(size_t count, const AzureLimits& limits) {
  if (count == 0) return Error(Code::kInvalidArgument, "a VM to protect needs at least one disk");
  if (count > limits.max_disks) {
    return Error(Code::kInvalidArgument, "the VM has " + std::to_string(count) + " disks; Azure VMs take at most " +
                                             std::to_string(limits.max_disks));
  }
  return Ok();
}

}  // namespace hvr
