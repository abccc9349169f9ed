// WAL replay: reads segments in order and hands every intact record to a callback. A torn or
// corrupt record ends its segment; the damage is reported precisely and the tail truncated.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/fs/file_system.h"

namespace skald::wal {

struct WalRecord {
  uint64_t pos = 0;
  uint8_t type = 0;
  std::string_view payload;     // valid during the callback only
};

struct ReplayReport {
  int segments = 0;
  int64_t records = 0;
  int64_t bytes = 0;
  // One line per problem: "<file>: offset N: crc mismatch (torn or corrupt record); truncated ..."
  std::vector<std::string> problems;
  // First problem as a Corruption status (OK when the WAL was clean).
  Status corruption;
};

// Reads one segment image; calls fn for each good record. Returns the offset after the last good
// record and sets *problem when it stopped early on damage (empty at a clean end).
size_t ReadSegment(std::string_view data, uint64_t seq, const std::function<Status(const WalRecord&)>& fn,
                   std::string* problem, Status* fn_status);

// Replays every segment of dir (ascending). A damaged segment is truncated at its last good record
// when `truncate` is set; replay continues with the next segment. fn errors abort the replay.
Result<ReplayReport> ReplayWal(fs::FileSystem* fsys, const std::string& dir, bool truncate,
                               const std::function<Status(const WalRecord&)>& fn);

Result<std::vector<uint64_t>> ListSegments(fs::FileSystem* fsys, const std::string& dir);

}  // namespace skald::wal
