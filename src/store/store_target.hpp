// What a target string names: the one place that decides whether a string is a
// connection string, a container URL or a local folder (docs/store-design.md, "Target
// strings"). A string meant for Azure is never taken for a folder: a mistyped key or
// scheme would otherwise put the replicas, and the secret, into a folder's name.
#pragma once

#include <string>
#include <string_view>

#include "hvr/error.hpp"
#include "store/azure/azure_target.hpp"

namespace hvr {

enum class TargetKind { kConnectionString, kContainerUrl, kLocalFolder };

struct StoreTarget {
  TargetKind kind = TargetKind::kLocalFolder;
  // A local folder's absolute, normal path ("file:" taken off, a relative path made
  // absolute against the current directory); the text as given otherwise. Settings
  // that are saved hold this form, so they never depend on the current directory.
  std::string text;
  // A connection string or container URL parsed, with what follows the container
  // ("disk0@point") in azure.rest.
  azure::ParsedTarget azure;
};

// Decides the kind of `text` and parses it:
//   - text starting with KEY= is a connection string ("DefaultEndpointsProtocl=..." is
//     one with an unknown key);
//   - other text with "://" is a container URL ("htps://..." is a URL with a bad scheme);
//   - "file:PATH" (PATH absolute or relative) or an absolute path is a local folder;
//   - anything else is kInvalidArgument, as is text with white space at either end, and
//     a folder carrying a secret's mark (AccountKey=, SharedAccessSignature=, sig=).
// Messages never show a secret. The target may name a disk after its container or
// folder (ParseDiskLocation splits it off).
Result<StoreTarget> ParseTarget(std::string_view text);

// ParseTarget for the target of a store, which names no disk.
Result<StoreTarget> ParseStoreTarget(std::string_view text);

// True when `a` and `b` name the same storage (the same account and container at the
// same endpoint, or the same folder), whatever credentials they carry.
bool SameStorage(const StoreTarget& a, const StoreTarget& b);

// Checks that a target that authenticates with a shared access signature grants every
// permission letter of `needed` (docs/store-design.md, "What a SAS must grant"). Account
// keys and local folders grant everything.
Status CheckTargetGrants(const StoreTarget& target, std::string_view needed);

}  // namespace hvr
