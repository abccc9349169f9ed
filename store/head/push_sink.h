// PushSink: where validated pushes go. Implemented by the ingester (head + WAL); the push API and
// tests depend only on this interface.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/log_entry.h"
#include "common/status.h"

namespace skald {

// skald addition (store helper): the per-entry outcome of a push, for partial-success answers.
struct RejectedEntry {
  size_t stream_index = 0;     // index into the pushed streams
  size_t entry_index = 0;      // index into that stream's entries
  std::string reason;          // metric reason label, e.g. "too_far_behind"
  std::string message;         // Loki's text: "entry with timestamp ... ignored, reason: '...'"
};
struct PushResult {
  int64_t accepted = 0;
  int64_t duplicates = 0;
  std::vector<RejectedEntry> rejected;
};

class PushSink {
 public:
  virtual ~PushSink() = default;
  // Appends already-validated streams for a tenant. Returns OK only once every entry is durable per
  // the WAL fsync policy (so a 2xx answer may follow); entries are visible to readers only from then
  // on, and never when the push fails. IOError/Unavailable mean storage cannot write right now (the
  // caller answers a retryable 503). Exact duplicates (same stream, ts, line) are dropped silently.
  // Thread-safe.
  virtual Status Push(const std::string& tenant, std::vector<LogStream>&& streams) = 0;
  // skald addition: as Push, and fills *result (may be null). Entries older than the stream's
  // out-of-order window are rejected per entry while the rest are stored; Push then returns
  // InvalidArgument with Loki's message. Default: Push with no detail.
  virtual Status PushDetailed(const std::string& tenant, std::vector<LogStream>&& streams,
                              PushResult* result) {
    (void)result;
    return Push(tenant, std::move(streams));
  }
};

}  // namespace skald
