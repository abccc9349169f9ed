// SegmentWriter: writes rewritten chunks into fresh segment files of one tenant-day directory
// under temporary names the flush loop never picks, then publishes them as the next sequence
// numbers (rename) once complete — the first half of the compactor's copy-then-swap.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/chunk/block.h"
#include "store/chunk/chunk_format.h"
#include "store/fs/file_system.h"

namespace skald::compactor {

// Not thread-safe. Destroying without Publish() removes the temporary files.
class SegmentWriter {
 public:
  SegmentWriter(fs::FileSystem* fsys, std::string root, std::string dir_rel, uint64_t roll_size);
  ~SegmentWriter();

  // Appends one chunk; the returned ref names the temporary file until Publish().
  Result<chunk::ChunkRef> Append(uint64_t fingerprint, const std::vector<chunk::BlockPtr>& blocks);
  // Syncs and renames every temporary file to the next free `<seq>.skc` of the directory
  // (call with flushes paused) and rewrites the given refs' file names accordingly.
  Status Publish(std::vector<chunk::ChunkRef*> refs);
  bool empty() const { return files_.empty(); }

  // `<seq>.skc` file names only; compaction temporaries end in `.tmp`.
  static bool IsSegmentName(const std::string& name);
  static bool IsTempName(const std::string& name);

 private:
  struct Temp {
    std::string rel;
    std::unique_ptr<fs::WritableFile> file;
  };
  Status Roll();

  fs::FileSystem* fs_;
  std::string root_, dir_rel_;
  uint64_t roll_size_;
  std::vector<Temp> files_;
  bool published_ = false;
};

}  // namespace skald::compactor
