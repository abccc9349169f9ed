// BucketDeleteRewrite: the backend's physical side of delete requests on a bucket. Every chunk
// object (segment) holding a chunk that loses lines is rewritten whole into new objects; the day's
// merged index then points there, and the old objects are swept like any unreferenced object.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/chunk/block_codec.h"
#include "store/chunk/chunk_files.h"
#include "store/objstore/object_store.h"
#include "store/retention/delete_requests.h"
#include "store/shipper/index_file.h"

namespace skald::shipper {

// One chunk row changed by a rewrite: where it was, and where it is now (or dropped: no line left).
struct ChunkMove {
  chunk::ChunkRef from;
  bool dropped = false;
  chunk::ChunkRef to;
};

struct DeleteRewriteOptions {
  objstore::ObjectStore* bucket = nullptr;
  const chunk::ChunkFiles* files = nullptr;   // reads shipped chunks (ref.file: chunks-root-relative)
  std::string scratch_dir;                    // rewritten segments before upload
  int64_t block_size = 262144;                // raw bytes per rewritten block
  chunk::BlockEncoding encoding{chunk::Codec::kLz4, 9};
  uint64_t roll_size = 256ULL << 20;
};

struct DeleteRewriteStats {
  int64_t chunks_checked = 0, chunks_rewritten = 0, lines_deleted = 0, objects_written = 0;
};

// `day` holds the merged rows of one day. `groups[group_of_row[i]]` are the requests row i must
// still be cleaned of (-1: none). Rows of every segment that loses a line are moved into new
// objects `chunks/<tenant>/<day>/compactor-<now>-<seq>.skc`, uploaded before this returns; rows
// left without lines are removed. Nothing is deleted from the bucket here.
Status RewriteDeleted(const DeleteRewriteOptions& o, int64_t now,
                      const std::vector<std::vector<retention::CompiledDelete>>& groups,
                      const std::vector<int>& group_of_row, IndexFileContents* day, std::vector<ChunkMove>* moves,
                      DeleteRewriteStats* s);

}  // namespace skald::shipper
