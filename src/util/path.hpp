// std::filesystem paths from and to the UTF-8 strings hvr uses for paths everywhere. A
// path built from a plain std::string is read in the ANSI code page on Windows, so every
// conversion between the two goes through here.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace hvr {

std::filesystem::path PathFromUtf8(std::string_view utf8);
std::string Utf8(const std::filesystem::path& path);
// `path` made absolute against the current directory and normalised, so that what is
// kept of it never depends on where a process started; unchanged when the current
// directory cannot be found.
std::string AbsolutePath(std::string_view path);
// `name` inside `folder`, joined with the system's separator (C:\vm\a.hrl on Windows),
// as a listing of the folder spells its files, so that a path made here and one listed
// there compare equal. `name` may name a file in a subfolder ("requests/resync.json"):
// its slashes become the system's separator too. Every file-system path hvr joins is
// joined here (blob names and URLs are not paths and keep their slashes).
std::string PathIn(std::string_view folder, std::string_view name);
// The folder `path` is in: its parent, or "." for a bare name.
std::string FolderOf(const std::string& path);

}  // namespace hvr
