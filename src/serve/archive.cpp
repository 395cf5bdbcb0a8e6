// zip_folder: libarchive writes into a std::string through its write callback.
#include "serve/archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <vector>

#include "core/error.h"

namespace fs = std::filesystem;

namespace mote::serve {

namespace {

la_ssize_t append(struct archive*, void* out, const void* buf, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

}  // namespace

std::string zip_folder(const fs::path& dir, const std::string& prefix) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(dir.string() + ": no such folder to pack");
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) files.push_back(it->path());
  if (ec) throw Error(dir.string() + ": cannot list (" + ec.message() + ")");
  std::sort(files.begin(), files.end());  // the same folder gives the same archive order
  std::string out;
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_write_new(), archive_write_free);
  auto check = [&](int rc, const std::string& what) {
    if (rc < ARCHIVE_WARN) throw Error("zip of " + dir.string() + ": " + what + ": " + archive_error_string(a.get()));
  };
  check(archive_write_set_format_zip(a.get()), "format");
  check(archive_write_open(a.get(), &out, nullptr, append, nullptr), "open");
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) throw Error(f.string() + ": cannot read");
    std::unique_ptr<struct archive_entry, void (*)(struct archive_entry*)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), (prefix + "/" + fs::relative(f, dir).generic_string()).c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    // Keep the executable bit (build scripts, firmware); everything else 0644.
    auto perms = fs::status(f, ec).permissions();
    archive_entry_set_perm(e.get(), (perms & fs::perms::owner_exec) != fs::perms::none ? 0755 : 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(data.size()));
    archive_entry_set_mtime(e.get(), 1577836800, 0);  // fixed (2020-01-01): the same files give the same bytes
    check(archive_write_header(a.get(), e.get()), f.string());
    if (!data.empty() && archive_write_data(a.get(), data.data(), data.size()) < 0)
      throw Error("zip of " + dir.string() + ": " + f.string() + ": " + archive_error_string(a.get()));
  }
  check(archive_write_close(a.get()), "close");
  return out;
}

}  // namespace mote::serve
