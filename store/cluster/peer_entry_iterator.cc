// Paged entry fetching from one write node (see peer_entry_iterator.h).
#include "store/cluster/peer_entry_iterator.h"

#include <fmt/format.h>

#include "common/logger.h"
#include "store/cluster/peer_routes.h"

namespace skald::cluster {
namespace {

class PageCollector : public FrameHandler {
 public:
  explicit PageCollector(std::vector<LogEntry>* out) : out_(out) {}
  bool OnStream(LabelSet) override { return true; }
  bool OnEntry(LogEntry e) override { out_->push_back(std::move(e)); return true; }
  void OnEnd(bool more) override { more_ = more; }
  void OnError(int, std::string) override {}
  bool more_ = false;

 private:
  std::vector<LogEntry>* out_;
};

}  // namespace

PeerEntryIterator::PeerEntryIterator(std::shared_ptr<PeerClient> client, PeerStreamRequest r)
    : client_(std::move(client)), r_(std::move(r)) {}

Status PeerEntryIterator::FetchPage() {
  int64_t start = r_.start_ns, end = r_.end_ns;
  uint64_t skip = 0;
  if (fetched_) {   // resume after the last entry received (FORMAT.md, "Paging")
    if (r_.dir == Direction::kForward) start = last_ts_;
    else end = last_ts_ + 1;
    skip = same_ts_;
  }
  page_.clear();
  pos_ = 0;
  PageCollector c(&page_);
  QueryParams params = {{"labels", r_.labels.ToString()}, {"start", std::to_string(start)},
                        {"end", std::to_string(end)},
                        {"direction", r_.dir == Direction::kForward ? "forward" : "backward"},
                        {"limit", std::to_string(r_.page_entries)}, {"skip", std::to_string(skip)}};
  Status st = client_->Get("/logproto.Querier/Query", kEntriesPath, params, r_.tenant, &c);
  fetched_ = true;
  if (!st.ok()) return st;
  more_ = c.more_ && !page_.empty();
  for (const LogEntry& e : page_) {
    if (same_ts_ > 0 && e.ts_ns == last_ts_) same_ts_++;
    else last_ts_ = e.ts_ns, same_ts_ = 1;
  }
  return Status::Ok();
}

bool PeerEntryIterator::Next() {
  if (!status_.ok()) return false;
  while (pos_ >= page_.size()) {
    if (!more_) return false;
    Status st = FetchPage();
    if (!st.ok()) {
      more_ = false;
      page_.clear();
      const bool tolerated = r_.tolerate_unavailable &&
                             (st.code() == Code::kUnavailable || st.code() == Code::kTimeout);
      SKALD_LOG(warn, tolerated ? "write node left out of a query (tolerate_unavailable_write_nodes)"
                                : "write node failed a query",
                {{"node", client_->peer().node}, {"stream", r_.labels.ToString()}, {"err", st.message()}});
      if (!tolerated) status_ = st;
      return false;
    }
  }
  const LogEntry& e = page_[pos_++];
  view_ = EntryView{e.ts_ns, e.line, e.metadata.empty() ? nullptr : &e.metadata};
  return true;
}

}  // namespace skald::cluster
