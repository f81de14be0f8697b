// Whole files: read at once, or replaced atomically. Files opened for positional I/O and
// the operations on names in folders are the platform's (platform/file.hpp,
// platform/file_system.hpp), included here for the many callers that use both.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "hvr/error.hpp"
#include "platform/file.hpp"
#include "platform/file_system.hpp"

namespace hvr {

// Reads a whole (small) file.
Result<std::string> ReadWholeFile(const std::string& path);

// Replaces `path` with `content` so that a crash leaves either the old or the new file,
// never a mix: write to a temporary beside it, fsync, rename, fsync the folder.
Status WriteFileAtomically(const std::string& path, std::string_view content,
                           FileAccess access = FileAccess::kShared);
// The same with the content given in pieces, written one after another, so a large
// table needs no copy into one string.
Status WriteFileAtomically(const std::string& path, std::span<const std::string_view> pieces,
                           FileAccess access = FileAccess::kShared);

// Removes a folder and everything in it as far as it can, reporting nothing: for trees
// already out of sight (renamed away) that a later pass may finish. A file that another
// handle holds open stays, on Windows, until that handle is closed (where deletion is not
// POSIX-like: Wine, older Windows, some file systems).
void RemoveTree(const std::string& path);

}  // namespace hvr
