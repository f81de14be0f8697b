#include "disk/flat_create.hpp"

#include "disk/new_file.hpp"
#include "disk/vhd_footer.hpp"
#include "hvr/disk_create.hpp"

namespace hvr {

Status LayOutRaw(File& file, uint64_t virtual_size) { return file.Truncate(virtual_size); }

Status LayOutFixedVhd(File& file, uint64_t virtual_size) {
  HVR_ASSIGN_OR_RETURN(const vhd::Footer footer,
                       vhd::MakeFixedFooter(virtual_size, Guid::Random(), std::chrono::system_clock::now()));
  HVR_RETURN_IF_ERROR(file.Truncate(virtual_size));
  return file.WriteAt(virtual_size, vhd::Encode(footer));
}

Status CreateRaw(const std::string& path, uint64_t virtual_size) {
  HVR_ASSIGN_OR_RETURN(NewFile file, NewFile::Create(path, DiskFormat::kRaw));
  HVR_RETURN_IF_ERROR(LayOutRaw(file.file(), virtual_size));
  return file.Publish();
}

Status CreateFixedVhd(const std::string& path, uint64_t virtual_size) {
  HVR_ASSIGN_OR_RETURN(NewFile file, NewFile::Create(path, DiskFormat::kVhd));
  HVR_RETURN_IF_ERROR(LayOutFixedVhd(file.file(), virtual_size));
  return file.Publish();
}

}  // namespace hvr
