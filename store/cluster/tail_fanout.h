// A read node's live tail over its write nodes: one PeerTail per write node on one shared I/O
// thread, their entries handed to the tail session (which de-duplicates and orders them).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "store/api/live_tail_source.h"
#include "store/cluster/cluster_config.h"
#include "store/cluster/peer_set.h"

namespace boost::asio::ssl {
class context;
}

namespace skald::cluster {

struct TailFanoutOptions {
  ClusterConfig cluster;                  // validated
  PeerCredentials creds;
  metrics::Registry* registry = nullptr;  // null = the default registry
  int64_t backoff_min_ns = 100LL * 1000000;
  int64_t backoff_max_ns = 5LL * 1000000000LL;
  int64_t established_after_ns = 2LL * 1000000000LL;   // PeerTailOptions
  std::string peer_tail_id;               // sent in api::kPeerTailHeader; "" = api::PeerTailId()
};

// Thread-safe. A write node that is down or goes away is retried with backoff and never ends the
// tail while another answers. When none has answered for peer_timeout, the tail ends (503-like
// close naming the last error) unless tolerate_unavailable_write_nodes, which keeps retrying.
// Write nodes are the ones PeerSet lists when the tail opens; one that turns out to be this node
// (it refuses with api::kPeerTailSelfStatus) is left out for the tail's life.
class TailFanout : public api::LiveTailSource {
 public:
  TailFanout(PeerSet* peers, TailFanoutOptions o);   // peers must outlive this
  // Stops every tail still open and waits for the I/O thread to have done so (at most 5 s), so
  // no callback and no metric update runs after it: the registry may go next.
  ~TailFanout() override;
  bool FansOutTails() const override { return true; }
  std::shared_ptr<void> OpenTail(const api::LiveTailRequest& r, api::LiveTailCallbacks cb) override;

  struct Metrics {
    explicit Metrics(metrics::Registry& r);
    metrics::Gauge& open;            // skald_cluster_peer_tails
    metrics::CounterVec& failures;   // skald_cluster_peer_tail_failures_total{node}
    metrics::Counter& ended;         // skald_cluster_tails_ended_unavailable_total
  };

 private:
  PeerSet* peers_;
  TailFanoutOptions o_;
  Metrics metrics_;
  std::shared_ptr<boost::asio::ssl::context> tls_;   // null when it could not be built
  std::mutex mu_;
  std::vector<std::weak_ptr<void>> groups_;          // the open tails; guarded by mu_
};

}  // namespace skald::cluster
