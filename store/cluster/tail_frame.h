// Loki's live tail message as a write node sends it to a read node's tail fan-out:
// `{"streams":[{"stream":{..},"values":[["<ns>","<line>"],..]}],"dropped_entries":[..]}`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/labels.h"
#include "common/status.h"

namespace skald::cluster {

struct TailFrame {
  struct Entry {
    int64_t ts_ns = 0;
    std::string line;
  };
  std::vector<std::pair<LabelSet, std::vector<Entry>>> streams;
  std::vector<std::pair<int64_t, LabelSet>> dropped;   // dropped_entries: timestamp, labels
};

// Parses one text frame. `labels` may be an object (Loki's v1 API) or the Prometheus text form
// (the legacy /api/prom/tail); values may carry a third element (structured metadata), ignored.
Result<TailFrame> ParseTailFrame(std::string_view json);

}  // namespace skald::cluster
