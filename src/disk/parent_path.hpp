// Finding a differencing disk's parent from the paths its locator records, and making
// those paths when creating a child. The recorded paths are Windows paths; on this host
// they are read as follows (docs/vhdx-format.md):
//   relative ("..\dir\parent.vhdx", VHDX relative_path, VHD W2ru): relative to the
//     child's folder, "\" read as "/";
//   absolute ("\\?\C:\dir\parent.vhdx", VHDX absolute_win32_path, VHD W2ku): a path
//     absolute on this host, with or without "\\?\": a drive letter on Windows; on POSIX
//     the form hvr writes there, "\\?\" followed by a POSIX path with "\" for "/", or a
//     plain POSIX path, where drive letters name places it cannot see; UNC shares and
//     volume GUID paths are not followed;
//   VHD MacX: a file:// URL.
// A file whose name differs only in case is accepted when it is the only such file in
// the folder, since the paths were recorded on a case-insensitive file system.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hvr/error.hpp"

namespace hvr {

struct ParentPathHint {
  std::string key;    // "relative_path", "absolute_win32_path", "W2ru", ...
  std::string value;  // as recorded
  bool relative = false;
};

// The host path a hint names, or nullopt when it names nothing this host can reach.
std::optional<std::string> HintToHostPath(const std::string& child_path, const ParentPathHint& hint);

// The first hint (in the order given) naming an existing file; kBrokenChain listing
// every hint and where it led otherwise.
Result<std::string> FindParentFile(const std::string& child_path, const std::vector<ParentPathHint>& hints);

// The parent's path relative to the child's folder, Windows style (".\p.vhdx",
// "..\dir\p.vhdx").
std::string WindowsRelativePath(const std::string& child_path, const std::string& parent_path);
// The parent's absolute path as "\\?\" followed by this host's absolute path with "\"
// separators ("\\?\C:\vm\p.vhdx"; "\\?\\vm\p.vhdx" on POSIX).
std::string Win32AbsolutePath(const std::string& parent_path);

}  // namespace hvr
