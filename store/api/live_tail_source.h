// What a live tail follows besides the local store's pushes: on a read node, the write nodes' own
// tails (store/cluster/tail_fanout.h). A StoreReader that has one also implements this interface.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/labels.h"

namespace skald::api {

// A read node marks its tails on write nodes with this header, valued with its PeerTailId(): a
// marked tail never fans out again (no write node to write node recursion), and a node that finds
// its own id in it refuses with kPeerTailSelfStatus (a node listed among its own write_nodes).
inline constexpr const char* kPeerTailHeader = "X-Skald-Peer-Tail";
inline constexpr int kPeerTailSelfStatus = 508;   // Loop Detected
// This process's id for that header (random, fixed for the process's life).
const std::string& PeerTailId();

// Where a tailed entry came from, for de-duplication (TailBuffer): a source never repeats itself,
// so only copies across sources are left out. Remote tails number each connection from 2 on.
inline constexpr uint64_t kLocalSource = 0;     // pushes to this node
inline constexpr uint64_t kHistorySource = 1;   // the tail's history query
inline constexpr uint64_t kFirstRemoteSource = 2;

struct LiveTailRequest {
  std::string tenant;
  std::string query;     // the client's LogQL log query, passed on as it is
  int64_t start_ns = 0;  // the first remote tail's history starts here (later ones: where it broke)
  uint32_t limit = 100;
};

// Called from the source's own thread, never while a tail is being opened.
struct LiveTailCallbacks {
  // One entry after the query's pipeline (labels and line as the client will see them); `source`
  // names the connection it came by (>= kFirstRemoteSource).
  std::function<void(uint64_t source, LabelSet labels, int64_t ts_ns, std::string line)> entry;
  // An entry a remote side dropped (its `dropped_entries`).
  std::function<void(int64_t ts_ns, LabelSet labels)> dropped;
  // The source gave up: the tail should end with this reason.
  std::function<void(std::string reason)> fail;
};

class LiveTailSource {
 public:
  virtual ~LiveTailSource() = default;
  // False where tails are not fanned out (a node that takes pushes itself: a write node).
  virtual bool FansOutTails() const = 0;
  // Starts following; everything stops soon after the returned handle is released (releasing
  // never blocks; callbacks may still run for a moment, so they must keep what they touch alive).
  virtual std::shared_ptr<void> OpenTail(const LiveTailRequest& r, LiveTailCallbacks cb) = 0;
};

}  // namespace skald::api
