// FederatedReader: a StoreReader over the local store (what this node holds, and on a read node
// the bucket) plus the write nodes' not yet shipped data, merged per label set and de-duplicated.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "store/cluster/cluster_config.h"
#include "store/cluster/peer_client.h"
#include "store/cluster/peer_set.h"
#include "store/cluster/stream_ids.h"
#include "store/cluster/tail_fanout.h"
#include "store/head/store_reader.h"

namespace skald::cluster {

struct FederatedReaderOptions {
  StoreReader* local = nullptr;           // must outlive the reader
  ClusterConfig cluster;                  // validated (ValidateClusterConfig)
  PeerCredentials creds;
  // Write nodes are asked only about [max(start, now − this), end) (Loki's
  // querier.query_ingesters_within); 0 = always the whole range.
  int64_t query_ingesters_within_ns = 3LL * 3600 * 1000000000LL;
  metrics::Registry* registry = nullptr;  // null = the default registry
  std::function<int64_t()> now_ns;        // wall clock; null = the system clock
  Resolver resolver = ResolveHost;
  // Live tails follow the write nodes' tails; off on a write node (docs/SCALING.md, "Live tail").
  bool fan_out_tails = true;
};

// Thread-safe. Ids: a stream keeps its local id when the local store has it, else a synthetic id
// (StreamIds). Entries merges and de-duplicates. Where a write node holds the stream in the asked
// range, Runs keeps the local runs wholly older than the write-node window and adds one run of
// the merged, de-duplicated entries from there on; Summaries and Stats are recounted the same way.
// A write node that cannot answer fails the call with kUnavailable naming it, unless
// tolerate_unavailable_write_nodes (then its data is left out; warn log + failure metric).
// Subscribe (live tail) sees the local store; OpenTail (api::LiveTailSource, which the tail route
// looks for) follows the write nodes' own tails (TailFanout).
class FederatedReader : public StoreReader, public api::LiveTailSource {
 public:
  explicit FederatedReader(FederatedReaderOptions o);

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
  Result<CountRuns> Runs(const std::string& tenant, uint64_t stream_id, int64_t start_ns, int64_t end_ns) override;
  Result<IndexStats> Stats(const std::string& tenant, const Matchers& ms, int64_t start_ns, int64_t end_ns) override;
  std::shared_ptr<void> Subscribe(const std::string& tenant, TailFn fn) override;
  bool FansOutTails() const override { return o_.fan_out_tails; }
  std::shared_ptr<void> OpenTail(const api::LiveTailRequest& r, api::LiveTailCallbacks cb) override;

 private:
  struct PeerSeries {
    std::string base_url;
    std::vector<LabelSet> series;
  };
  struct Range {
    int64_t lo = 0, hi = 0;
    bool empty() const { return lo >= hi; }
  };
  Range PeerRange(int64_t start, int64_t end) const;
  std::shared_ptr<PeerClient> ClientFor(const Peer& p);
  // Every write node's streams matching `ms` in r, asked in parallel; failures per the policy.
  Result<std::vector<PeerSeries>> AskPeers(const std::string& tenant, const Matchers& ms, Range r);
  // The write nodes (currently configured) that reported the stream.
  std::vector<std::shared_ptr<PeerClient>> PeersOf(const StreamRecord& rec);
  std::unique_ptr<EntryIterator> Merged(const std::string& tenant, const StreamRecord& rec, int64_t start,
                                        int64_t end, Direction dir);

  FederatedReaderOptions o_;
  PeerMetrics metrics_;
  PeerSet peers_;
  StreamIds ids_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<PeerClient>> clients_;   // by base URL; guarded by mu_
  TailFanout tails_;
};

// The factory the store app uses: validates the credentials files and builds the reader.
// `fan_out_tails`: false on -target=write nodes (the scalable config lists write_nodes everywhere).
Result<std::unique_ptr<StoreReader>> MakeFederatedReader(StoreReader* local, const ClusterConfig& c,
                                                         int64_t query_ingesters_within_ns,
                                                         metrics::Registry* registry, bool fan_out_tails = true);

}  // namespace skald::cluster
