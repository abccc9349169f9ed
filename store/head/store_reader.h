// StoreReader: the read interface the query engine uses. Merges head blocks and flushed chunks,
// deduplicated, over [start, end) in either direction; label lookups answer from the index alone.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/labels.h"
#include "common/log_entry.h"
#include "common/matcher.h"
#include "common/status.h"

namespace skald {

enum class Direction { kForward, kBackward };

struct StreamInfo {
  uint64_t id = 0;          // stable per tenant
  LabelSet labels;
};

// A view of one entry; valid until the iterator's next Next() call.
struct EntryView {
  int64_t ts_ns = 0;
  std::string_view line;
  const std::vector<Label>* metadata = nullptr;  // may be null when there is none
};

class EntryIterator {
 public:
  virtual ~EntryIterator() = default;
  // Advances; false at the end or on error (check status()).
  virtual bool Next() = 0;
  virtual const EntryView& At() const = 0;
  virtual Status status() const = 0;
};

// Per-chunk (or per head block) summary, for answering count/bytes_over_time without decompressing.
struct ChunkSummary {
  int64_t min_ts_ns = 0;
  int64_t max_ts_ns = 0;
  int64_t entries = 0;
  int64_t raw_bytes = 0;    // sum of line lengths
};

// One time-sorted run of a stream's entries (a block of a chunk, a sealed block, the head) as
// counting queries see it: totals from metadata, timestamps and line lengths on demand, lines never.
class CountRun {
 public:
  virtual ~CountRun() = default;
  ChunkSummary summary;
  bool metadata = true;   // entries may carry structured metadata (false = known none)
  // The entries' timestamps (ascending) and line lengths; sets *metadata exactly.
  virtual Status Load(std::vector<int64_t>* ts, std::vector<uint32_t>* len, bool* metadata) = 0;
};
using CountRuns = std::vector<std::unique_ptr<CountRun>>;

struct IndexStats {
  int64_t streams = 0, chunks = 0, bytes = 0, entries = 0;
};

class StoreReader {
 public:
  virtual ~StoreReader() = default;
  // Streams of a tenant matching all matchers that have data overlapping [start, end).
  virtual Result<std::vector<StreamInfo>> Streams(const std::string& tenant, const Matchers& ms,
                                                  int64_t start_ns, int64_t end_ns) = 0;
  // Sorted, unique. `ms` empty = all streams.
  virtual Result<std::vector<std::string>> LabelNames(const std::string& tenant, const Matchers& ms,
                                                      int64_t start_ns, int64_t end_ns) = 0;
  virtual Result<std::vector<std::string>> LabelValues(const std::string& tenant,
                                                       const std::string& name, const Matchers& ms,
                                                       int64_t start_ns, int64_t end_ns) = 0;
  // Entries of one stream in [start, end), ordered by (ts, then arrival) in `dir`.
  virtual std::unique_ptr<EntryIterator> Entries(const std::string& tenant, uint64_t stream_id,
                                                 int64_t start_ns, int64_t end_ns, Direction dir) = 0;
  // Summaries of the chunks and head blocks of a stream overlapping [start, end).
  virtual Result<std::vector<ChunkSummary>> Summaries(const std::string& tenant, uint64_t stream_id,
                                                      int64_t start_ns, int64_t end_ns) = 0;
  // Per-block runs of a stream overlapping [start, end), sorted by min_ts. Runs may overlap in time
  // (out-of-order writes, a chunk both in memory and on disk): the caller then reads Entries, which
  // deduplicates. An empty list (the default: readers without blocks) also sends it to Entries.
  virtual Result<CountRuns> Runs(const std::string& tenant, uint64_t stream_id, int64_t start_ns,
                                 int64_t end_ns) {
    (void)tenant, (void)stream_id, (void)start_ns, (void)end_ns;
    return CountRuns{};
  }
  virtual Result<IndexStats> Stats(const std::string& tenant, const Matchers& ms, int64_t start_ns,
                                   int64_t end_ns) = 0;
  // Live tail: called for every entry appended after subscription (from the pushing thread; keep
  // it cheap). Returns a handle; destroying it unsubscribes.
  using TailFn = std::function<void(const LabelSet&, const LogEntry&)>;
  virtual std::shared_ptr<void> Subscribe(const std::string& tenant, TailFn fn) = 0;
};

}  // namespace skald
