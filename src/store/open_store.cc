// OpenStore and ParseDiskLocation: target strings to stores (docs/store-design.md,
// "Target strings"). What kind of target a string is, ParseStoreTarget alone decides.
#include <boost/asio/any_io_executor.hpp>
#include <filesystem>

#include "hvr/store.hpp"
#include "store/azure/azure_store.hpp"
#include "store/local/local_store.hpp"
#include "store/redact.hpp"
#include "store/store_target.hpp"

namespace hvr {

Result<std::unique_ptr<ReplicaStore>> OpenStore(const std::string& text,
                                                const StoreOptions& options,
                                                boost::asio::any_io_executor executor) {
  HVR_ASSIGN_OR_RETURN(StoreTarget target, ParseStoreTarget(text));
  if (target.kind == TargetKind::kLocalFolder) {
    HVR_ASSIGN_OR_RETURN(auto store, LocalStore::Open(target.text, options, std::move(executor)));
    return std::unique_ptr<ReplicaStore>(std::move(store));
  }
  HVR_ASSIGN_OR_RETURN(auto store,
                       azure::AzureStore::Open(std::move(target.azure.target), options, std::move(executor)));
  return std::unique_ptr<ReplicaStore>(std::move(store));
}

Result<DiskLocation> ParseDiskLocation(const std::string& text) {
  DiskLocation location;
  std::string rest;
  HVR_ASSIGN_OR_RETURN(StoreTarget target, ParseTarget(text));
  if (target.kind == TargetKind::kLocalFolder) {
    const std::filesystem::path path(target.text);
    location.target = path.parent_path().string();
    rest = path.filename().string();
  } else {
    location.target = std::move(target.azure.without_rest);
    rest = std::move(target.azure.rest);
  }
  const size_t at = rest.find('@');
  location.name = rest.substr(0, at);
  if (at != std::string::npos) location.snapshot = rest.substr(at + 1);
  if (location.name.empty()) {
    return Error(Code::kInvalidArgument, "'" + RedactSecrets(text) +
                                             "' names no disk: expected TARGET/NAME[@SNAPSHOT]");
  }
  HVR_RETURN_IF_ERROR(ValidateDiskName(location.name));
  if (at != std::string::npos && location.snapshot.empty()) {
    return Error(Code::kInvalidArgument, "'" + RedactSecrets(text) + "': empty recovery point after '@'");
  }
  return location;
}

}  // namespace hvr
