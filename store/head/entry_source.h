// EntrySource: one time-sorted run of a stream's entries (a head snapshot, an in-memory block or a
// block of a chunk file), loaded (decompressed) only when the merge first needs it.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/labels.h"
#include "common/status.h"
#include "store/chunk/block.h"
#include "store/chunk/chunk_files.h"
#include "store/head/head_block.h"
#include "store/head/store_reader.h"

namespace skald::head {

class EntrySource {
 public:
  virtual ~EntrySource() = default;
  int64_t min_ts() const { return min_ts_; }
  int64_t max_ts() const { return max_ts_; }
  // A deferred source stands for sources it has not read yet (a chunk on disk before its header
  // is read): when its bounds reach the merge, the merge calls Expand instead of Load and merges
  // what Expand appends to *out (each within these bounds).
  virtual bool deferred() const { return false; }
  virtual Status Expand(std::vector<std::unique_ptr<EntrySource>>* /*out*/) { return Status::Ok(); }
  virtual Status Load() = 0;
  virtual void Release() = 0;              // frees what Load made
  virtual size_t size() const = 0;
  virtual int64_t ts(size_t i) const = 0;
  virtual std::string_view line(size_t i) const = 0;
  virtual const std::vector<Label>* metadata(size_t i) const = 0;

 protected:
  int64_t min_ts_ = 0, max_ts_ = 0;
};

std::unique_ptr<EntrySource> MakeSortedSource(SortedPtr block);
std::unique_ptr<EntrySource> MakeBlockSource(chunk::BlockPtr block);
// Block i of a chunk on disk; `header` is shared by the chunk's blocks.
std::unique_ptr<EntrySource> MakeFileBlockSource(const chunk::ChunkFiles* files, chunk::ChunkRef ref,
                                                 std::shared_ptr<const chunk::ChunkHeader> header, size_t i);

// Chunk `ref` on disk as one deferred source bounded by the index's min/max timestamps: its header
// is read only if the merge reaches it, then its blocks overlapping [start, end) become sources.
// A backward query for the newest lines thus reads the headers of the newest chunks only.
std::unique_ptr<EntrySource> MakeFileChunkSource(const chunk::ChunkFiles* files, chunk::ChunkRef ref, int64_t start,
                                                 int64_t end);

// Count runs (store_reader.h) over the same three kinds of data.
std::unique_ptr<CountRun> MakeSortedCountRun(SortedPtr block);
std::unique_ptr<CountRun> MakeBlockCountRun(chunk::BlockPtr block);
std::unique_ptr<CountRun> MakeFileBlockCountRun(const chunk::ChunkFiles* files, chunk::ChunkRef ref,
                                                std::shared_ptr<const chunk::ChunkHeader> header, size_t i);

}  // namespace skald::head
