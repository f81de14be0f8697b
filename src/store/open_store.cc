// OpenStore and ParseDiskLocation: target strings to stores (docs/store-targets.md).
#include <boost/asio/any_io_executor.hpp>

#include "hvr/store.hpp"
#include "store/azure/azure_store.hpp"
#include "store/azure/azure_target.hpp"
#include "store/local/local_store.hpp"
#include "store/redact.hpp"

namespace hvr {
namespace {

enum class TargetKind { kConnectionString, kContainerUrl, kLocal };

TargetKind KindOf(const std::string& text) {
  if (azure::IsUrl(text)) return TargetKind::kContainerUrl;
  if (azure::IsConnectionString(text)) return TargetKind::kConnectionString;
  return TargetKind::kLocal;
}

Result<azure::ParsedTarget> ParseAzure(TargetKind kind, const std::string& text) {
  return kind == TargetKind::kContainerUrl ? azure::ParseContainerUrl(text)
                                           : azure::ParseConnectionString(text);
}

}  // namespace

Result<std::unique_ptr<ReplicaStore>> OpenStore(const std::string& target,
                                                const StoreOptions& options,
                                                boost::asio::any_io_executor executor) {
  const TargetKind kind = KindOf(target);
  if (kind == TargetKind::kLocal) {
    HVR_ASSIGN_OR_RETURN(auto store, LocalStore::Open(target, options, std::move(executor)));
    return std::unique_ptr<ReplicaStore>(std::move(store));
  }
  HVR_ASSIGN_OR_RETURN(azure::ParsedTarget parsed, ParseAzure(kind, target));
  if (!parsed.rest.empty()) {
    return Error(Code::kInvalidArgument,
                 "store target " + RedactSecrets(target) + " names a disk ('" + parsed.rest +
                     "'); a store is a container or a folder");
  }
  HVR_ASSIGN_OR_RETURN(auto store,
                       azure::AzureStore::Open(std::move(parsed.target), options, std::move(executor)));
  return std::unique_ptr<ReplicaStore>(std::move(store));
}

Result<DiskLocation> ParseDiskLocation(const std::string& text) {
  DiskLocation location;
  std::string rest;
  const TargetKind kind = KindOf(text);
  if (kind == TargetKind::kLocal) {
    const size_t slash = text.find_last_of('/');
    location.target = slash == std::string::npos ? "." : (slash == 0 ? "/" : text.substr(0, slash));
    rest = slash == std::string::npos ? text : text.substr(slash + 1);
  } else {
    HVR_ASSIGN_OR_RETURN(azure::ParsedTarget parsed, ParseAzure(kind, text));
    location.target = std::move(parsed.without_rest);
    rest = std::move(parsed.rest);
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
