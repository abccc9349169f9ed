// One write node as a read node sees it: keep-alive HTTP(S) connections (a small pool, so query
// threads can ask it at once), credentials, timeouts, request metrics, and errors that name it.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/metrics.h"
#include "store/cluster/cluster_config.h"
#include "store/cluster/frame_format.h"
#include "store/cluster/peer_set.h"

namespace httplib {
class Client;
}

namespace skald::cluster {

// The request metrics of every peer client, registered once per registry.
struct PeerMetrics {
  explicit PeerMetrics(metrics::Registry& r);
  metrics::HistogramVec& duration;  // loki_ingester_client_request_duration_seconds{operation,status_code}
  metrics::CounterVec& failures;    // skald_cluster_peer_failures_total{node,reason}
};

struct PeerClientOptions {
  int64_t timeout_ns = 10LL * 1000000000LL;
  PeerCredentials creds;
  PeerTlsConfig tls;
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Thread-safe.
class PeerClient {
 public:
  PeerClient(Peer peer, PeerClientOptions o, PeerMetrics* m);
  ~PeerClient();

  // GETs `path?params` as `tenant` and feeds the body to `h`. OK only for a complete answer (an
  // END frame). Errors name the node: kUnavailable (down, refused, cut short, 5xx, 429, bad
  // credentials), kTimeout (no answer within the timeout), kInvalidArgument (the node refused
  // the request: a bad selector or one of its limits).
  Status Get(const std::string& operation, const std::string& path, const QueryParams& params,
             const std::string& tenant, FrameHandler* h);

  const Peer& peer() const { return peer_; }

 private:
  std::unique_ptr<httplib::Client> Take();
  void Give(std::unique_ptr<httplib::Client> c);
  struct Exchange;
  struct Outcome {
    std::string code;     // status_code label
    const char* reason = "";   // failures reason label
    Status status;
  };
  Exchange Run(const std::string& target, const std::string& tenant, FrameHandler* h);
  Outcome Judge(const Exchange& x) const;

  Peer peer_;
  PeerClientOptions o_;
  PeerMetrics* m_;
  std::mutex mu_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;  // guarded by mu_
};

}  // namespace skald::cluster
