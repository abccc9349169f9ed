// PushSink: where validated pushes go. Implemented by the ingester (head + WAL); the push API and
// tests depend only on this interface.
#pragma once

#include <string>
#include <vector>

#include "common/log_entry.h"
#include "common/status.h"

namespace skald {

class PushSink {
 public:
  virtual ~PushSink() = default;
  // Appends already-validated streams for a tenant. Returns OK only once every entry is durable per
  // the WAL fsync policy (so a 2xx answer may follow). Exact duplicates (same stream, ts, line) are
  // dropped silently. Thread-safe.
  virtual Status Push(const std::string& tenant, std::vector<LogStream>&& streams) = 0;
};

}  // namespace skald
