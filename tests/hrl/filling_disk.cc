#include "hrl/filling_disk.hpp"

#include <system_error>

#include "platform/system_error.hpp"

namespace hvr::test {
namespace {

class FillingFile final : public HrlOutput {
 public:
  FillingFile(std::unique_ptr<HrlOutput> file, std::string path, const std::atomic<uint64_t>& capacity)
      : file_(std::move(file)), path_(std::move(path)), capacity_(capacity) {}

  Status WriteAt(uint64_t offset, std::span<const uint8_t> data) override {
    if (offset + data.size() > capacity_) {
      return SystemError(std::make_error_code(std::errc::no_space_on_device),
                         "write " + std::to_string(data.size()) + " bytes at offset " + std::to_string(offset) +
                             " of " + path_);
    }
    return file_->WriteAt(offset, data);
  }
  Status Sync() override { return file_->Sync(); }

 private:
  std::unique_ptr<HrlOutput> file_;
  std::string path_;
  const std::atomic<uint64_t>& capacity_;
};

}  // namespace

Result<std::unique_ptr<HrlOutput>> FillingDisk::Create(const std::string& path) const {
  HVR_ASSIGN_OR_RETURN(std::unique_ptr<HrlOutput> file, HrlFiles().Create(path));
  return std::unique_ptr<HrlOutput>(std::make_unique<FillingFile>(std::move(file), path, capacity_));
}

}  // namespace hvr::test
