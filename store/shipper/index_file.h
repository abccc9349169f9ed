// IndexFile: the SQLite file shipped to the bucket beside chunk segments (one per shipped segment,
// or one per day once compacted): the streams and chunk rows a reader needs to find the chunks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/labels.h"
#include "common/status.h"
#include "store/chunk/chunk_format.h"

namespace skald::shipper {

inline constexpr int kIndexFileVersion = 1;

struct IndexFileStream {
  uint64_t id = 0;            // local to the file
  std::string tenant;
  uint64_t fingerprint = 0;
  LabelSet labels;
};

struct IndexFileChunk {
  uint64_t stream_id = 0;     // an IndexFileStream id of the same file
  chunk::ChunkRef ref;        // ref.file: chunks-root-relative name of the shipped segment
};

struct IndexFileContents {
  std::string node;           // who wrote it ("compactor" for a compacted file)
  int64_t created_ns = 0;
  std::vector<IndexFileStream> streams;
  std::vector<IndexFileChunk> chunks;
  std::vector<std::string> sources;   // a compacted file: the index keys it replaces
  // A compacted file: the delete requests every chunk row of it has been cleaned of (meta
  // 'deletes_applied', ids separated by spaces; absent = none).
  std::vector<std::string> deletes_applied;
};

// Writes `c` as a fresh SQLite file at `path` (removed first), synced.
Status WriteIndexFile(const std::string& path, const IndexFileContents& c);
// Reads and checks a file written by WriteIndexFile (Corruption on a bad or foreign file).
Result<IndexFileContents> ReadIndexFile(const std::string& path);

}  // namespace skald::shipper
