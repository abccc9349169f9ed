// RetentionReader: a StoreReader decorator that hides what retention has expired (each stream's
// start clamped to now − its period) and lines covered by delete requests, at once, before the
// compactor removes anything from disk. Summaries it cannot vouch for are recomputed exactly.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "store/head/store_reader.h"
#include "store/retention/delete_requests.h"
#include "store/retention/retention_policy.h"

namespace skald::retention {

struct RetentionReaderOptions {
  StoreReader* inner = nullptr;                                      // must outlive the reader
  std::function<std::shared_ptr<const RetentionPolicy>()> policy;   // null or null result = none
  DeleteRequests* deletes = nullptr;                                 // may be null
  std::function<bool(uint64_t id, LabelSet* out)> labels_of;        // stream id → labels
  std::function<int64_t()> now_ns;                                   // null = system clock
};

// Thread-safe if the inner reader is.
class RetentionReader : public StoreReader {
 public:
  explicit RetentionReader(RetentionReaderOptions o);

  Result<std::vector<StreamInfo>> Streams(const std::string& tenant, const Matchers& ms, int64_t start_ns,
                                          int64_t end_ns) override;
  Result<std::vector<std::string>> LabelNames(const std::string& tenant, const Matchers& ms, int64_t start_ns,
                                              int64_t end_ns) override;
  Result<std::vector<std::string>> LabelValues(const std::string& tenant, const std::string& name,
                                               const Matchers& ms, int64_t start_ns, int64_t end_ns) override;
  std::unique_ptr<EntryIterator> Entries(const std::string& tenant, uint64_t stream_id, int64_t start_ns,
                                         int64_t end_ns, Direction dir) override;
  Result<std::vector<ChunkSummary>> Summaries(const std::string& tenant, uint64_t stream_id, int64_t start_ns,
                                              int64_t end_ns) override;
  // The inner runs when nothing is hidden in [start, end); else none (the engine reads Entries).
  Result<CountRuns> Runs(const std::string& tenant, uint64_t stream_id, int64_t start_ns, int64_t end_ns) override;
  Result<IndexStats> Stats(const std::string& tenant, const Matchers& ms, int64_t start_ns, int64_t end_ns) override;
  std::shared_ptr<void> Subscribe(const std::string& tenant, TailFn fn) override;

 private:
  struct View {                        // what applies to one stream right now
    int64_t cutoff = INT64_MIN;
    std::shared_ptr<const std::vector<CompiledDelete>> deletes;
  };
  bool PassThrough(const std::string& tenant) const;
  View ViewFor(const std::string& tenant, const LabelSet& labels) const;
  bool HasData(const std::string& tenant, uint64_t id, int64_t lo, int64_t hi);
  Result<std::vector<ChunkSummary>> Exact(const std::string& tenant, uint64_t id, int64_t lo, int64_t hi);
  int64_t Now() const;

  RetentionReaderOptions o_;
};

}  // namespace skald::retention
