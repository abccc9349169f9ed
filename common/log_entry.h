// The unit of data on both sides of the wire: an entry (timestamp, line, structured metadata) and a
// stream (label set + entries), mirroring Loki's logproto PushRequest.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/labels.h"

namespace skald {

struct LogEntry {
  int64_t ts_ns = 0;               // unix nanoseconds
  std::string line;
  std::vector<Label> metadata;     // structured metadata, in the order sent
  bool operator==(const LogEntry&) const = default;
};

struct LogStream {
  LabelSet labels;
  std::vector<LogEntry> entries;
};

}  // namespace skald
