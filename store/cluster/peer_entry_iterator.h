// The entries of one stream on one write node, fetched lazily a page at a time (FORMAT.md,
// "Paging") so a long range never sits whole in memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/cluster/peer_client.h"
#include "store/head/store_reader.h"

namespace skald::cluster {

inline constexpr uint64_t kPeerPageEntries = 1000;   // small enough for a quick first page

struct PeerStreamRequest {
  std::string tenant;
  LabelSet labels;
  int64_t start_ns = 0, end_ns = 0;
  Direction dir = Direction::kBackward;
  bool tolerate_unavailable = false;  // a node that cannot answer ends the stream (logged)
  uint64_t page_entries = kPeerPageEntries;
};

class PeerEntryIterator : public EntryIterator {
 public:
  PeerEntryIterator(std::shared_ptr<PeerClient> client, PeerStreamRequest r);
  bool Next() override;
  const EntryView& At() const override { return view_; }
  Status status() const override { return status_; }

 private:
  Status FetchPage();

  std::shared_ptr<PeerClient> client_;
  PeerStreamRequest r_;
  std::vector<LogEntry> page_;
  size_t pos_ = 0;
  bool more_ = true;          // the node may have more after this page
  bool fetched_ = false;
  int64_t last_ts_ = 0;
  uint64_t same_ts_ = 0;      // entries received with ts == last_ts_ (the next page's skip)
  EntryView view_;
  Status status_;
};

}  // namespace skald::cluster
