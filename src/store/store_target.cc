#include "store/store_target.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <cctype>
#include <filesystem>

#include "store/azure/sas.hpp"
#include "store/redact.hpp"

namespace hvr {
namespace {

constexpr std::string_view kFilePrefix = "file:";

Error Invalid(std::string message) { return Error(Code::kInvalidArgument, std::move(message)); }

std::string Quoted(std::string_view text) { return "'" + RedactSecrets(text) + "'"; }

// Marks of a secret: what only an Azure target carries.
bool HasSecretMark(std::string_view text) {
  return HasMark(text, "accountkey=") || HasMark(text, "sharedaccesssignature=") || HasMark(text, "sig=");
}

// "KEY=..." with KEY a name: how every connection string starts.
bool StartsWithKey(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isalnum(static_cast<unsigned char>(text[i]))) ++i;
  return i > 0 && std::isalpha(static_cast<unsigned char>(text[0])) && i < text.size() && text[i] == '=';
}

// `path` made absolute against the current directory, once, where the target is taken.
Result<StoreTarget> LocalFolder(std::string_view text, std::string_view path) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(std::filesystem::path(path), ec);
  if (ec) return Invalid("store target " + Quoted(text) + ": " + ec.message());
  return StoreTarget{TargetKind::kLocalFolder, absolute.lexically_normal().string(), {}};
}

// "file:PATH": a folder however PATH looks, unless it holds a secret.
Result<StoreTarget> FileTarget(std::string_view text) {
  const std::string_view path = text.substr(kFilePrefix.size());
  if (path.empty()) return Invalid("store target " + Quoted(text) + ": file: names no folder");
  if (path.substr(0, 2) == "//") {
    return Invalid("store target " + Quoted(text) + ": file: takes a path (file:/srv/replicas), not a URL");
  }
  if (HasSecretMark(path)) {
    return Invalid("store target " + Quoted(text) +
                   " holds a secret (AccountKey=, SharedAccessSignature= or sig=), which a folder's name must not");
  }
  return LocalFolder(text, path);
}

// Which kind `text` is, and a local folder's absolute path.
Result<StoreTarget> Classify(std::string_view text) {
  if (text.empty()) return Invalid("empty store target");
  if (std::isspace(static_cast<unsigned char>(text.front())) || std::isspace(static_cast<unsigned char>(text.back()))) {
    return Invalid("store target " + Quoted(text) + " begins or ends with white space");
  }
  if (boost::algorithm::istarts_with(text, kFilePrefix)) return FileTarget(text);
  // A mistyped key ("DefaultEndpointsProtocl=") is a connection string its parser refuses.
  // Before URLs: "BlobEndpoint=http://..." holds a scheme.
  if (StartsWithKey(text)) return StoreTarget{TargetKind::kConnectionString, std::string(text), {}};
  // A mistyped scheme ("htps://") is a URL the URL parser refuses, not a folder.
  if (text.find("://") != std::string_view::npos) return StoreTarget{TargetKind::kContainerUrl, std::string(text), {}};
  if (HasSecretMark(text)) {
    return Invalid("store target " + Quoted(text) +
                   " holds a secret (AccountKey=, SharedAccessSignature= or sig=) but is neither a container "
                   "URL (https://ACCOUNT.blob.core.windows.net/CONTAINER?SAS) nor a connection string "
                   "(KEY=VALUE;...;Container=NAME)");
  }
  if (!std::filesystem::path(text).is_absolute()) {
    return Invalid("store target " + Quoted(text) +
                   " is a relative path: give a local folder as an absolute path or as file:PATH, or a "
                   "connection string or container URL");
  }
  return LocalFolder(text, text);
}

}  // namespace

Result<StoreTarget> ParseTarget(std::string_view text) {
  HVR_ASSIGN_OR_RETURN(StoreTarget target, Classify(text));
  if (target.kind == TargetKind::kLocalFolder) return target;
  HVR_ASSIGN_OR_RETURN(target.azure, target.kind == TargetKind::kContainerUrl
                                         ? azure::ParseContainerUrl(target.text)
                                         : azure::ParseConnectionString(target.text));
  return target;
}

Result<StoreTarget> ParseStoreTarget(std::string_view text) {
  HVR_ASSIGN_OR_RETURN(StoreTarget target, ParseTarget(text));
  if (!target.azure.rest.empty()) {
    return Invalid("store target " + Quoted(text) + " names a disk ('" + target.azure.rest +
                   "'); a store is a container or a folder");
  }
  return target;
}

bool SameStorage(const StoreTarget& a, const StoreTarget& b) {
  const bool a_local = a.kind == TargetKind::kLocalFolder;
  if (a_local != (b.kind == TargetKind::kLocalFolder)) return false;
  // Describe names the endpoint, the account's path and the container, never a secret.
  return a_local ? a.text == b.text : a.azure.target.Describe() == b.azure.target.Describe();
}

Status CheckTargetGrants(const StoreTarget& target, std::string_view needed) {
  if (target.kind == TargetKind::kLocalFolder || target.azure.target.sas.empty()) return Ok();
  const Status granted = azure::CheckSasGrants(target.azure.target.sas, needed);
  if (!granted.ok()) return granted.error().WithContext(target.azure.target.Describe());
  return Ok();
}

}  // namespace hvr
