// ChunkChecker: verifies one chunk as the index row describes it, down to every block's CRC,
// LZ4 decode, entry count, time range and byte count. Used by Check; reads through fs::FileSystem.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/status.h"
#include "store/chunk/chunk_format.h"
#include "store/fs/file_system.h"

namespace skald::backup {

struct ChunkRow {
  uint64_t stream_id = 0;
  uint64_t fingerprint = 0;     // the stream's, from the streams table
  chunk::ChunkRef ref;
};

class ChunkChecker {
 public:
  explicit ChunkChecker(std::string chunks_root, fs::FileSystem* fsys = nullptr);
  // OK, or what is wrong with this chunk (without the file/stream prefix). Counts blocks/entries.
  Status CheckChunk(const ChunkRow& row, int64_t* blocks, int64_t* entries);
  int64_t files_opened() const { return static_cast<int64_t>(files_.size()); }

 private:
  struct File {
    Status open;
    std::unique_ptr<fs::RandomAccessFile> file;
    uint64_t size = 0;
  };
  File& Get(const std::string& rel);
  Status CheckBlocks(const File& f, const ChunkRow& row, const chunk::ChunkHeader& h, int64_t* blocks);

  std::string root_;
  fs::FileSystem* fs_;
  std::map<std::string, File> files_;
};

}  // namespace skald::backup
