// A read node's live tail on one write node: a Boost.Beast WebSocket client (ws:// or wss://, the
// peer credentials and tenant header) on the shared tail I/O thread, reconnecting with backoff.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "store/cluster/cluster_config.h"
#include "store/cluster/peer_set.h"
#include "store/cluster/tail_frame.h"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}
}  // namespace boost::asio

namespace skald::cluster {

struct PeerTailOptions {
  Peer peer;                      // base_url set (a peer with an error is not tailed)
  std::string tenant, query;
  uint32_t limit = 100;
  int64_t start_ns = 0;           // the first connection's history start
  int64_t timeout_ns = 10LL * 1000000000LL;   // connect + TLS + upgrade, each attempt
  PeerCredentials creds;
  std::shared_ptr<boost::asio::ssl::context> tls;   // for https:// peers
  int64_t backoff_min_ns = 100LL * 1000000;
  int64_t backoff_max_ns = 5LL * 1000000000LL;
  // Up (and the backoff reset) at the first frame (a Skald write node sends one at once), or
  // after this long open without one: a write node refuses a tail only after the upgrade.
  int64_t established_after_ns = 2LL * 1000000000LL;
  std::string peer_tail_id;       // api::kPeerTailHeader's value (api::PeerTailId())
};

// Called on the I/O thread, never after Stop() has run there.
struct PeerTailEvents {
  std::function<void()> up;                         // the write node accepted the tail (see above)
  std::function<void(const std::string& err)> down; // an attempt failed or the tail broke; it retries
  // A frame from connection `conn` (>= api::kFirstRemoteSource, new for every connection).
  std::function<void(uint64_t conn, TailFrame)> frame;
  std::function<void()> self;                       // the write node is this node: no retry
};

// The target a peer tail asks for: /loki/api/v1/tail with query, start and limit (percent-encoded).
std::string PeerTailTarget(const std::string& query, int64_t start_ns, uint32_t limit);

// Thread-safe.
class PeerTail {
 public:
  virtual ~PeerTail() = default;
  // From any thread: closes the connection (the write node sees its client go) and stops retrying;
  // called on the I/O thread, no event follows.
  virtual void Stop() = 0;
};

// Connects at once. After a break it reconnects (jittered exponential backoff, reset only once a
// connection was up), asking for the history since one second before the newest entry timestamp
// it got from this write node; the reader de-duplicates the overlap. A bad frame is a break.
std::shared_ptr<PeerTail> StartPeerTail(boost::asio::io_context& io, PeerTailOptions o, PeerTailEvents ev);

}  // namespace skald::cluster
