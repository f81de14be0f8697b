#include "hrl/hrl_output.hpp"

#include "util/file.hpp"

namespace hvr {
namespace {

class FileOutput final : public HrlOutput {
 public:
  explicit FileOutput(File file) : file_(std::move(file)) {}
  Status WriteAt(uint64_t offset, std::span<const uint8_t> data) override { return file_.WriteAt(offset, data); }
  Status Sync() override { return file_.Sync(); }

 private:
  File file_;
};

class FileSystemOutputs final : public HrlOutputFactory {
 public:
  Result<std::unique_ptr<HrlOutput>> Create(const std::string& path) const override {
    HVR_ASSIGN_OR_RETURN(File file, File::Open(path, File::Mode::kCreateExclusive));
    return std::unique_ptr<HrlOutput>(std::make_unique<FileOutput>(std::move(file)));
  }
};

}  // namespace

const HrlOutputFactory& HrlFiles() {
  static const FileSystemOutputs files;
  return files;
}

}  // namespace hvr
