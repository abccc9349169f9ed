// Restore (see restore.h): verify-while-copying against the MANIFEST, then fsync the directories.
#include "store/backup/restore.h"

#include <filesystem>
#include <set>

#include "common/logger.h"
#include "store/backup/file_copy.h"
#include "store/backup/manifest.h"

namespace skald::backup {
namespace {

Status CopyAll(const std::string& from, const std::string& to, const Manifest& m, RestoreReport* rep) {
  std::set<std::string> dirs{to, Join(to, "chunks"), Join(to, "wal")};
  for (const auto& d : dirs) SKALD_RETURN_IF_ERROR(MkdirParent(Join(d, "x")));
  for (const ManifestFile& f : m.files) {
    std::string dst = Join(to, f.path);
    SKALD_RETURN_IF_ERROR(MkdirParent(dst));
    std::error_code ec;
    uint64_t size = std::filesystem::file_size(Join(from, f.path), ec);
    if (ec) return Status::Corruption(f.path + ": missing from the snapshot (" + ec.message() + ")");
    if (size != f.size) {
      return Status::Corruption(f.path + ": " + std::to_string(size) + " bytes, MANIFEST says " +
                                std::to_string(f.size));
    }
    auto copied = CopyPrefix(Join(from, f.path), dst, f.size);
    if (!copied.ok()) return copied.status();
    if (*copied != f.crc32c) {
      return Status::Corruption(f.path + ": crc32c " + CrcHex(*copied) + ", MANIFEST says " + CrcHex(f.crc32c));
    }
    dirs.insert(std::filesystem::path(dst).parent_path().string());
    rep->files++;
    rep->bytes += static_cast<int64_t>(f.size);
  }
  for (const auto& d : dirs) SKALD_RETURN_IF_ERROR(SyncDir(d));
  return Status::Ok();
}

}  // namespace

Result<RestoreReport> Restore(const std::string& from, const std::string& to) {
  auto m = ReadManifest(from);
  if (!m.ok()) return m.status();
  SKALD_RETURN_IF_ERROR(PrepareEmptyDir(to));
  RestoreReport rep;
  Status st = CopyAll(from, to, *m, &rep);
  if (!st.ok()) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(to, ec)) std::filesystem::remove_all(e.path(), ec);
    return st.Annotate("restore from " + from);
  }
  return rep;
}

}  // namespace skald::backup
