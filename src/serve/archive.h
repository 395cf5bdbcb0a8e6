// A folder packed as a zip in memory (libarchive), for the studio's deployment downloads.
#pragma once

#include <filesystem>
#include <string>

namespace mote::serve {

// Every regular file under `dir` as `prefix/<relative path>` in a zip (deflate); symlinks and other
// special files are left out. Throws mote::Error naming the folder when it cannot be read.
std::string zip_folder(const std::filesystem::path& dir, const std::string& prefix);

}  // namespace mote::serve
