// The federated read path (see federated_reader.h): the union of streams and labels, per-stream
// merges of the local entries with the write nodes', and the counting shortcuts kept honest.
#include "store/cluster/federated_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <set>

#include "common/logger.h"
#include "store/cluster/dedup_merge_iterator.h"
#include "store/cluster/exact_summaries.h"
#include "store/cluster/peer_entry_iterator.h"
#include "store/cluster/peer_routes.h"
#include "store/head/merge_iterator.h"

namespace skald::cluster {
namespace {

class SeriesCollector : public FrameHandler {
 public:
  bool OnStream(LabelSet ls) override { out.push_back(std::move(ls)); return true; }
  bool OnEntry(LogEntry) override { return true; }
  void OnEnd(bool) override {}
  void OnError(int, std::string) override {}
  std::vector<LabelSet> out;
};

std::vector<NodeSpec> Specs(const ClusterConfig& c) {
  std::vector<NodeSpec> out;
  for (const auto& n : c.write_nodes) {
    auto s = ParseNodeSpec(n);
    if (s.ok()) out.push_back(std::move(*s));   // validated at start-up
  }
  return out;
}

int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

FederatedReader::FederatedReader(FederatedReaderOptions o)
    : o_(std::move(o)),
      metrics_(o_.registry ? *o_.registry : metrics::Registry::Default()),
      peers_(Specs(o_.cluster), o_.cluster.use_https, o_.cluster.dns_refresh_ns, o_.resolver),
      tails_(&peers_, TailFanoutOptions{o_.cluster, o_.creds, o_.registry}) {}

FederatedReader::Range FederatedReader::PeerRange(int64_t start, int64_t end) const {
  if (o_.query_ingesters_within_ns <= 0) return {start, end};
  const int64_t now = o_.now_ns ? o_.now_ns() : SystemNow();
  return {std::max(start, now - o_.query_ingesters_within_ns), end};
}

std::shared_ptr<PeerClient> FederatedReader::ClientFor(const Peer& p) {
  std::lock_guard lock(mu_);
  const std::string key = p.base_url.empty() ? "error:" + p.node : p.base_url;
  auto& c = clients_[key];
  if (c == nullptr) {
    c = std::make_shared<PeerClient>(p, PeerClientOptions{o_.cluster.peer_timeout_ns, o_.creds, o_.cluster.tls},
                                     &metrics_);
  }
  return c;
}

Result<std::vector<FederatedReader::PeerSeries>> FederatedReader::AskPeers(const std::string& tenant,
                                                                           const Matchers& ms, Range r) {
  std::vector<PeerSeries> out;
  if (r.empty()) return out;
  std::vector<std::shared_ptr<PeerClient>> clients;
  for (const Peer& p : peers_.Current()) clients.push_back(ClientFor(p));
  QueryParams params = {{"query", ms.empty() ? "" : MatchersToString(ms)}, {"start", std::to_string(r.lo)},
                        {"end", std::to_string(r.hi)}};
  std::vector<std::future<std::pair<Status, std::vector<LabelSet>>>> asks;
  for (const auto& c : clients) {
    asks.push_back(std::async(std::launch::async, [c, &params, &tenant] {
      SeriesCollector col;
      Status st = c->Get("/logproto.Querier/Series", kSeriesPath, params, tenant, &col);
      return std::make_pair(st, std::move(col.out));
    }));
  }
  Status first;
  for (size_t i = 0; i < asks.size(); i++) {
    auto [st, series] = asks[i].get();
    if (st.ok()) {
      out.push_back({clients[i]->peer().base_url, std::move(series)});
      continue;
    }
    const bool tolerated = o_.cluster.tolerate_unavailable_write_nodes &&
                           (st.code() == Code::kUnavailable || st.code() == Code::kTimeout);
    SKALD_LOG(warn, tolerated ? "write node left out of a query (tolerate_unavailable_write_nodes)"
                              : "write node failed a query",
              {{"node", clients[i]->peer().node}, {"tenant", tenant}, {"err", st.message()}});
    if (!tolerated && first.ok()) first = st;
  }
  if (!first.ok()) return first;
  return out;
}

Result<std::vector<StreamInfo>> FederatedReader::Streams(const std::string& tenant, const Matchers& ms,
                                                         int64_t start_ns, int64_t end_ns) {
  auto local = o_.local->Streams(tenant, ms, start_ns, end_ns);
  if (!local.ok()) return local;
  auto remote = AskPeers(tenant, ms, PeerRange(start_ns, end_ns));
  if (!remote.ok()) return remote.status();
  std::vector<StreamInfo> out;
  std::set<uint64_t> seen;
  for (auto& s : *local) {
    ids_.AddLocal(tenant, s.labels, s.id);
    seen.insert(s.id);
    out.push_back(std::move(s));
  }
  for (auto& ps : *remote) {
    for (auto& ls : ps.series) {
      uint64_t id = ids_.AddPeer(tenant, ls, ps.base_url);
      if (seen.insert(id).second) out.push_back({id, std::move(ls)});
    }
  }
  return out;
}

Result<std::vector<std::string>> FederatedReader::LabelNames(const std::string& tenant, const Matchers& ms,
                                                             int64_t start_ns, int64_t end_ns) {
  auto local = o_.local->LabelNames(tenant, ms, start_ns, end_ns);
  if (!local.ok()) return local;
  auto remote = AskPeers(tenant, ms, PeerRange(start_ns, end_ns));
  if (!remote.ok()) return remote.status();
  std::set<std::string> names(local->begin(), local->end());
  for (const auto& ps : *remote)
    for (const auto& ls : ps.series)
      for (const auto& l : ls) names.insert(l.name);
  return std::vector<std::string>(names.begin(), names.end());
}

Result<std::vector<std::string>> FederatedReader::LabelValues(const std::string& tenant, const std::string& name,
                                                              const Matchers& ms, int64_t start_ns, int64_t end_ns) {
  auto local = o_.local->LabelValues(tenant, name, ms, start_ns, end_ns);
  if (!local.ok()) return local;
  auto remote = AskPeers(tenant, ms, PeerRange(start_ns, end_ns));
  if (!remote.ok()) return remote.status();
  std::set<std::string> values(local->begin(), local->end());
  for (const auto& ps : *remote)
    for (const auto& ls : ps.series)
      if (auto v = ls.Get(name)) values.insert(std::string(*v));
  return std::vector<std::string>(values.begin(), values.end());
}

std::vector<std::shared_ptr<PeerClient>> FederatedReader::PeersOf(const StreamRecord& rec) {
  std::vector<std::shared_ptr<PeerClient>> out;
  if (rec.peers.empty()) return out;
  for (const Peer& p : peers_.Current()) {
    if (!p.base_url.empty() && rec.peers.count(p.base_url)) out.push_back(ClientFor(p));
  }
  return out;
}

std::unique_ptr<EntryIterator> FederatedReader::Merged(const std::string& tenant, const StreamRecord& rec,
                                                       int64_t start, int64_t end, Direction dir) {
  std::vector<std::unique_ptr<EntryIterator>> in;
  if (rec.local_id) in.push_back(o_.local->Entries(tenant, *rec.local_id, start, end, dir));
  const Range r = PeerRange(start, end);
  if (!r.empty()) {
    for (auto& c : PeersOf(rec)) {
      PeerStreamRequest req{tenant, rec.labels, r.lo, r.hi, dir, o_.cluster.tolerate_unavailable_write_nodes};
      in.push_back(std::make_unique<PeerEntryIterator>(std::move(c), std::move(req)));
    }
  }
  if (in.size() == 1) return std::move(in.front());
  return std::make_unique<DedupMergeIterator>(std::move(in), dir);
}

std::unique_ptr<EntryIterator> FederatedReader::Entries(const std::string& tenant, uint64_t stream_id,
                                                        int64_t start_ns, int64_t end_ns, Direction dir) {
  auto rec = ids_.Lookup(tenant, stream_id);
  if (rec) return Merged(tenant, *rec, start_ns, end_ns, dir);
  if (stream_id & kSyntheticIdBit)
    return head::NewErrorIterator(Status::NotFound(fmt::format("unknown stream id {}", stream_id)));
  return o_.local->Entries(tenant, stream_id, start_ns, end_ns, dir);
}

Result<std::vector<ChunkSummary>> FederatedReader::Summaries(const std::string& tenant, uint64_t stream_id,
                                                             int64_t start_ns, int64_t end_ns) {
  auto rec = ids_.Lookup(tenant, stream_id);
  const Range r = PeerRange(start_ns, end_ns);
  if (!rec || r.empty() || PeersOf(*rec).empty()) {
    if (stream_id & kSyntheticIdBit) return std::vector<ChunkSummary>{};
    return o_.local->Summaries(tenant, stream_id, start_ns, end_ns);
  }
  std::vector<ChunkSummary> local;
  if (rec->local_id) {
    auto got = o_.local->Summaries(tenant, *rec->local_id, start_ns, end_ns);
    if (!got.ok()) return got;
    local = std::move(*got);
  }
  return CombineSummaries(std::move(local), start_ns, end_ns, r.lo, [&](int64_t lo, int64_t hi) {
    return Merged(tenant, *rec, lo, hi, Direction::kForward);
  });
}

Result<CountRuns> FederatedReader::Runs(const std::string& tenant, uint64_t stream_id, int64_t start_ns,
                                        int64_t end_ns) {
  auto rec = ids_.Lookup(tenant, stream_id);
  const Range r = PeerRange(start_ns, end_ns);
  if (!rec || r.empty() || PeersOf(*rec).empty()) {
    if (stream_id & kSyntheticIdBit) return CountRuns{};
    return o_.local->Runs(tenant, stream_id, start_ns, end_ns);
  }
  CountRuns local;
  if (rec->local_id) {
    auto got = o_.local->Runs(tenant, *rec->local_id, start_ns, end_ns);
    if (!got.ok()) return got;
    local = std::move(*got);
  }
  return CombineRuns(std::move(local), rec->local_id.has_value(), start_ns, end_ns, r.lo,
                     [&](int64_t lo, int64_t hi) { return Merged(tenant, *rec, lo, hi, Direction::kForward); });
}

Result<IndexStats> FederatedReader::Stats(const std::string& tenant, const Matchers& ms, int64_t start_ns,
                                          int64_t end_ns) {
  if (PeerRange(start_ns, end_ns).empty() || peers_.Current().empty())
    return o_.local->Stats(tenant, ms, start_ns, end_ns);
  auto streams = Streams(tenant, ms, start_ns, end_ns);
  if (!streams.ok()) return streams.status();
  IndexStats st;
  for (const auto& s : *streams) {
    auto sums = Summaries(tenant, s.id, start_ns, end_ns);
    if (!sums.ok()) return sums.status();
    st.streams++;
    for (const auto& c : *sums) st.chunks++, st.entries += c.entries, st.bytes += c.raw_bytes;
  }
  return st;
}

// Entries pushed to this node itself (a read node takes none; an `all` node with write nodes does).
std::shared_ptr<void> FederatedReader::Subscribe(const std::string& tenant, TailFn fn) {
  return o_.local->Subscribe(tenant, std::move(fn));
}

std::shared_ptr<void> FederatedReader::OpenTail(const api::LiveTailRequest& r, api::LiveTailCallbacks cb) {
  return tails_.OpenTail(r, std::move(cb));
}

Result<std::unique_ptr<StoreReader>> MakeFederatedReader(StoreReader* local, const ClusterConfig& c,
                                                         int64_t query_ingesters_within_ns,
                                                         metrics::Registry* registry, bool fan_out_tails) {
  ClusterConfig cfg = c;
  SKALD_RETURN_IF_ERROR(ValidateClusterConfig(&cfg));
  auto creds = LoadPeerCredentials(cfg);
  if (!creds.ok()) return creds.status();
  if (!cfg.tls.server_name.empty())
    SKALD_LOG(warn, "skald_cluster.tls_config.server_name is not supported; the node URL's host is verified", {});
  FederatedReaderOptions o;
  o.local = local;
  o.cluster = std::move(cfg);
  o.creds = std::move(*creds);
  o.query_ingesters_within_ns = query_ingesters_within_ns;
  o.registry = registry;
  o.fan_out_tails = fan_out_tails;
  SKALD_LOG(info, "read fan-out to write nodes on",
            {{"write_nodes", o.cluster.write_nodes.size()}, {"node_id", o.cluster.node_id},
             {"tolerate_unavailable", o.cluster.tolerate_unavailable_write_nodes}});
  return std::unique_ptr<StoreReader>(std::make_unique<FederatedReader>(std::move(o)));
}

}  // namespace skald::cluster
