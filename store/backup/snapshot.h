// Online snapshot of a running store: index, referenced chunk files and WAL segments, consistent
// with each other, taken while pushes continue. Layout and guarantee: FORMAT.md beside this file.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/backup/manifest.h"

namespace skald::head {
class Ingester;
}

namespace skald::backup {

struct SnapshotReport {
  std::string dir;
  int64_t files = 0, bytes = 0;
  int64_t chunk_files = 0, wal_segments = 0;
  int64_t paused_ms = 0;    // how long flushes were held
  int64_t total_ms = 0;
};

// Writes a snapshot of `ing` into `out_dir` (created; must be absent or empty). Every push that was
// acknowledged before the call is in the snapshot. On failure the partial snapshot is removed.
// Thread-safe with respect to pushes and queries; callers should not run two at once.
// `extra_sqlite`: other SQLite databases to back up online in the same pause, as (live path, path
// inside the snapshot) pairs, e.g. the compactor's delete requests; a missing live file is skipped.
using SqliteFiles = std::vector<std::pair<std::string, std::string>>;
Result<SnapshotReport> TakeSnapshot(head::Ingester& ing, const std::string& out_dir,
                                    const SqliteFiles& extra_sqlite = {});

// Cuts the copied WAL segment at `path` (number `seq`) back to its last whole record and updates
// *entry's size and CRC; sets *keep = false (and removes the file) when not even its header is whole.
// No-op for a clean segment.
Status TrimTornWalTail(const std::string& path, uint64_t seq, ManifestFile* entry, bool* keep);

}  // namespace skald::backup
