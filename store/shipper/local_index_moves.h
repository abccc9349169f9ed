// LocalIndexMoves: what a node that indexes its own shipped chunks does when the backend rewrites
// them for a delete request: target all repoints its rows at the new objects; a write node drops
// its rows of the shipped segments the requests touch (read nodes find them in the bucket's index).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/index/index_db.h"
#include "store/retention/delete_requests.h"
#include "store/shipper/bucket_delete_rewrite.h"

namespace skald::shipper {

// Rows at a move's `from` (file, offset) point at its `to`, or are removed when it was dropped.
// Call with the ingester's flushes paused. Moves of rows this index lacks are ignored.
Status ApplyMovesToIndex(index::IndexDb* db, const std::vector<ChunkMove>& moves);

// Removes every row pointing into a shipped file (name made by ShippedFileName) that holds a row
// of a request's tenant and stream overlapping its window: the backend rewrites such a file whole,
// other streams' rows included. Call with flushes paused. Returns how many rows went.
Result<int64_t> DropShippedRows(index::IndexDb* db, const std::vector<retention::DeleteRequest>& reqs);

// The shipped files this index points into (a target=all node's rows; the backend keeps them).
Result<std::set<std::string>> ShippedFilesOf(const index::IndexDb& db);

}  // namespace skald::shipper
