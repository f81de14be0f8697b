// Operations on names in folders: renames that replace or refuse to, removal, folders
// and who may open them, and file identities by path. Paths are UTF-8 (platform/file.hpp).
#pragma once

#include <string>

#include "hvr/error.hpp"
#include "platform/file.hpp"

namespace hvr {

// Renames `from` to `to`, replacing a file at `to`. The rename is atomic: a crash leaves
// one name or the other, never neither. On POSIX it is durable once the folder is synced
// (SyncDirectory); on Windows it is written through before this returns.
Status RenameReplacing(const std::string& from, const std::string& to);
// Renames a file or folder `from` to `to` unless something is at `to` (kConflict then),
// atomically, with the same durability as RenameReplacing.
Status RenameNoReplace(const std::string& from, const std::string& to);
// Removes a file; kNotFound when there is none.
Status RemoveFile(const std::string& path);
// Removes a file if there is one.
Status RemoveFileIfExists(const std::string& path);
// Creates one folder (its parent must exist); kConflict when it exists.
Status MakeDirectory(const std::string& path);
// Makes the renames and creations in a folder durable (fsync on the folder). A no-op on
// Windows, where RenameReplacing and RenameNoReplace write through and NTFS journals the rest.
Status SyncDirectory(const std::string& path);
// Lets only the owner (and, on Windows, SYSTEM, which every service runs beside) open a
// folder and what is created in it: mode 0700 on POSIX, a protected ACL on Windows.
Status RestrictToOwner(const std::string& folder);
// Makes a file that others may read its owner's (and SYSTEM's) alone, as
// FileAccess::kOwnerOnly creates files: mode 0600 on POSIX, a protected access list on
// Windows. No file at `path` is no error.
Status RestrictExistingFileToOwner(const std::string& path);
// The identity of the file at `path` (following links).
Result<FileIdentity> IdentityOfFile(const std::string& path);

}  // namespace hvr
